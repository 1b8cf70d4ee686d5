import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from './database.ts';
import { BreakerEventLog } from './breaker-event-log.ts';

describe('BreakerEventLog', () => {
  it('records state changes, newest first', () => {
    const log = new BreakerEventLog(openDatabase(':memory:'));
    log.add('p/a', 'open');
    log.add('p/a', 'half_open');
    expect(log.recent(5).map((e) => e.state)).toEqual(['half_open', 'open']);
  });

  it('counts a state change SQLite refuses instead of throwing into the breaker', () => {
    const db = openDatabase(':memory:');
    const log = new BreakerEventLog(db);
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON breaker_events BEGIN SELECT RAISE(ABORT, 'disk is read-only'); END;");
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => log.add('p/a', 'open')).not.toThrow();
    expect(log.writeFailures).toBe(1);
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
  });
});
