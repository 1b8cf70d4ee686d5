import { afterEach, describe, expect, it } from 'vitest';
import { clearSecretsForTest, redactSecrets, redactValue, registerSecret, summariseErrorBody } from './secret-redaction.ts';
import { ProviderError } from './provider-error.ts';

afterEach(() => clearSecretsForTest());

describe('redactSecrets', () => {
  it('replaces a registered key wherever it appears, and the token of a registered Authorization value', () => {
    registerSecret('my-own-gateway-key-123');
    registerSecret('Token abcdefgh12345678');
    expect(redactSecrets('key my-own-gateway-key-123 twice my-own-gateway-key-123')).toBe('key [redacted] twice [redacted]');
    expect(redactSecrets('got abcdefgh12345678')).toBe('got [redacted]');
  });

  it('replaces credential shapes that were never registered', () => {
    expect(redactSecrets('Incorrect API key provided: Bearer sk-proj-AbC123xyz_987.')).toBe('Incorrect API key provided: Bearer [redacted].');
    expect(redactSecrets('key sk-ant-api03-abcdefghijkl rejected')).toBe('key [redacted] rejected');
    expect(redactSecrets('?key=AIzaSyA1234567890abcdefghijklmnopqrstu')).toBe('?key=[redacted]');
  });

  it('leaves ordinary text and values too short to be keys alone', () => {
    registerSecret('abc');
    expect(redactSecrets('abc is not a key; a task-oriented answer')).toBe('abc is not a key; a task-oriented answer');
  });
});

describe('redactValue', () => {
  it('redacts strings in nested metadata and cuts what is too deep', () => {
    registerSecret('secret-value-42');
    let deep: unknown = 'secret-value-42';
    for (let i = 0; i < 20; i++) deep = [deep];
    expect(redactValue({ raw: 'was secret-value-42', list: ['secret-value-42'] })).toEqual({ raw: 'was [redacted]', list: ['[redacted]'] });
    expect(JSON.stringify(redactValue(deep))).not.toContain('secret-value-42');
  });
});

describe('summariseErrorBody', () => {
  it('gives an HTML error page as its title, without markup', () => {
    const page = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';
    expect(summariseErrorBody(page, 'text/html')).toBe('502 Bad Gateway');
  });

  it('falls back to the visible text of a page without title, scripts left out, at most 200 characters', () => {
    const page = `<div><p>Access &amp; denied</p><script>var x = "${'y'.repeat(500)}"</script>${'<b>word</b> '.repeat(100)}</div>`;
    const summary = summariseErrorBody(page);
    expect(summary.startsWith('Access & denied word word')).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(200);
    expect(summary).not.toMatch(/[<>]|yyy/);
  });

  it('collapses plain text, redacts it, and names an empty body', () => {
    expect(summariseErrorBody('upstream   said\n\nno: Bearer sk-abcdefgh12345', 'text/plain')).toBe('upstream said no: Bearer [redacted]');
    expect(summariseErrorBody('', 'text/plain')).toBe('an empty body');
  });

  it('stays fast on a page full of unclosed tags', () => {
    const summary = summariseErrorBody('<script'.repeat(200_000));
    expect(summary.length).toBeLessThanOrEqual(200);
  });
});

describe('ProviderError', () => {
  it('redacts its message, fields and metadata as it is built, and keeps upstream text short', () => {
    registerSecret('sk-gateway-owned-key');
    const error = new ProviderError({
      provider: 'p',
      kind: 'http',
      status: 401,
      message: `Incorrect API key provided: sk-gateway-owned-key ${'x'.repeat(10_000)}`,
      param: 'sk-gateway-owned-key',
      metadata: { raw: 'Bearer sk-gateway-owned-key' },
    });
    expect(error.message).toContain('Incorrect API key provided: [redacted]');
    expect(error.message.length).toBeLessThanOrEqual(2000);
    expect(error.param).toBe('[redacted]');
    expect(JSON.stringify(error.metadata)).not.toContain('sk-gateway-owned-key');
  });

  it("treats an 'invalid-request' as the client's own request error: not retried elsewhere", () => {
    const error = new ProviderError({ provider: 'p', kind: 'invalid-request', status: 400, message: 'bad model' });
    expect(error.isRequestError).toBe(true);
    expect(error.retryable).toBe(false);
  });
});
