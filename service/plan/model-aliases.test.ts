import { describe, expect, it } from 'vitest';
import { ModelAliases, aliasDestinationProblem, aliasName, parseAliasDestination, type AliasStorage } from './model-aliases.ts';

const checks = { hasCategory: (n: string) => n === 'code', hasProvider: (n: string) => n === 'openai' };

describe('parseAliasDestination', () => {
  it('reads a category or a target, and nothing else', () => {
    expect(parseAliasDestination('router/code')).toEqual({ kind: 'category', category: 'code' });
    expect(parseAliasDestination('openrouter/moonshotai/kimi-k2.5')).toEqual({ kind: 'target', target: { id: 'openrouter/moonshotai/kimi-k2.5', provider: 'openrouter', model: 'moonshotai/kimi-k2.5' } });
    expect(parseAliasDestination('router/')).toBeNull();
    expect(parseAliasDestination('router/a/b')).toBeNull();
    expect(parseAliasDestination('gpt-4o')).toBeNull();
  });
});

describe('aliasDestinationProblem', () => {
  it('names an unknown category or provider', () => {
    expect(aliasDestinationProblem('router/code', checks)).toBeNull();
    expect(aliasDestinationProblem('openai/gpt-4o-mini', checks)).toBeNull();
    expect(aliasDestinationProblem('router/nosuch', checks)).toBe('"router/nosuch" names unknown category "nosuch"');
    expect(aliasDestinationProblem('nosuch/m', checks)).toBe('"nosuch/m" names unknown provider "nosuch"');
    expect(aliasDestinationProblem('bare', checks)).toMatch(/neither/);
  });
});

describe('aliasName', () => {
  it('takes vendor model ids and refuses slashes and the router names', () => {
    for (const name of ['gpt-4o', 'claude-3-5-sonnet-20241022', 'llama3.2:3b', 'o1', 'gemini-2.5-flash@001']) expect(aliasName.safeParse(name).success, name).toBe(true);
    for (const name of ['openai/gpt-4o', 'router', 'auto', '', '-x', 'a b']) expect(aliasName.safeParse(name).success, name).toBe(false);
  });
});

describe('ModelAliases', () => {
  it('writes every change through, one row per save, and resolves from memory', async () => {
    const writes: Array<{ value: unknown; route: string }> = [];
    const storage: AliasStorage = { get: () => undefined, set: (_key, value, route) => void writes.push({ value, route }) };
    const aliases = new ModelAliases(storage);
    await aliases.save([{ name: 'b', to: 'router/code', source: 'REST' }, { name: 'a', to: 'openai/x', source: 'REST' }], 'test');
    expect(writes).toHaveLength(1);
    expect(aliases.list().map((a) => a.name)).toEqual(['a', 'b']);
    expect(aliases.resolve('b')).toEqual({ kind: 'category', category: 'code' });
    expect(await aliases.remove('a', 'test')).toBe(true);
    expect(await aliases.remove('a', 'test')).toBe(false);
    expect(writes).toHaveLength(2);
    expect(new ModelAliases({ get: <T>() => writes.at(-1)!.value as T, set: () => {} }).list()).toEqual([{ name: 'b', to: 'router/code', source: 'REST' }]);
  });
});

describe('ModelAliases on a store that refuses the write', () => {
  it('keeps the aliases it had: the memory copy changes only once the store has the change', async () => {
    const aliases = new ModelAliases({ get: () => undefined, set: () => Promise.reject(new Error('PostgreSQL is unreachable')) });
    await expect(aliases.save([{ name: 'a', to: 'openai/x', source: 'REST' }], 'test')).rejects.toThrow(/unreachable/);
    expect(aliases.list()).toEqual([]);
  });
});
