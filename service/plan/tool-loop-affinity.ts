// Tool-loop stickiness: the turns of a tool loop go back to the target that issued the tool
// calls, since providers differ in tool-call id formats and in how they read each other's
// calls. Remembered by tool-call id, for a bounded time and number of loops.

export interface AffinityOptions {
  ttlMs: number;
  maxEntries: number;
}

export class ToolLoopAffinity {
  readonly #options: AffinityOptions;
  /** Insertion-ordered, so the oldest entry is the first to go when the map is full. */
  readonly #byCallId = new Map<string, { target: string; until: number }>();

  constructor(options: AffinityOptions = { ttlMs: 10 * 60_000, maxEntries: 10_000 }) {
    this.#options = options;
  }

  remember(toolCallIds: readonly string[], target: string, now = Date.now()): void {
    for (const id of toolCallIds) {
      this.#byCallId.delete(id);
      this.#byCallId.set(id, { target, until: now + this.#options.ttlMs });
    }
    while (this.#byCallId.size > this.#options.maxEntries) {
      this.#byCallId.delete(this.#byCallId.keys().next().value as string);
    }
  }

  /** The target that issued any of these tool calls, while it is remembered. */
  targetFor(toolCallIds: readonly string[], now = Date.now()): string | undefined {
    for (const id of toolCallIds) {
      const entry = this.#byCallId.get(id);
      if (!entry) continue;
      if (entry.until < now) {
        this.#byCallId.delete(id);
        continue;
      }
      return entry.target;
    }
    return undefined;
  }
}
