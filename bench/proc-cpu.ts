import * as fs from 'node:fs';

/**
 * CPU use per component, read from /proc (Linux only, like the bench machine): Cordon's own
 * process (API, worker and, in embedded mode, PGlite), the Temporal dev server it started, and
 * every PostgreSQL process.
 */
export type Component = 'node' | 'temporal' | 'postgresql';
export type CpuSnapshot = { at: number; pids: Map<number, { component: Component; cpuS: number }> };

const TICKS_PER_S = 100;

function stat(pid: number): { comm: string; ppid: number; cpuS: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces; the numeric fields follow the last ')'.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    return { comm, ppid: Number(f[1]), cpuS: (Number(f[11]) + Number(f[12])) / TICKS_PER_S };
  } catch {
    return null; // the process ended between listing and reading
  }
}

export function cpuSnapshot(cordonPid: number): CpuSnapshot {
  const pids: CpuSnapshot['pids'] = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const s = stat(pid);
    if (!s) continue;
    const component: Component | null =
      pid === cordonPid
        ? 'node'
        : s.comm === 'postgres'
          ? 'postgresql'
          : s.ppid === cordonPid && s.comm.startsWith('temporal')
            ? 'temporal'
            : null;
    if (component) pids.set(pid, { component, cpuS: s.cpuS });
  }
  return { at: Date.now(), pids };
}

/** Cores busy per component between two snapshots (a process born in between counts from zero). */
export function coresUsed(from: CpuSnapshot, to: CpuSnapshot): Record<Component, number> {
  const seconds = (to.at - from.at) / 1000;
  const used: Record<Component, number> = { node: 0, temporal: 0, postgresql: 0 };
  for (const [pid, { component, cpuS }] of to.pids) {
    used[component] += cpuS - (from.pids.get(pid)?.cpuS ?? 0);
  }
  for (const c of Object.keys(used) as Component[]) used[c] = Math.round((used[c] / seconds) * 100) / 100;
  return used;
}

/** CPU seconds used so far by these processes and all their descendants. */
export function treeCpuS(roots: number[]): number {
  const all = new Map<number, { ppid: number; cpuS: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s) all.set(Number(entry), s);
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      if (roots.includes(p)) return true;
      p = all.get(p)?.ppid ?? 0;
    }
    return false;
  };
  let total = 0;
  for (const [pid, { cpuS }] of all) if (inTree(pid)) total += cpuS;
  return total;
}
