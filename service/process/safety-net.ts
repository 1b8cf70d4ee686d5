// The last line of defence: an error that escaped every handler is logged and counted, and the
// gateway keeps serving, because one bad upstream answer must not end every request in flight.
// Nothing is meant to reach here (see detached-task.ts); /health shows the count when it does.

let escaped = 0;

export function escapedErrors(): number {
  return escaped;
}

export function installSafetyNet(): void {
  process.on('unhandledRejection', (reason) => {
    escaped++;
    console.error('[router] unhandled rejection (kept serving):', reason);
  });
  process.on('uncaughtException', (error) => {
    escaped++;
    console.error('[router] uncaught exception (kept serving):', error);
  });
}
