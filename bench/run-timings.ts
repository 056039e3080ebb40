import { percentile, round } from './stats';

/** When a round's first run was offered and when each of its runs began and finished (epoch ms). */
export interface RunTimings {
  firstSentAt: number;
  runs: { startedAt: number; finishedAt: number }[];
}

/**
 * Throughput over the rounds' offers (each round's first send → its last finish, summed; the
 * gaps between rounds, when the other side runs, are not counted) and start → finish percentiles.
 */
export function summarize(rounds: RunTimings[]): { runsPerS: number; p50: number; p99: number } {
  let runs = 0;
  let busyMs = 0;
  const latencies: number[] = [];
  for (const r of rounds) {
    runs += r.runs.length;
    busyMs += Math.max(...r.runs.map((x) => x.finishedAt)) - r.firstSentAt;
    for (const x of r.runs) latencies.push(x.finishedAt - x.startedAt);
  }
  latencies.sort((a, b) => a - b);
  return {
    runsPerS: runs / (busyMs / 1000),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
  };
}
