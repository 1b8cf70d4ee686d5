// The command line's view of a running gateway: JSON over HTTP, the admin key from
// ROUTER_ADMIN_KEY as a bearer token, and every failure turned into a CommandError with its exit code.
import { CommandError, EXIT, exitCodeForStatus } from './exit-codes.ts';

/** Where `npm start` listens with the same environment: 127.0.0.1 and PORT (3456). */
export function defaultUrl(env: Record<string, string | undefined>): string {
  return `http://127.0.0.1:${env.PORT || 3456}`;
}

export interface ClientSettings {
  url: string;
  adminKey: string | undefined;
  apiKey: string | undefined;
  timeoutMs: number;
}

export class GatewayClient {
  readonly settings: ClientSettings;

  constructor(settings: ClientSettings) {
    this.settings = { ...settings, url: settings.url.replace(/\/+$/, '') };
  }

  get url(): string {
    return this.settings.url;
  }

  /** True when something answers /health at the URL (used to pick in-process mode when no gateway runs). */
  async reachable(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(Math.min(this.settings.timeoutMs, 2000)) });
      await res.body?.cancel();
      return true;
    } catch {
      return false;
    }
  }

  /** An admin route: GET, POST or DELETE with the admin key. Returns the parsed body and status; throws CommandError for an error status. */
  admin<T = any>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, allow: number[] = []): Promise<{ status: number; body: T }> {
    return this.#call<T>(method, path, this.settings.adminKey, body, allow);
  }

  /** An OpenAI-compatible route, with the client key when one is set. */
  client<T = any>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    return this.#call<T>(method, path, this.settings.apiKey, body, []);
  }

  async #call<T>(method: string, path: string, key: string | undefined, body: unknown, allow: number[]): Promise<{ status: number; body: T }> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      throw unreachable(this.url, error);
    }
    const text = await res.text();
    let parsed: any = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = { text };
    }
    if (!res.ok && !allow.includes(res.status)) {
      const message = parsed?.error?.message ?? `${res.status} ${res.statusText}`;
      const hint = res.status === 401 || res.status === 403 ? ' (set ROUTER_ADMIN_KEY, or ROUTER_API_KEY for the chat routes)' : '';
      throw new CommandError(`${method} ${path}: ${message}${hint}`, exitCodeForStatus(res.status), parsed);
    }
    return { status: res.status, body: parsed as T };
  }
}

export function unreachable(url: string, error: unknown): CommandError {
  const cause = (error as { cause?: { code?: string } })?.cause?.code ?? (error as Error)?.name ?? String(error);
  return new CommandError(`no gateway answered at ${url} (${cause}); start one with \`llm-router serve\`, or point --url / ROUTER_URL at it`, EXIT.unreachable);
}
