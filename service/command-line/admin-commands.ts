// The commands that ask a running gateway about itself or change it: providers, test, metrics,
// cache clear and config. Each is one or two admin routes; the printing is render.ts's.
import { CommandError, EXIT } from './exit-codes.ts';
import type { GatewayClient } from './gateway-client.ts';
import { describeConfig, describeMetrics, describeProbes, describeProviders, type Output, type ProbeResult } from './render.ts';

export async function providers(client: GatewayClient, out: Output): Promise<void> {
  const { body } = await client.admin('GET', '/providers');
  out.result(body, describeProviders(body));
}

/** A short probe through each target (default: every target named in a chain), one at a time. */
export async function testTargets(targets: string[], client: GatewayClient, out: Output): Promise<number> {
  if (targets.length === 0) {
    const { body } = await client.admin('GET', '/config');
    targets = [...new Set<string>((body.categories ?? []).flatMap((c: { chain?: string[] }) => c.chain ?? []))];
    if (targets.length === 0) throw new CommandError('no targets to test: every chain is empty', EXIT.failed);
  }
  const results: ProbeResult[] = [];
  for (const target of targets) {
    const started = performance.now();
    try {
      const { body } = await client.client('POST', '/v1/chat/completions', { model: target, max_tokens: 16, messages: [{ role: 'user', content: 'Reply with the single word OK.' }] });
      results.push({ target, ok: true, ms: performance.now() - started, answer: String(body?.choices?.[0]?.message?.content ?? '') });
    } catch (error) {
      if (!(error instanceof CommandError) || error.exitCode === EXIT.unreachable) throw error;
      const details = error.details as { error?: { attempts?: Array<{ error?: string; status?: number }> } } | undefined;
      const attempt = details?.error?.attempts?.[0];
      results.push({ target, ok: false, ms: performance.now() - started, error: attempt?.error ?? error.message, status: attempt?.status });
    }
  }
  out.result({ results }, describeProbes(results));
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
}

export async function metrics(window: string | undefined, client: GatewayClient, out: Output): Promise<void> {
  const { body } = await client.admin('GET', `/metrics${window ? `?window=${encodeURIComponent(window)}` : ''}`);
  out.result(body, describeMetrics(body));
}

/** DELETE /cache; a gateway from before the response cache answers 404, and that is said plainly. */
export async function cacheClear(client: GatewayClient, out: Output): Promise<number> {
  const { status, body } = await client.admin('DELETE', '/cache', undefined, [404]);
  if (status === 404) {
    out.result({ cleared: false, reason: 'no_cache_route' }, `this gateway has no response cache to clear (DELETE ${client.url}/cache answered 404)`);
    return EXIT.failed;
  }
  const count = body?.cleared ?? body?.deleted ?? body?.entries;
  out.result(body, `cache cleared${typeof count === 'number' ? ` (${count} entries)` : ''}`);
  return EXIT.ok;
}

export async function configGet(client: GatewayClient, out: Output): Promise<void> {
  const { body } = await client.admin('GET', '/config');
  out.result(body, describeConfig(body));
}

export async function setChain(category: string, targets: string[], client: GatewayClient, out: Output): Promise<void> {
  const { body } = await client.admin('POST', '/config/model-mapping', { category, chain: targets });
  out.result(body, `${category}: ${body.chain.join(' → ')}\n(was: ${(body.previous ?? []).join(' → ') || 'empty'})`);
}

export interface CategoryFlags {
  chain: string[];
  description?: string;
  keywords?: string[];
}

export async function addCategory(name: string, flags: CategoryFlags, client: GatewayClient, out: Output): Promise<void> {
  const body = { name, chain: flags.chain, ...(flags.description ? { description: flags.description } : {}), ...(flags.keywords ? { keywords: flags.keywords } : {}) };
  const { body: answer } = await client.admin('POST', '/config/category', body);
  out.result(answer, `${answer.created ? 'added' : 'updated'} category ${name}: ${answer.category.chain.join(' → ')}`);
}
