// A 429 cool-down set on one replica reaches the others through PostgreSQL; the later end wins,
// one that is over is not handed out, and a reset clears it everywhere.
import { describe, expect, it } from 'vitest';
import { createPgPool, migratePostgres, type PgPool } from '../../service/store/postgres/pg-database.ts';
import { PgChangeFeed } from '../../service/store/postgres/pg-change-feed.ts';
import { COOLDOWNS_TOPIC, PgCooldownBoard, type Cooldown } from '../../service/store/postgres/pg-cooldown-board.ts';
import { usePostgresServer } from '../support/postgres-server.ts';
import { until } from '../support/until.ts';

const { server, cleanups } = usePostgresServer();

async function replicas(n: number): Promise<Array<{ board: PgCooldownBoard; seen: Cooldown[][] }>> {
  const url = await server().createDatabase();
  const pool: PgPool = createPgPool(url);
  cleanups.push(() => pool.end());
  await migratePostgres(pool);
  const out = [];
  for (let i = 0; i < n; i++) {
    const seen: Cooldown[][] = [];
    let board: PgCooldownBoard | undefined;
    const feed = new PgChangeFeed({
      url,
      resyncMs: 0,
      onChange: (topic) => {
        if (topic === COOLDOWNS_TOPIC) board?.active().then((c) => seen.push(c), () => {});
      },
    });
    await feed.start();
    cleanups.push(() => feed.stop());
    board = new PgCooldownBoard(pool, feed);
    out.push({ board, seen });
  }
  return out;
}

describe('shared 429 cool-downs on PostgreSQL', () => {
  it('a cool-down set on replica A is seen by replica B, the later end winning', async () => {
    const [a, b] = await replicas(2);
    const end = Date.now() + 60_000;
    await a.board.publish('p/m', end);
    await until(() => b.seen.length === 1);
    expect(b.seen[0]).toEqual([{ target: 'p/m', until: end }]);
    await b.board.publish('p/m', end - 30_000);
    expect(await a.board.active()).toEqual([{ target: 'p/m', until: end }]);
    await b.board.clear('p/m');
    await until(() => a.seen.length >= 2 && a.seen.at(-1)!.length === 0);
  });

  it('does not hand out a cool-down that is over', async () => {
    const [a] = await replicas(1);
    await a.board.publish('p/m', Date.now() - 1);
    await a.board.publish('q/n', Date.now() + 60_000);
    expect((await a.board.active()).map((c) => c.target)).toEqual(['q/n']);
  });
});
