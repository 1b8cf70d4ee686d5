import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';
import { loadConfig } from '../config/gateway-config.ts';
import { restartDelayMs } from './worker-cluster.ts';

it('replaces a worker at once after a stable run, and backs off doubling to 30 s while it keeps crashing', () => {
  expect([0, 1, 2, 3, 8, 20].map(restartDelayMs)).toEqual([0, 250, 500, 1000, 30_000, 30_000]);
});

it('reads ROUTER_WORKERS: 1 when unset, a number as given, auto as one per core', () => {
  expect(loadConfig({}).workers).toBe(1);
  expect(loadConfig({ ROUTER_WORKERS: '3' }).workers).toBe(3);
  expect(loadConfig({ ROUTER_WORKERS: 'auto' }).workers).toBe(availableParallelism());
});
