// Structural guard (issue 9): work the service does not await goes through runDetached, which
// always attaches a handler, so a rejected promise can never end the process. A bare
// `void promise()` or a `.then()` without a `.catch()` in service code fails this test.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const SERVICE = path.resolve(import.meta.dirname, '..', 'service');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testdata' ? [] : sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

it('service code starts no promise it neither awaits nor hands to runDetached', () => {
  const offences: string[] = [];
  for (const file of sources(SERVICE)) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      // `void` as an operator (not the type): `void run()`, `void (async () => …)()`.
      if (/(?<![:<|>,(]\s*)(?<!=>\s*)\bvoid\s+[A-Za-z_$(]/.test(code) && !/\)\s*:\s*void\b/.test(code)) offences.push(`${path.relative(SERVICE, file)}:${i + 1}: ${line.trim()}`);
      if (/\.then\(/.test(code) && !/\.catch\(|await |return /.test(code)) offences.push(`${path.relative(SERVICE, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(offences).toEqual([]);
});
