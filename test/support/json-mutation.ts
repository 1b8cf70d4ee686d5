// For the client-body fuzz suites: one mutation of a JSON body along a path of keys and indexes.

export interface JsonMutation {
  path: Array<string | number>;
  action: string;
  value: unknown;
}

/**
 * Applies a mutation wherever its path still leads. The value is copied in: fast-check hands out one
 * instance of a constant ([] or {}) to many mutations, and setting the same object twice could nest
 * it inside itself, a cycle no client can send.
 */
export function mutate(body: any, m: JsonMutation): void {
  let node = body;
  for (let i = 0; i < m.path.length - 1; i++) {
    const key = m.path[i];
    const next = typeof key === 'number' && Array.isArray(node) ? node[key % Math.max(1, node.length)] : node?.[key as string];
    if (next === null || typeof next !== 'object') break;
    node = next;
  }
  if (node === null || typeof node !== 'object') return;
  const last = m.path[m.path.length - 1];
  const key = typeof last === 'number' && Array.isArray(node) ? last % Math.max(1, node.length) : last;
  if (m.action === 'delete') delete node[key as never];
  else node[key as never] = structuredClone(m.value) as never;
}
