// The one way the service starts work it does not await (a stream's writer, a timer's job):
// the promise always has a handler, so a failure is logged and counted, never an unhandled
// rejection that ends the process. test/no-detached-promises.test.ts keeps it the only way.

let failures = 0;

/** Failures of detached tasks since start (shown on /health). */
export function detachedFailures(): number {
  return failures;
}

export function runDetached(label: string, task: () => Promise<unknown>, onError?: (error: unknown) => void): void {
  let promise: Promise<unknown>;
  try {
    promise = task();
  } catch (error) {
    promise = Promise.reject(error);
  }
  promise.catch((error: unknown) => {
    failures++;
    console.error(`[router] ${label} failed:`, error);
    try {
      onError?.(error);
    } catch (cleanupError) {
      console.error(`[router] ${label} cleanup failed:`, cleanupError);
    }
  });
}
