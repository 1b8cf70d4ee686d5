// How deeply a parsed JSON value nests. A client body is re-serialised on its way upstream, and
// serialisation recurses: past a few thousand levels it overflows the stack. Real requests
// (messages, content parts, tool schemas) stay far below the limit.

export const MAX_REQUEST_DEPTH = 100;

/** True when `value` nests deeper than `limit` (objects and arrays count; the top level is 1). Iterative. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop()!;
    if (depth > limit) return true;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (typeof item === 'object' && item !== null) {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in node) {
        const item = node[key];
        if (typeof item === 'object' && item !== null) {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}
