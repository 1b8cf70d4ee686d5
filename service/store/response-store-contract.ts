// What /v1/responses needs from the stored responses (previous_response_id), whichever database
// holds them. On PostgreSQL both calls are async: the route awaits load() before it plans, and
// awaits save() before the response's last frame, so a follow-up sent to any replica finds it.
// SQLite (response-store.ts) and PostgreSQL (postgres/pg-response-store.ts) implement it, proven by
// test/store-contracts/response-store.contract.test.ts.

export interface ResponseStoreContract {
  /** Stores (or replaces) a response's conversation items until now + the store's time to live. */
  save(id: string, items: unknown[], now?: number): void | Promise<void>;
  /** The stored items, or undefined for an id never stored or past its time. */
  load(id: string, now?: number): unknown[] | undefined | Promise<unknown[] | undefined>;
}
