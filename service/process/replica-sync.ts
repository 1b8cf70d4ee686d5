// Keeps one replica in step with the others that share its PostgreSQL store. A configuration
// change another replica made (announced by NOTIFY, or found by the periodic re-read) re-reads the
// store into the running registries; a 429 cool-down set here is published for every replica and
// theirs are applied here; an operator's breaker reset resets every replica's breaker. Breaker
// error counting stays per replica. The request path never waits on any of it: a cool-down is in
// force here at once and published in the background.
import type { BreakerRegistry, SharedBreakerEvent } from '../walk/breaker-registry.ts';
import type { GatewayStores, StoreChange } from '../store/gateway-stores.ts';
import type { SharedCooldowns } from '../store/shared-cooldowns.ts';
import { runDetached } from './detached-task.ts';

export interface ReplicaSyncDeps {
  stores: GatewayStores;
  breakers: BreakerRegistry;
  /** Re-reads categories, aliases, groups and the classifier's settings from the store. */
  reloadConfig: () => Promise<void>;
}

export interface ReplicaSync {
  /** Settles once the cool-downs in force at start are applied (never rejects). */
  ready: Promise<void>;
}

/** Said the first time and every hundredth after, so an outage of the store does not flood the log. */
function warner(what: string): (error: unknown) => void {
  let count = 0;
  return (error) => {
    if (count++ % 100 === 0) console.warn(`[router] ${what} (${count} so far): ${(error as Error).message}`);
  };
}

export function syncReplicas(deps: ReplicaSyncDeps): ReplicaSync {
  const { stores, breakers } = deps;
  const shared = stores.sharedCooldowns;
  const reload = coalesced(deps.reloadConfig, warner('re-reading the configuration another replica changed failed'));
  stores.onChange((change: StoreChange) => {
    if (change === 'config') reload();
    else if (shared && change === 'cooldowns') runDetached('applying shared cool-downs', () => applyCooldowns(shared, breakers));
    else if (typeof change === 'object') breakers.applyShared(change.target === null ? { kind: 'reset-all' } : { kind: 'reset', target: change.target });
  });
  if (!shared) return { ready: Promise.resolve() };

  const publishFailed = warner('a cool-down or breaker reset was not shared with the other replicas');
  breakers.onShared((event: SharedBreakerEvent) => {
    runDetached('sharing a breaker event', () => share(shared, event).catch(publishFailed));
  });
  return { ready: applyCooldowns(shared, breakers) };
}

async function share(shared: SharedCooldowns, event: SharedBreakerEvent): Promise<void> {
  if (event.kind === 'cool-down') await shared.publish(event.target, event.until);
  else await shared.reset(event.kind === 'reset' ? event.target : null);
}

const applyFailed = warner('reading the shared cool-downs failed');

/** Never rejects: a store that does not answer leaves this replica's own cool-downs as they are. */
async function applyCooldowns(shared: SharedCooldowns, breakers: BreakerRegistry): Promise<void> {
  try {
    for (const { target, until } of await shared.active()) breakers.applyShared({ kind: 'cool-down', target, until });
  } catch (error) {
    applyFailed(error);
  }
}

/** Runs `task` now, or once more after the run in progress when asked again meanwhile: never two at a time. */
function coalesced(task: () => Promise<void>, onError: (error: unknown) => void): () => void {
  let running = false;
  let again = false;
  return function run() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    runDetached('re-reading the shared configuration', async () => {
      try {
        do {
          again = false;
          await task().catch(onError);
        } while (again);
      } finally {
        running = false;
      }
    });
  };
}
