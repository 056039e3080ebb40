/** When the activity has no heartbeatTimeout: still beat, so a cancellation reaches a hung call. */
const DEFAULT_INTERVAL_MS = 10_000;

/**
 * Three beats per heartbeatTimeout: one lost or late beat does not time the attempt out. The SDK
 * throttles what it sends to the server, so beating often costs nothing.
 */
export function heartbeatInterval(heartbeatTimeoutMs: number | undefined): number {
  return heartbeatTimeoutMs ? Math.max(1_000, Math.floor(heartbeatTimeoutMs / 3)) : DEFAULT_INTERVAL_MS;
}

/**
 * Heartbeats while `work` is in flight. A vendor call that hangs (or a worker that dies during
 * it) is then noticed within the heartbeatTimeout instead of at startToClose. `heartbeat` is
 * called with the last details the work itself reported, so its progress is not overwritten.
 */
export async function whileHeartbeating<T>(
  heartbeat: (details?: unknown) => void,
  intervalMs: number,
  work: (report: (details?: unknown) => void) => Promise<T>,
): Promise<T> {
  let last: unknown;
  const report = (details?: unknown) => {
    last = details;
    heartbeat(details);
  };
  const timer = setInterval(() => heartbeat(last), intervalMs);
  try {
    return await work(report);
  } finally {
    clearInterval(timer);
  }
}
