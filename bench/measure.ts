// Timing for the bench: medians of runs, in wall time or in CPU time (this process's, or that of the
// processes it waited for).
import { readFileSync } from 'node:fs';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/// Runs follow each other without a forced collection in between, as parses do in a playground: each pays
/// for the garbage of the one before it. A forced full collection before each run (tried) measures
/// something else: it leaves its sweeping to other threads during the timed run (15 ms of CPU at 10k
/// rules, /proc/self/task), and it frees the per-run objects whose shapes optimized code was made for,
/// which V8 then throws away and compiles again (--trace-deopt: "weak objects") on every run.
export function time(runs: number, f: () => void): number {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    out.push(performance.now() - t);
  }
  return median(out);
}

/// Median CPU time of `runs` calls: this process's (its V8 helper threads included), or (children) that
/// of the processes it waited for, from /proc (Linux; wall time elsewhere).
export function cpuTime(runs: number, f: () => void, children = false): number {
  return median(cpuTimes(runs, f, children));
}

/// The CPU time of each of `runs` calls.
export function cpuTimes(runs: number, f: () => void, children = false): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (children) {
      const before = childTicks();
      const t = performance.now();
      f();
      const after = childTicks();
      out.push(before === null || after === null ? performance.now() - t : ((after - before) * 1000) / 100);
    } else {
      const c = process.cpuUsage();
      f();
      const d = process.cpuUsage(c);
      out.push((d.user + d.system) / 1000);
    }
  }
  return out;
}

/// cutime + cstime of /proc/self/stat, in clock ticks (USER_HZ, 100 on Linux).
function childTicks(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[13]) + Number(f[14]);
  } catch {
    return null;
  }
}
