// A chain entry `provider/model`, split at the first '/': `openrouter/moonshotai/kimi-k2.5`
// is provider `openrouter`, model `moonshotai/kimi-k2.5`.

export interface Target {
  /** `provider/model`, the key of its breaker and of its rows in the log. */
  id: string;
  provider: string;
  model: string;
}

export function parseTarget(id: string): Target | null {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return null;
  return { id, provider: id.slice(0, slash), model: id.slice(slash + 1) };
}

/** Why a chain cannot be used as given (bad entry or unknown provider), or null when it can. */
export function chainProblem(chain: string[], knownProvider: (name: string) => boolean): string | null {
  for (const entry of chain) {
    const target = parseTarget(entry);
    if (!target) return `"${entry}" is not a provider/model target`;
    if (!knownProvider(target.provider)) return `"${entry}" names unknown provider "${target.provider}"`;
  }
  return null;
}
