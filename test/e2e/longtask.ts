// `npx tsx test/e2e/longtask.ts [rules] [runs]`: the longest main-thread task while a big kube-proxy dump
// (bench/kubeproxy.ts, 100,000 rules by default) is loaded into the built playground, by a file dropped on
// the editor and by a paste into it, and while the page is reloaded with the dump saved; measured with a
// PerformanceObserver for 'longtask' in Chromium, and in a Chromium trace of the same time (wall and thread
// CPU time). Each long task the observer saw is printed with what the trace says it was: its time by kind
// of work (gc, script, compile, style+layout, paint, html), its heaviest path of nested events and its
// biggest pieces (trace-tasks.ts), and how long the main thread sat in the run queue meanwhile, waiting
// for a core (run-queue.ts, Linux); so are the trace's tasks of 50 ms or more that the observer did not
// report (the navigation's own first task, before the page's scripts run, is one). Each run also says how
// busy the machine was and what took its CPU (the renderer: the page, its workers, V8's helper threads;
// other processes: whatever else shares the machine). Times are from the start of the load (for the
// reload, from the navigation's start). Prints each run and the medians of the runs' longest.
// While it measures, the script drives the page with plain page.evaluate calls and the mouse and keyboard:
// Playwright's locators inject a script of their own into each new page and check the element before
// acting, main-thread tasks of the test's own (10-15 ms) that the observer would count as the page's.
// ONLY=drop, paste, reload or nft measures that alone; TOP=n also prints the n tasks with the most CPU;
// LIGHT=1 traces the top-level tasks only (less tracing overhead, no attribution); DUMP=dir writes each
// run's trace there (for chrome://tracing or a script); SITE=dir measures a site built beforehand; NICE=n
// gives the renderers' main threads that nice value (a diagnosis, see below).
import type { Page } from 'playwright-core';
import { kubeProxyDump } from '../../bench/kubeproxy';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSite, launch, serve } from './site';
import { cpuBusy, cpuOfOurs, watchRunQueue } from './run-queue';
import { describe, ms, originOf, tasksOf, type Task, type TraceEvent } from './trace-tasks';

const rules = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 3);
const dump = kubeProxyDump(rules).text;
// SITE=dir: a site built beforehand (`npx vite build --outDir dir`), e.g. to alternate two builds.
const site = process.env.SITE ? { dir: process.env.SITE, cleanup: async () => {} } : await buildSite();
const server = await serve(site.dir);
const browser = await launch();

let traced = 0;

