import { percentile, round } from './stats';

/** When the first run was offered and when each run began and finished (epoch ms). */
export interface RunTimings {
  firstSentAt: number;
  runs: { startedAt: number; finishedAt: number }[];
}

/** Throughput over the whole offer (first send → last finish) and start → finish percentiles. */
export function summarize(t: RunTimings): { runsPerS: number; p50: number; p99: number } {
  const lastFinish = Math.max(...t.runs.map((r) => r.finishedAt));
  const latencies = t.runs.map((r) => r.finishedAt - r.startedAt).sort((a, b) => a - b);
  return {
    runsPerS: t.runs.length / ((lastFinish - t.firstSentAt) / 1000),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
  };
}
