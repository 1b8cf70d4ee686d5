// A CLI's failure as a ProviderError the failure policy understands: not installed or not logged
// in is a misconfigured target (404/401: the chain moves on and the breaker counts it), a rate
// limit stays a 429, anything else is a bad gateway (502) carrying the CLI's own words.
import { ProviderError } from '../provider-error.ts';
import type { CliEvent } from './cli-output.ts';
import type { CliExit } from './cli-process.ts';

/** How much of stderr goes into the error message. */
const STDERR_IN_MESSAGE = 600;

/** How the CLIs word a missing or refused login (Codex names the unset key variable of its model provider). */
const NOT_LOGGED_IN = /not (logged|signed) in|please (log|sign) ?in|\blogin\b|authenticat|unauthori[sz]ed|invalid api key|api key (is )?(missing|not set|required)|missing environment variable|credentials/i;

export function notRunnable(provider: string, bin: string, error: unknown): ProviderError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const message =
    code === 'ENOENT'
      ? `"${bin}" is not installed or not on the PATH given to ${provider}`
      : code === 'EACCES'
        ? `"${bin}" cannot be run (permission denied)`
        : `"${bin}" could not be started: ${(error as Error)?.message ?? String(error)}`;
  return new ProviderError({ provider, kind: 'http', status: 404, code: 'cli_not_installed', retryable: false, message, cause: error });
}

export interface CliFailureInit {
  provider: string;
  reported: Extract<CliEvent, { type: 'error' }> | undefined;
  exit: CliExit;
  stderr: string;
}

export function cliFailure({ provider, reported, exit, stderr }: CliFailureInit): ProviderError {
  const tail = stderr.trim().slice(-STDERR_IN_MESSAGE);
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const message = reported ? reported.message : `${provider} ${how}${tail ? `: ${tail}` : ' (nothing on stderr)'}`;
  const status = reported?.status;
  if (status === 401 || status === 403 || NOT_LOGGED_IN.test(reported ? reported.message : tail)) {
    return new ProviderError({ provider, kind: 'http', status: 401, code: 'cli_not_authenticated', retryable: false, message: `${provider} is not authenticated: ${message}` });
  }
  if (status === 429) return new ProviderError({ provider, kind: 'http', status: 429, code: 'rate_limited', message });
  if (status === 404) return new ProviderError({ provider, kind: 'http', status: 404, code: 'model_not_found', retryable: false, message });
  // The CLI built its own upstream request: a 400 there is not the client's malformed request.
  return new ProviderError({ provider, kind: 'http', status: 502, code: 'cli_failed', message });
}
