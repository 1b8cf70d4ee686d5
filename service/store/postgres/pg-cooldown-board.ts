// 429 cool-downs shared by every replica: the replica that got the Retry-After writes the target's
// end time (the later one wins, as within one process) and announces it; each replica applies the
// announced cool-downs to its own breaker registry. Breaker error counts stay per replica: each
// sees its own traffic's failures, and pooling them would need a write per failed call.
// An operator's breaker reset goes the same way, as its own topic naming the target.
import { inTransaction, type PgPool } from './pg-database.ts';
import type { PgChangeFeed } from './pg-change-feed.ts';
import type { Cooldown, SharedCooldowns } from '../shared-cooldowns.ts';

export type { Cooldown } from '../shared-cooldowns.ts';

export const COOLDOWNS_TOPIC = 'cooldowns';
/** `breaker-reset:<target>`, or `breaker-reset:*` for every target (a target always holds a `/`, never is `*`). */
export const RESET_TOPIC_PREFIX = 'breaker-reset:';
const EVERY_TARGET = '*';

/** The target a reset topic names (null: every target), or undefined when the topic is not a reset. */
export function resetTarget(topic: string): string | null | undefined {
  if (!topic.startsWith(RESET_TOPIC_PREFIX)) return undefined;
  const target = topic.slice(RESET_TOPIC_PREFIX.length);
  return target === EVERY_TARGET ? null : target;
}

export class PgCooldownBoard implements SharedCooldowns {
  readonly #pool: PgPool;
  readonly #feed: PgChangeFeed | undefined;

  constructor(pool: PgPool, feed?: PgChangeFeed) {
    this.#pool = pool;
    this.#feed = feed;
  }

  /** Records a cool-down for every replica; an earlier end than the one already stored leaves it. */
  async publish(target: string, until: number): Promise<void> {
    await inTransaction(this.#pool, async (client) => {
      await client.query(
        'INSERT INTO cooldowns (target, until_ms) VALUES ($1, $2) ON CONFLICT (target) DO UPDATE SET until_ms = GREATEST(cooldowns.until_ms, excluded.until_ms)',
        [target, Math.round(until)],
      );
      // Over ones go when anyone writes, so the table holds only what is cooling.
      await client.query('DELETE FROM cooldowns WHERE until_ms <= $1', [Date.now()]);
      await this.#feed?.notify(client, COOLDOWNS_TOPIC);
    });
  }

  /** The cool-downs not over at `now`: what a replica applies when told of a change, and at start. */
  async active(now = Date.now()): Promise<Cooldown[]> {
    const { rows } = await this.#pool.query<{ target: string; until_ms: number }>('SELECT target, until_ms FROM cooldowns WHERE until_ms > $1 ORDER BY target', [now]);
    return rows.map((r) => ({ target: r.target, until: r.until_ms }));
  }

  /** An operator's reset: the cool-down ends everywhere and every replica resets its own breaker (null: every target). */
  async reset(target: string | null): Promise<void> {
    await inTransaction(this.#pool, async (client) => {
      if (target === null) await client.query('DELETE FROM cooldowns');
      else await client.query('DELETE FROM cooldowns WHERE target = $1', [target]);
      await this.#feed?.notify(client, `${RESET_TOPIC_PREFIX}${target ?? EVERY_TARGET}`);
    });
  }

  /** A breaker reset ends the target's cool-down everywhere. */
  async clear(target: string): Promise<void> {
    await inTransaction(this.#pool, async (client) => {
      await client.query('DELETE FROM cooldowns WHERE target = $1', [target]);
      await this.#feed?.notify(client, COOLDOWNS_TOPIC);
    });
  }
}
