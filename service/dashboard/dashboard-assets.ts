// The dashboard's files, read once at start: its own from ./assets, and the libraries from
// node_modules (served from here, never a CDN, so the page works on an air-gapped host).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

/** Library files by the name the page imports them under; bare `preact` imports point at our copy. */
const VENDOR: Record<string, string> = {
  'preact.mjs': 'preact/dist/preact.mjs',
  'preact-hooks.mjs': 'preact/hooks/dist/hooks.mjs',
  'htm.mjs': 'htm/dist/htm.mjs',
  'uplot.mjs': 'uplot/dist/uPlot.esm.js',
  'uplot.css': 'uplot/dist/uPlot.min.css',
};

export function loadDashboardAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const add = (name: string, body: Buffer) => {
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { body, type: TYPES[path.extname(name)] ?? 'application/octet-stream', etag });
  };
  const own = path.join(import.meta.dirname, 'assets');
  for (const file of readdirSync(own)) add(file, readFileSync(path.join(own, file)));
  for (const [name, module] of Object.entries(VENDOR)) {
    let text = readFileSync(packageFile(module)).toString('utf8');
    // Browsers resolve no bare specifiers without an import map; rewriting keeps the CSP free of inline scripts.
    text = text.replace(/from\s*"preact"/g, 'from"./vendor-preact.mjs"').replace(/\/\/# sourceMappingURL=.*$/m, '');
    add(`vendor-${name}`, Buffer.from(text));
  }
  return assets;
}

/** A file inside an installed package, found where Node would look; the packages' `exports` do not list their dist files. */
function packageFile(file: string): string {
  const lookup = createRequire(import.meta.url).resolve.paths(file) ?? [];
  const found = lookup.map((dir) => path.join(dir, file)).find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`dashboard: ${file} is not installed (npm ci)`);
  return found;
}