async function measure(name: string, load: (page: Page) => Promise<void>, then?: (page: Page) => Promise<void>) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => {
    const w = window as unknown as { longtasks: { start: number; duration: number }[]; gap: number; beat: () => void };
    // Where the document's time origin is in the trace (trace-tasks.ts, originOf).
    performance.mark('nfplay:origin');
    w.longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longtasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) });
    }).observe({ type: 'longtask', buffered: true });
    // Long tasks are only reported from 50 ms: a heartbeat also gives the longest gap between two turns of
    // the event loop, the bound on any task below that (less its period). Every 10 ms, not as fast as the
    // loop turns: a message-channel heartbeat that answered itself at once kept the idle page's main
    // thread 92-97% busy (a core of this two-core machine, and the page's real tasks then waited for the
    // other); this one costs it 3.4%.
    // (No named function here: tsx's esbuild would wrap it in a helper of its own, undefined in the page.)
    w.gap = 0;
    let last = performance.now();
    w.beat = () => {
      const now = performance.now();
      w.gap = Math.max(w.gap, now - last - 10);
      last = now;
      setTimeout(w.beat, 10);
    };
    setTimeout(w.beat, 10);
  });
  await page.goto(server.url);
  await page.locator('.packets li .fate.delivered').first().waitFor();
  // The dump is put in the page first: handing 15 MB across the DevTools protocol is a long task of the
  // test's own, not the playground's; so is making a File of it.
  await page.evaluate((text) => {
    const w = window as unknown as { dump: string; file: File };
    w.dump = text;
    w.file = new File([text], 'kube.rules', { type: 'text/plain' });
  }, dump);
  // Where the editor is, for a click that needs no locator.
  const box = (await page.locator('.cm-content').boundingBox())!;
  await page.evaluate(([x, y]) => ((window as unknown as { editorAt: number[] }).editorAt = [x, y]), [box.x + 40, box.y + 10]);
  await page.waitForTimeout(1500);
  const reset = () =>
    page.evaluate(() => {
      (window as unknown as { longtasks: unknown[] }).longtasks.length = 0;
      (window as unknown as { gap: number }).gap = 0;
      performance.mark('nfplay:origin');
      return performance.now();
    });
  let t0 = 0;
  // The run queue of the renderers' main threads, and how busy the machine was, while traced.
  let queue = watchRunQueue(2, NICE);
  let machine = cpuBusy();
  let ours = cpuOfOurs();
  if (!then) {
    await browser.startTracing(page, { categories: CATEGORIES });
    t0 = await reset();
  }
  await load(page);
  // Done: the run's listing describes the dump, and the state has been saved (the share link is made).
  await listed(page);
  await page.waitForTimeout(3000);
  if (then) {
    queue.stop();
    queue = watchRunQueue(2, NICE);
    machine = cpuBusy();
    ours = cpuOfOurs();
    await browser.startTracing(page, { categories: CATEGORIES });
    // A reload counts from its navigation's start, in the new document (whose init script marks its origin).
    await reset();
    await then(page);
  }
  // Read before the trace stops: handing the trace over is main-thread work of the browser's own, which
  // the observer would count as the page's.
  const { tasks, t1, gap } = await page.evaluate(() => {
    const w = window as unknown as { longtasks: { start: number; duration: number }[]; gap: number };
    return { tasks: [...w.longtasks], t1: performance.now(), gap: Math.round(w.gap) };
  });
  const busy = cpuBusy(machine.reading);
  // What each of our processes took meanwhile (the renderer: the page, its workers and V8's helper
  // threads), and what was left for others' (a shared machine).
  const after = cpuOfOurs();
  const spent = [...after].map(([k, v]) => [k, v - (ours.get(k) ?? 0)] as const).filter(([, v]) => v >= 50).sort((a, b) => b[1] - a[1]);
  const others = busy.ms - spent.reduce((s, [, v]) => s + v, 0);
  const machineLoad = `machine ${Math.round(busy.busy * 100)}% busy, CPU ms: ${spent.map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}, other processes ${Math.round(others)}`;
  const trace = await browser.stopTracing();
  queue.stop();
  if (process.env.DUMP) await writeFile(join(process.env.DUMP, `${name.split(' ')[0]}-${++traced}.json`), trace);
  const { traceEvents } = JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] };
  // The whole dump is in the editor: its last line is the dump's.
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  const last = Number(await page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent());
  if (last !== dump.split('\n').length) throw new Error(`the editor ends at line ${last}`);
  await page.close();
  const longest = Math.max(0, ...tasks.map((t) => t.duration));
  const all = tasksOf(traceEvents);
  // Thread time past wall time is the thread clock's error, not work (seen with a heartbeat that kept the
  // loop turning: tasks of 0 ms wall reported 30–90 ms): such tasks count for their wall only.
  const wall = ms(Math.max(0, ...all.map((t) => t.dur)));
  const cpu = ms(Math.max(0, ...all.map((t) => t.cpu).filter((c) => !Number.isNaN(c))));
  console.log(`${name}: ${tasks.length} long tasks over ${Math.round(t1 - t0)} ms, longest ${longest} ms, longest event-loop gap ${gap} ms; trace: longest task ${wall} ms wall, most CPU in one task ${cpu} ms; ${machineLoad}`, JSON.stringify(tasks.map((t) => [t.start - Math.round(t0), t.duration])));
  const waited = (k: Task) => queue.waited(k.ev.pid, k.ts, k.ts + k.dur);
  const origin = originOf(traceEvents, 'nfplay:origin');
  if (origin !== undefined) {
    const start = origin + t0 * 1000;
    // What each long task the observer reported was (the trace's task at the same time), then the
    // trace's tasks of 50 ms or more it did not report, then the TOP tasks by CPU time.
    const shown = new Set<Task>();
    for (const t of tasks) {
      const at = origin + t.start * 1000;
      // (The task that overlaps it most: tiny tasks start within a millisecond of it too.)
      const overlap = (k: Task) => Math.min(k.ts + k.dur, at + t.duration * 1000) - Math.max(k.ts, at);
      const task = all.reduce<Task | undefined>((best, k) => (overlap(k) > (best ? overlap(best) : 0) ? k : best), undefined);
      if (task) shown.add(task);
      console.log(`  observer ${t.duration} ms ${task ? describe(task, start, waited(task)) : `at ${t.start - Math.round(t0)} ms: not in the trace`}`);
    }
    for (const task of all.filter((k) => k.dur >= 50_000 && !shown.has(k))) {
      shown.add(task);
      console.log(`  trace only: ${describe(task, start, waited(task))}`);
    }
    for (const task of all.filter((k) => !Number.isNaN(k.cpu) && !shown.has(k)).sort((a, b) => b.cpu - a.cpu).slice(0, TOP)) console.log(`  top CPU: ${describe(task, start, waited(task))}`);
  }
  return { longest, cpu, wall };
}

