// Access to ../shared/fixtures (read at test time, never copied into the project).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const FIXTURES_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures');
export const fixturesPresent = existsSync(FIXTURES_DIR);

export function skipNote(suite: string): void {
  if (!fixturesPresent) console.warn(`[${suite}] skipped: ${FIXTURES_DIR} not found (the recorded fixtures live in ../shared beside the repository)`);
}

export interface ResponseFixture {
  name: string;
  file: string;
  body: Buffer;
  stream: boolean;
  status: number;
  headers: Record<string, string>;
  request: Record<string, any> | undefined;
}

/** Every response file of a provider folder, with its status and headers (from .headers.json or the name's error-<status>). */
export function responseFixtures(folder: string): ResponseFixture[] {
  const dir = path.join(FIXTURES_DIR, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => !f.endsWith('.request.json') && !f.endsWith('.headers.json'))
    .sort()
    .map((file) => {
      const name = file.replace(/\.(json|sse|ndjson)$/, '');
      const read = (suffix: string) => (existsSync(path.join(dir, name + suffix)) ? JSON.parse(readFileSync(path.join(dir, name + suffix), 'utf8')) : undefined);
      const recorded = read('.headers.json') as { status: number; headers: Record<string, string> } | undefined;
      const statusFromName = /^error-(\d{3})-/.exec(name)?.[1];
      const stream = file.endsWith('.sse') || file.endsWith('.ndjson');
      const contentType = file.endsWith('.sse') ? 'text/event-stream; charset=utf-8' : file.endsWith('.ndjson') ? 'application/x-ndjson' : 'application/json';
      return {
        name,
        file,
        body: readFileSync(path.join(dir, file)),
        stream,
        status: recorded?.status ?? (statusFromName ? Number(statusFromName) : 200),
        headers: { 'content-type': contentType, ...lowerKeys(recorded?.headers ?? {}) },
        request: read('.request.json'),
      };
    });
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const skip = new Set(['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'date']);
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]).filter(([k]) => !skip.has(k)));
}
