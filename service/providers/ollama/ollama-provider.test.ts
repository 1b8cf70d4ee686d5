// The adapter against the fake Ollama, without the gateway: the call's signal really stops the
// HTTP request (the fake sees its connection close), and errors come out as ProviderError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../config/gateway-config.ts';
import { OllamaProvider } from '../ollama-provider.ts';
import { ProviderError } from '../provider-error.ts';
import { startFakeOllama, type FakeOllama } from '../../../test/support/fake-ollama-upstream.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { until } from '../../../test/support/until.ts';

let ollama: FakeOllama;
let deadPort: number;

beforeAll(async () => {
  ollama = await startFakeOllama();
  deadPort = await freePort();
});

afterAll(async () => {
  await ollama?.close();
});

function lastOllamaRequest() {
  return ollama.requests.at(-1)!;
}

describe('OllamaProvider', () => {
  const config = (baseURL: string): ProviderConfig => ({ name: 'ollama', type: 'ollama', baseURL, apiKey: undefined, configured: true, envHint: [], headers: {}, options: {} });
  const request = { model: 'x', messages: [{ role: 'user' as const, content: 'hi' }] };

  it('aborts a non-streamed call: the HTTP request is closed and the error is kind aborted', async () => {
    const adapter = new OllamaProvider(config(ollama.url));
    const controller = new AbortController();
    const before = ollama.requests.length;
    const pending = adapter.complete({ model: 'hang', request, signal: controller.signal });
    await until(() => ollama.requests.length > before);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'ProviderError', kind: 'aborted' });
    await until(() => ollama.requests[before].closedEarly);
  });

  it('aborts a stream mid-way: iteration throws kind aborted and the connection closes', async () => {
    const adapter = new OllamaProvider(config(ollama.url));
    const controller = new AbortController();
    const before = ollama.requests.length;
    const chunks = await adapter.stream({ model: 'hang', request, signal: controller.signal });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const c of chunks) {
        seen.push(c.choices[0]?.delta?.content ?? '');
        if (seen.length === 2) controller.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ kind: 'aborted' });
    expect(seen).toEqual(['', 'Partial ']);
    await until(() => ollama.requests[before].closedEarly);
  });

  it('closes the connection when the reader stops early', async () => {
    const adapter = new OllamaProvider(config(ollama.url));
    const before = ollama.requests.length;
    const chunks = await adapter.stream({ model: 'hang', request, signal: new AbortController().signal });
    for await (const c of chunks) if (c.choices[0]?.delta?.content) break;
    await until(() => ollama.requests[before].closedEarly);
  });

  it('rejects stream() itself on an HTTP error, with retry-after kept', async () => {
    const adapter = new OllamaProvider(config(ollama.url));
    const error = await adapter.stream({ model: 'error:503', request, signal: new AbortController().signal }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'http', status: 503, retryAfterMs: 2000, message: 'fake ollama error 503' });
  });

  it('maps a refused connection to kind network', async () => {
    const adapter = new OllamaProvider(config(`http://127.0.0.1:${deadPort}`));
    await expect(adapter.complete({ model: 'm', request, signal: new AbortController().signal })).rejects.toMatchObject({ kind: 'network', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('lists installed models from /api/tags', async () => {
    const adapter = new OllamaProvider(config(ollama.url));
    expect(await adapter.listModels(new AbortController().signal)).toEqual(['llama3.2:latest', 'qwen2.5-coder:7b']);
    expect(lastOllamaRequest()).toMatchObject({ method: 'GET', path: '/api/tags' });
  });

  it('reads a model’s capabilities from /api/show', async () => {
    const adapter = new OllamaProvider(config(ollama.url));
    const signal = new AbortController().signal;
    expect(await adapter.modelCapabilities('llama-vision', signal)).toEqual({ tools: true, streaming: true, images: true, contextWindow: 131072 });
    expect(await adapter.modelCapabilities('no-tools', signal)).toMatchObject({ tools: false, images: false });
  });
});