// TOP=n: also the n tasks with the most CPU time, described as the long ones are.
const TOP = Number(process.env.TOP ?? 0);
// NICE=n: the renderers' main threads get that nice value while measured (as root, -20..19): a diagnosis,
// the page's tasks when its main thread gets a core before the machine's other threads.
const NICE = process.env.NICE ? Number(process.env.NICE) : undefined;
// The timeline and V8's events say what a task was (a collection, a compile, a layout); LIGHT=1 leaves
// them out, for less tracing overhead. blink.user_timing has the marks that place the observer's tasks.
const CATEGORIES = process.env.LIGHT ? ['toplevel', 'blink.user_timing'] : ['toplevel', 'blink.user_timing', 'devtools.timeline', 'v8'];

/// Polls `test` in the page every `every` ms until it holds.
async function until(page: Page, test: () => boolean, timeout = 120_000, every = 250) {
  for (const end = Date.now() + timeout; Date.now() < end; await new Promise((ok) => setTimeout(ok, every)))
    if (await page.evaluate(test).catch(() => false)) return;
  throw new Error(`timed out: ${test}`);
}

/// The run's listing tab opened, until it describes the dump.
async function listed(page: Page) {
  await until(page, () => !!document.getElementById('tab-listing'));
  await page.evaluate(() => document.getElementById('tab-listing')!.click());
  // (The first hundred lines of each listing: reading all of them on every poll is work of the test's own.)
  await until(page, () => [...document.querySelectorAll('pre > .piece:first-child')].some((p) => p.textContent!.includes('KUBE-SERVICES')));
}

const ways: Record<string, (page: Page) => Promise<void>> = {
  'file drop': async (page) => {
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add((window as unknown as { file: File }).file);
      document.querySelector('.cm-content')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
  },
  paste: async (page) => {
    const [x, y] = await page.evaluate(() => (window as unknown as { editorAt: number[] }).editorAt);
    await page.mouse.click(x, y);
    await page.keyboard.press('Control+a');
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text/plain', (window as unknown as { dump: string }).dump);
      document.querySelector('.cm-content')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
  },
};

/// After a paste, once the work is saved: a reload, until the run of the saved dump is listed again.
async function reload(page: Page) {
  await page.waitForFunction(() => localStorage.getItem('nfplay:work') === 'idb:v1', null, { timeout: 60_000 });
  await page.reload();
  await listed(page);
  await page.waitForTimeout(3000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

try {
  console.log(`load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`dump: ${rules.toLocaleString()} rules, ${(dump.length / 1e6).toFixed(1)} MB; ${runs} runs each`);
  const all: number[] = [];
  const medians: string[] = [];
  // ONLY=drop|paste|reload|nft: that measurement alone.
  const only = (what: string) => !process.env.ONLY || process.env.ONLY === what;
  for (const [name, load] of Object.entries(ways)) {
    if (!only(name === 'paste' ? 'paste' : 'drop')) continue;
    const m: { longest: number; cpu: number; wall: number }[] = [];
    for (let i = 0; i < runs; i++) m.push(await measure(name, load));
    medians.push(`${name} ${median(m.map((x) => x.longest))} ms (trace ${median(m.map((x) => x.wall))} ms wall, CPU ${median(m.map((x) => x.cpu))} ms)`);
    all.push(...m.map((x) => x.longest));
  }
  const m: { longest: number; cpu: number; wall: number }[] = [];
  for (let i = 0; i < runs && only('reload'); i++) m.push(await measure('reload with the dump saved', ways.paste, reload));
  if (m.length) medians.push(`reload ${median(m.map((x) => x.longest))} ms (trace ${median(m.map((x) => x.wall))} ms wall, CPU ${median(m.map((x) => x.cpu))} ms)`);
  all.push(...m.map((x) => x.longest));
  console.log(`medians of the runs' longest task: ${medians.join(', ')}`);
  // Then the nftables tab on the loaded dump: the translation in the worker, the first lines shown.
  if (only('nft')) await measure('nftables tab (after a drop)', ways['file drop'], async (page) => {
    await page.evaluate(() => document.getElementById('tab-nft')!.click());
    await until(page, () => !!document.querySelector('.nft [data-out].mapped'));
    await page.waitForTimeout(1000);
  });
  console.log(`load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`longest main-thread task: ${Math.max(...all)} ms (median of the runs' longest: ${all.sort((a, b) => a - b)[all.length >> 1]} ms)`);
} finally {
  await browser.close();
  await server.close();
  await site.cleanup();
}
