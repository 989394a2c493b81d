// How long Chromium's renderer main threads waited for a core (Linux only): on a machine with fewer cores
// than runnable threads, a task's wall time is its CPU time plus the time its thread sat in the run
// queue, and a trace alone cannot tell that from the thread being blocked. /proc/<pid>/task/<tid>/schedstat
// gives each thread's CPU time and run-queue wait (ns), sampled here every few ms; a trace's timestamps
// and process.hrtime are both CLOCK_MONOTONIC, so a task's wait is read off the samples around it.
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

interface Sample {
  /// µs, CLOCK_MONOTONIC (as a trace's ts).
  t: number;
  /// ns of CPU and of run-queue wait so far.
  cpu: number;
  wait: number;
}

const now = () => Number(process.hrtime.bigint() / 1000n);

function parentOf(pid: number): number {
  try {
    // "pid (comm) state ppid ...": comm may hold spaces, so from the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/// Every process's id, from /proc (none where there is no /proc).
function processIds(): string[] {
  try {
    return readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
}

/// The renderer processes started from this process (Chromium's own children's children).
function renderers(): number[] {
  const out: number[] = [];
  for (const p of processIds()) {
    try {
      if (!readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--type=renderer')) continue;
    } catch {
      continue;
    }
    for (let q = Number(p), hops = 0; q > 1 && hops < 8; q = parentOf(q), hops++)
      if (q === process.pid) {
        out.push(Number(p));
        break;
      }
  }
  return out;
}

function read(pid: number): Sample | null {
  try {
    const [cpu, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { t: now(), cpu, wait };
  } catch {
    return null;
  }
}

export interface RunQueue {
  /// ms the main thread of renderer `pid` waited for a core between two trace timestamps (µs); NaN when
  /// it was not sampled then.
  waited(pid: number, from: number, to: number): number;
  stop(): void;
}

/// Samples the run-queue wait of the renderers' main threads (a renderer's main thread's tid is its pid)
/// every `every` ms, looking for new renderers (a reload may start one) every 20 samples. `nice`: gives
/// those threads that nice value (a diagnosis: what the page's tasks take when its main thread gets a
/// core before the other threads of the machine).
export function watchRunQueue(every = 2, nice?: number): RunQueue {
  const samples = new Map<number, Sample[]>();
  let n = 0;
  let pids: number[] = [];
  const find = () => {
    pids = renderers();
    if (nice !== undefined)
      for (const pid of pids)
        try {
          // On Linux a tid names the one thread.
          setPriority(pid, nice);
        } catch {
          // Not ours to change.
        }
  };
  find();
  const timer = setInterval(() => {
    if (++n % 20 === 0) find();
    for (const pid of pids) {
      const s = read(pid);
      if (!s) continue;
      let list = samples.get(pid);
      if (!list) samples.set(pid, (list = []));
      list.push(s);
    }
  }, every);
  // The wait so far at time t, between the samples around it.
  const at = (list: Sample[], t: number): number => {
    let hi = list.findIndex((s) => s.t >= t);
    if (hi <= 0) return NaN;
    const a = list[hi - 1];
    const b = list[hi];
    return a.wait + ((b.wait - a.wait) * (t - a.t)) / Math.max(1, b.t - a.t);
  };
  return {
    waited(pid, from, to) {
      const list = samples.get(pid);
      return list ? (at(list, to) - at(list, from)) / 1e6 : NaN;
    },
    stop: () => clearInterval(timer),
  };
}

/// The share of the machine's CPU time that was busy since `since` (from /proc/stat), the busy CPU time
/// (ms, all cores), and the reading to pass next time.
export function cpuBusy(since?: number[]): { busy: number; ms: number; reading: number[] } {
  let reading: number[] = [];
  try {
    // user nice system idle iowait irq softirq steal (guest time is in user already), in 1/100 s.
    reading = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  } catch {
    return { busy: NaN, ms: NaN, reading };
  }
  if (!since) return { busy: NaN, ms: NaN, reading };
  const d = reading.map((v, i) => v - (since[i] ?? 0));
  const total = d.reduce((a, b) => a + b, 0);
  const idle = d[3] + d[4];
  return { busy: total ? 1 - idle / total : NaN, ms: (total - idle) * 10, reading };
}

/// CPU time (ms) so far of this process and of each process started from it, by kind (node, browser,
/// renderer, gpu, utility...): what else was busy while the page was measured.
export function cpuOfOurs(): Map<string, number> {
  const out = new Map<string, number>();
  const tick = 1000 / 100;
  for (const p of processIds()) {
    let ours = false;
    for (let q = Number(p), hops = 0; q > 1 && hops < 8; q = parentOf(q), hops++) if (q === process.pid) ours = true;
    if (!ours) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of stat (12 and 13 after the state).
      const cpu = (Number(f[11]) + Number(f[12])) * tick;
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      const kind = Number(p) === process.pid ? 'node' : /--type=([a-z-]+)/.exec(cmd)?.[1] ?? (cmd.includes('chrom') ? 'browser' : 'other');
      out.set(kind, (out.get(kind) ?? 0) + cpu);
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}
