// Core pinning with taskset (util-linux), when the machine has it and at least two cores: servers
// share core 0, the load generator gets core 1, so the load never steals the servers' CPU.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

export const pinningAvailable: boolean = availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Pins every thread of a running process to one core; false when pinning is not available or failed. */
export function pinProcess(pid: number, core: number): boolean {
  if (!pinningAvailable) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' }).status === 0;
}

/** The command line that runs `args` on one core (unchanged when pinning is not available). */
export function pinnedCommand(core: number, command: string, args: string[]): [string, string[]] {
  return pinningAvailable ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}
