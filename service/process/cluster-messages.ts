// What the primary and its worker processes tell each other over cluster IPC (ROUTER_WORKERS > 1).
// Every message carries `router`, so prom-client's own messages on the same channel never match.
import type { SharedBreakerEvent } from '../walk/breaker-registry.ts';

export type WorkerMessage =
  | { router: 'ready' }
  /** A config route changed the store: the others re-read it. */
  | { router: 'config-changed' }
  /** An operator's breaker reset or a 429 cool-down: the others apply it. */
  | { router: 'breaker'; event: SharedBreakerEvent }
  /** A client asked this worker for Prometheus text: the primary sums every worker's registry. */
  | { router: 'metrics-request'; id: number };

export type PrimaryMessage =
  | { router: 'config-changed' }
  | { router: 'breaker'; event: SharedBreakerEvent }
  | { router: 'metrics-reply'; id: number; text?: string; error?: string };

export function isRouterMessage<T extends { router: string }>(message: unknown): message is T {
  return typeof message === 'object' && message !== null && typeof (message as { router?: unknown }).router === 'string';
}
