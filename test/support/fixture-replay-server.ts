// Serves recorded fixture bytes, as recorded, at a provider's real path; the request's
// model names the fixture, so a chain can point at `<provider>/<fixture-name>`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResponseFixture } from './shared-fixtures.ts';

export interface ReplayServer {
  url: string;
  /** Names of the fixtures served, in order. */
  hits: string[];
  /** The request bodies received, by the fixture that answered them. */
  requests: Array<{ name: string; body: Record<string, any> }>;
  close(): Promise<void>;
}

export async function startReplayServer(fixtures: ResponseFixture[], pathMatches: (url: string) => boolean, modelOf: (url: string, body: any) => string): Promise<ReplayServer> {
  const byName = new Map(fixtures.map((f) => [f.name, f]));
  const hits: string[] = [];
  const requests: ReplayServer['requests'] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : {};
    const fixture = pathMatches(req.url ?? '') ? byName.get(modelOf(req.url ?? '', body)) : undefined;
    if (!fixture) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { message: `no fixture for ${req.url}`, type: 'not_found' } }));
    }
    hits.push(fixture.name);
    requests.push({ name: fixture.name, body });
    res.writeHead(fixture.status, fixture.headers);
    res.end(fixture.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
