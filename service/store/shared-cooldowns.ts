// 429 cool-downs and breaker resets that several replicas share (PostgreSQL's PgCooldownBoard).
// Breaker error counting is not shared: each replica's breakers count its own traffic's failures.
export interface Cooldown {
  target: string;
  /** Epoch ms. */
  until: number;
}

export interface SharedCooldowns {
  /** Records a cool-down for every replica (the later end wins) and announces it. */
  publish(target: string, until: number): Promise<void>;
  /** The cool-downs not over yet: applied at start and whenever another replica announces one. */
  active(now?: number): Promise<Cooldown[]>;
  /** An operator's reset: ends the target's cool-down (null: every target's) and tells every replica to reset its breaker. */
  reset(target: string | null): Promise<void>;
}
