// Where ../shared (the dev set and recorded provider traffic, kept beside the repository and never
// copied into it) is, relative to the project root; scripts, benches and tests read it from there.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SHARED_DIR = path.resolve(PROJECT_ROOT, '..', 'shared');
export const OPENCLAW_FIXTURES = path.join(SHARED_DIR, 'fixtures', 'openclaw');
export const DEV_SET = path.join(SHARED_DIR, 'classify', 'dev.jsonl');

/** True when the file exists; otherwise says so once, naming what is skipped. */
export function sharedPresent(file: string, what: string): boolean {
  if (existsSync(file)) return true;
  console.warn(`[${what}] skipped: ${file} not found (../shared lives beside the repository)`);
  return false;
}
