// What `llm-router` exits with, so scripts can tell a failed request from a gateway that is down.
export const EXIT = {
  ok: 0,
  /** The request was answered with an error (every target failed, a bad category…), or a probe failed. */
  failed: 1,
  /** The command line itself was wrong: unknown command or option, a missing argument. */
  usage: 2,
  /** No gateway answered at the URL (not running, wrong address), or in-process configuration is broken. */
  unreachable: 3,
  /** The gateway refused the admin key (ROUTER_ADMIN_KEY) or client key (ROUTER_API_KEY). */
  unauthorized: 4,
  /** Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;

/** A failure the command line reports in one line and exits with. */
export class CommandError extends Error {
  readonly exitCode: number;
  readonly details: unknown;

  constructor(message: string, exitCode: number, details?: unknown) {
    super(message);
    this.name = 'CommandError';
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** The exit code for an HTTP error status from the gateway. */
export function exitCodeForStatus(status: number): number {
  return status === 401 || status === 403 ? EXIT.unauthorized : EXIT.failed;
}
