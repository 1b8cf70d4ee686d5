// The adapter on its own against the fake Anthropic API: configuration reaching the SDK, and
// every way a call can fail mapped to ProviderError (HTTP, refused connection, deadline, abort, cut stream).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../config/gateway-config.ts';
import { AnthropicProvider } from './anthropic-provider.ts';
import { ProviderError } from './provider-error.ts';
import { startFakeAnthropic, type FakeAnthropic } from '../../test/support/fake-anthropic-upstream.ts';
import { freePort } from '../../test/support/free-port.ts';

let claude: FakeAnthropic;

beforeAll(async () => {
  claude = await startFakeAnthropic();
});

afterAll(async () => {
  await claude?.close();
});

describe('AnthropicProvider directly', () => {
  const config = (baseURL: string, options: Record<string, unknown> = {}): ProviderConfig => ({
    name: 'claude',
    type: 'anthropic',
    baseURL,
    apiKey: 'k',
    configured: true,
    envHint: [],
    headers: { 'x-team': 'agents' },
    options,
  });
  const request = { model: 'x', messages: [{ role: 'user' as const, content: 'hi' }] };

  it('uses options.defaultMaxTokens and the configured headers', async () => {
    const provider = new AnthropicProvider(config(claude.url, { defaultMaxTokens: 1234 }));
    await provider.complete({ model: 'text', request, signal: new AbortController().signal });
    const sent = claude.requests.at(-1)!;
    expect(sent.body.max_tokens).toBe(1234);
    expect(sent.headers['x-team']).toBe('agents');
  });

  it('rejects stream() itself on an HTTP error, before any chunk', async () => {
    const provider = new AnthropicProvider(config(claude.url));
    const error = await provider.stream({ model: 'error:529', request, signal: new AbortController().signal }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'http', status: 529, type: 'overloaded_error', retryable: true });
  });

  it('maps a refused connection to kind network', async () => {
    const port = await freePort();
    const provider = new AnthropicProvider(config(`http://127.0.0.1:${port}`));
    const error = await provider.complete({ model: 'text', request, signal: new AbortController().signal }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe('network');
  });

  it('reports a deadline that passes before the answer as timeout, and a client abort mid-stream as aborted', async () => {
    const provider = new AnthropicProvider(config(claude.url));
    const deadline = AbortSignal.timeout(50);
    const timedOut = await provider.complete({ model: 'slow:2000', request, signal: deadline }).catch((e) => e);
    expect(timedOut).toMatchObject({ kind: 'timeout' });

    const controller = new AbortController();
    const chunks = await provider.stream({ model: 'slow:0', request, signal: controller.signal });
    const error = await (async () => {
      for await (const chunk of chunks) if (chunk.choices[0]?.delta?.content) controller.abort();
    })().catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe('aborted');
  });

  it('throws kind stream when the stream ends without message_stop', async () => {
    const provider = new AnthropicProvider(config(claude.url));
    const chunks = await provider.stream({ model: 'cut-mid-stream', request, signal: new AbortController().signal });
    const error = await (async () => {
      for await (const _ of chunks);
    })().catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe('stream');
  });
});

