// The main-thread tasks of a Chromium trace as trees of their nested events, and what each task spent its
// time on: for the load measurements (longtask.ts, profile-load.ts), which must say what a long task
// was (a collection, the navigation's own work, the page's script, layout), not just how long it took.

export interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string; functionName?: string; lineNumber?: number; startTime?: number } } & Record<string, unknown>;
}

export interface Node {
  ev: TraceEvent;
  /// Start and length in µs (B/E pairs made into one).
  ts: number;
  dur: number;
  children: Node[];
}

export interface Task extends Node {
  /// Thread (CPU) time of the task in µs; NaN when the thread clock is not to be trusted (more than the wall).
  cpu: number;
}

/// The renderer main threads of the trace, as "pid/tid".
export function mainThreads(events: readonly TraceEvent[]): Set<string> {
  return new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}/${e.tid}`));
}

/// The top-level tasks of the main threads, each with the events nested in it.
export function tasksOf(events: readonly TraceEvent[], mains = mainThreads(events)): Task[] {
  const byThread = new Map<string, Node[]>();
  const open = new Map<string, Node[]>();
  for (const e of events) {
    const key = `${e.pid}/${e.tid}`;
    if (!mains.has(key)) continue;
    let list = byThread.get(key);
    if (!list) byThread.set(key, (list = []));
    if (e.ph === 'X') list.push({ ev: e, ts: e.ts, dur: e.dur ?? 0, children: [] });
    else if (e.ph === 'B') {
      const stack = open.get(key) ?? [];
      open.set(key, stack);
      stack.push({ ev: e, ts: e.ts, dur: 0, children: [] });
    } else if (e.ph === 'E') {
      const n = open.get(key)?.pop();
      if (n) list.push({ ...n, dur: e.ts - n.ts });
    }
  }
  const tasks: Task[] = [];
  for (const list of byThread.values()) {
    // Outer events first: by start, then the longer one.
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const stack: Node[] = [];
    for (const n of list) {
      while (stack.length && n.ts >= stack[stack.length - 1].ts + stack[stack.length - 1].dur) stack.pop();
      if (stack.length) stack[stack.length - 1].children.push(n);
      else {
        // Most top-level events are the scheduler's RunTask; any other one is a task of the thread too
        // (work outside the scheduler: a watcher's callback, an idle-time collection).
        const cpu = n.ev.tdur ?? NaN;
        tasks.push(Object.assign(n, { cpu: cpu <= n.dur ? cpu : NaN }));
      }
      stack.push(n);
    }
  }
  return tasks.sort((a, b) => a.ts - b.ts);
}

/// An event as it reads in a listing: its name, and for script the function and file.
export function label(n: Node): string {
  const d = n.ev.args?.data;
  const file = d?.url ? String(d.url).split('/').pop() : '';
  const fn = d?.functionName ? `${d.functionName}` : '';
  const where = fn || file ? ` ${fn}${fn && file ? '@' : ''}${file}${file && d?.lineNumber !== undefined ? `:${d.lineNumber}` : ''}` : '';
  return `${n.ev.name}${where}`;
}

export type Kind = 'gc' | 'compile' | 'script' | 'style+layout' | 'paint' | 'html' | 'ipc+other';

/// What kind of work an event is; undefined: the kind of the event it is in.
function kindOf(name: string): Kind | undefined {
  if (/^(MajorGC|MinorGC|V8\.GC|BlinkGC|GCEvent|ThreadState::|CppGC|V8\.CppGC)/.test(name)) return 'gc';
  if (/^(v8\.compile|V8\.Compile|v8\.parseOnBackground|CompileScript|CompileCode|v8\.compileModule|V8\.ScriptCompiler)/.test(name)) return 'compile';
  if (/^(ParseHTML|ParseAuthorStyleSheet|ResourceReceivedData|ResourceFinish)/.test(name)) return 'html';
  if (/^(UpdateLayoutTree|Layout|RecalculateStyles|ScheduleStyleRecalculation|IntersectionObserverController|UpdateLayerTree|HitTest)/.test(name)) return 'style+layout';
  if (/^(Paint|PrePaint|Commit|Layerize|CompositeLayers|UpdateLayer|RasterTask|Decode)/.test(name)) return 'paint';
  if (/^(FunctionCall|EvaluateScript|v8\.callFunction|v8\.evaluateModule|v8\.run|V8\.Execute|RunMicrotasks|TimerFire|FireAnimationFrame|EventDispatch|HandlePostMessage|v8\.newInstance|LocalWindowProxy::)/.test(name)) return 'script';
  return undefined;
}

/// The task's wall time by kind of work (the self time of each event, counted as its own kind or, for
/// events of no kind of their own, as the kind of the event it is in).
export function breakdown(task: Node): Map<Kind, number> {
  const out = new Map<Kind, number>();
  const walk = (n: Node, inherited: Kind) => {
    const kind = kindOf(n.ev.name) ?? inherited;
    const self = n.dur - n.children.reduce((s, c) => s + c.dur, 0);
    out.set(kind, (out.get(kind) ?? 0) + Math.max(0, self));
    for (const c of n.children) walk(c, kind);
  };
  walk(task, 'ipc+other');
  return out;
}

/// The task's heaviest path: from the task down, each time into its longest child while that child is
/// most of its parent (at least 30%), named with their wall times in ms.
export function heaviestPath(task: Node, depth = 9): string {
  const parts: string[] = [];
  for (let n: Node | undefined = task, d = 0; n && d < depth; d++) {
    parts.push(`${label(n)} ${ms(n.dur)}`);
    const next: Node | undefined = [...n.children].sort((a, b) => b.dur - a.dur)[0];
    n = next && next.dur >= 0.3 * n.dur && next.dur >= 1000 ? next : undefined;
  }
  return parts.join(' > ');
}

/// The longest events of their kind inside the task (leaves of the heaviest path are not always the story:
/// a collection inside a function call, a layout after it).
export function biggest(task: Node, min = 3000, count = 4): string {
  const found: Node[] = [];
  const walk = (n: Node) => {
    for (const c of n.children) {
      // An event of another kind than its parent's, over `min`: a piece of the story.
      if (c.dur >= min && kindOf(c.ev.name) !== undefined && kindOf(c.ev.name) !== kindOf(n.ev.name)) found.push(c);
      walk(c);
    }
  };
  walk(task);
  return found.sort((a, b) => b.dur - a.dur).slice(0, count).map((n) => `${label(n)} ${ms(n.dur)}`).join(', ');
}

export const ms = (us: number) => Math.round(us / 1000);

/// One line saying what a task was: wall and CPU time, the time by kind, the heaviest path and the
/// biggest pieces. `at` is the task's start, in ms from the time origin given.
/// `waited`: ms the thread spent in the run queue meanwhile (run-queue.ts), when known.
export function describe(task: Task, origin: number, waited = NaN): string {
  const kinds = [...breakdown(task)].filter(([, v]) => v >= 1000).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${ms(v)}`).join(', ');
  const cpu = Number.isNaN(task.cpu) ? '?' : ms(task.cpu);
  const queue = Number.isNaN(waited) ? '' : `, ${Math.round(waited)} ms waiting for a core`;
  return `at ${ms(task.ts - origin)} ms: ${ms(task.dur)} ms wall, ${cpu} ms CPU${queue}; ${kinds}\n      ${heaviestPath(task)}${task.children.length ? `\n      biggest: ${biggest(task) || '-'}` : ''}`;
}

/// The trace time (µs) of a document's time origin, from a performance.mark it made (blink.user_timing).
export function originOf(events: readonly TraceEvent[], mark: string, last = true): number | undefined {
  const marks = events.filter((e) => e.name === mark && e.args?.data?.startTime !== undefined);
  const m = last ? marks[marks.length - 1] : marks[0];
  return m ? m.ts - m.args!.data!.startTime! * 1000 : undefined;
}
