// How a configuration change made on one replica reaches the others: the writer sends NOTIFY on
// one channel (inside its transaction, so it goes out at commit and never for a rolled-back
// change), and every replica LISTENs on a connection of its own and re-reads what changed.
// Notifications sent while a replica's connection was down are lost, so a reconnect counts as
// "everything changed", and a periodic re-read is the safety net for anything else missed.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { runDetached } from '../../process/detached-task.ts';

export const CONFIG_CHANNEL = 'router_config';
/** Every topic changed: after a reconnect, and on the periodic re-read. */
export const EVERYTHING = '*';

export interface ChangeFeedOptions {
  url: string;
  /** Told the topic that changed (or EVERYTHING); must not throw. */
  onChange: (topic: string) => void;
  /** The periodic re-read; 0 turns it off. */
  resyncMs?: number;
  channel?: string;
}

type Querier = { query(text: string, values?: unknown[]): Promise<unknown> };

const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5000;

export class PgChangeFeed {
  /** This replica's id in every notification it sends, so it does not re-read its own changes. */
  readonly replicaId = randomUUID();
  readonly #options: Required<ChangeFeedOptions>;
  #client: pg.Client | undefined;
  #resync: NodeJS.Timeout | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #failures = 0;
  #stopped = false;

  constructor(options: ChangeFeedOptions) {
    this.#options = { resyncMs: 10_000, channel: CONFIG_CHANNEL, ...options };
  }

  /** Listens; resolves once the first LISTEN is in place (rejects if PostgreSQL cannot be reached). */
  async start(): Promise<void> {
    await this.#listen();
    if (this.#options.resyncMs > 0) {
      this.#resync = setInterval(() => this.#changed(EVERYTHING), this.#options.resyncMs);
      this.#resync.unref();
    }
  }

  /** Announces a change to the other replicas; run it on the transaction that made the change. */
  async notify(on: Querier, topic: string): Promise<void> {
    await on.query('SELECT pg_notify($1, $2)', [this.#options.channel, `${this.replicaId} ${topic}`]);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#resync);
    clearTimeout(this.#reconnect);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.url, connectionTimeoutMillis: 5000, keepAlive: true });
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      const space = payload.indexOf(' ');
      if (space === -1 || payload.slice(0, space) === this.replicaId) return;
      this.#changed(payload.slice(space + 1));
    });
    // A dropped connection (PostgreSQL restarted, a network cut): listen again, and re-read everything once back.
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.#options.channel)}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#client !== client || this.#stopped) return;
    this.#client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => {});
    console.error(`[router] config change feed lost its PostgreSQL connection (${error.message}); listening again`);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.min(this.#failures, 10));
    this.#reconnect = setTimeout(() => {
      runDetached('config change feed reconnect', async () => {
        try {
          await this.#listen();
        } catch {
          this.#failures++;
          if (!this.#stopped) this.#scheduleReconnect();
          return;
        }
        this.#failures = 0;
        // Whatever was announced while the connection was down was missed.
        this.#changed(EVERYTHING);
      });
    }, delay);
    this.#reconnect.unref();
  }

  #changed(topic: string): void {
    try {
      this.#options.onChange(topic);
    } catch (error) {
      console.error('[router] config change handler failed', error);
    }
  }
}
