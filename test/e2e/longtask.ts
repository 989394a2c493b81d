// `npx tsx test/e2e/longtask.ts [rules] [runs]`: the longest main-thread task while a big kube-proxy dump
// (bench/kubeproxy.ts, 100,000 rules by default) is loaded into the built playground, by a file dropped on
// the editor and by a paste into it, and while the page is reloaded with the dump saved; measured with a
// PerformanceObserver for 'longtask' in Chromium. Prints each run and the median of the runs' longest.
// While it measures, the script drives the page with plain page.evaluate calls and the mouse and keyboard:
// Playwright's locators inject a script of their own into each new page and check the element before
// acting, main-thread tasks of the test's own (10-15 ms) that the observer would count as the page's.
// ONLY=drop, paste, reload or nft measures that alone; TOP=n prints the n tasks with the most CPU (below).
import type { Page } from 'playwright-core';
import { kubeProxyDump } from '../../bench/kubeproxy';
import { buildSite, launch, serve } from './site';

const rules = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 3);
const dump = kubeProxyDump(rules).text;
const site = await buildSite();
const server = await serve(site.dir);
const browser = await launch();

async function measure(name: string, load: (page: Page) => Promise<void>, then?: (page: Page) => Promise<void>) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => {
    const w = window as unknown as { longtasks: { start: number; duration: number }[]; gap: number };
    w.longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longtasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) });
    }).observe({ type: 'longtask', buffered: true });
    // Long tasks are only reported from 50 ms: a message-channel heartbeat also gives the longest gap
    // between two turns of the event loop, the bound on any task below that.
    w.gap = 0;
    const channel = new MessageChannel();
    let last = performance.now();
    channel.port1.onmessage = () => {
      const now = performance.now();
      w.gap = Math.max(w.gap, now - last);
      last = now;
      setTimeout(() => channel.port2.postMessage(0), 0);
    };
    channel.port2.postMessage(0);
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
  const t0 = await page.evaluate(() => {
    (window as unknown as { longtasks: unknown[] }).longtasks.length = 0;
    (window as unknown as { gap: number }).gap = 0;
    return performance.now();
  });
  if (!then) await browser.startTracing(page, { categories: CATEGORIES });
  await load(page);
  // Done: the run's listing describes the dump, and the state has been saved (the share link is made).
  await listed(page);
  await page.waitForTimeout(3000);
  if (then) {
    await page.evaluate(() => {
      (window as unknown as { longtasks: unknown[] }).longtasks.length = 0;
      (window as unknown as { gap: number }).gap = 0;
    });
    await browser.startTracing(page, { categories: CATEGORIES });
    await then(page);
  }
  // Read before the trace stops: handing the trace over is main-thread work of the browser's own, which
  // the observer would count as the page's.
  const { tasks, t1, gap } = await page.evaluate(() => {
    const w = window as unknown as { longtasks: { start: number; duration: number }[]; gap: number };
    return { tasks: [...w.longtasks], t1: performance.now(), gap: Math.round(w.gap) };
  });
  const cpu = longestInTrace(await browser.stopTracing());
  // The whole dump is in the editor: its last line is the dump's.
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  const last = Number(await page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent());
  if (last !== dump.split('\n').length) throw new Error(`the editor ends at line ${last}`);
  const longest = Math.max(0, ...tasks.map((t) => t.duration));
  console.log(`${name}: ${tasks.length} long tasks over ${Math.round(t1 - t0)} ms, longest ${longest} ms, longest event-loop gap ${gap} ms; trace: longest task ${cpu.wall} ms wall, most CPU in one task ${cpu.cpu} ms`, JSON.stringify(tasks.map((t) => [t.start - Math.round(t0), t.duration])));
  await page.close();
  return { longest, cpu: cpu.cpu };
}

// TOP=n: the trace also records the timeline, and the n tasks that took the most CPU are printed with the
// events inside them (a diagnosis: the timeline costs time of its own).
const TOP = Number(process.env.TOP ?? 0);
const CATEGORIES = TOP ? ['toplevel', 'devtools.timeline', 'v8'] : ['toplevel'];

/// From a Chromium trace: the longest task of the page's main thread (wall time), and the most thread
/// CPU time one task took: on a machine shared with other work, wall time stretches, CPU time does not.
function longestInTrace(buf: Buffer): { wall: number; cpu: number } {
  type Ev = { name: string; ph: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } };
  const { traceEvents } = JSON.parse(buf.toString()) as { traceEvents: Ev[] };
  const mains = new Set(traceEvents.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}/${e.tid}`));
  const tasks = traceEvents.filter((e) => (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.ph === 'X' && mains.has(`${e.pid}/${e.tid}`));
  let wall = 0;
  let cpu = 0;
  // A task's thread time past its wall time is the thread clock's error, not work (seen while the
  // heartbeat above keeps the loop turning: tasks of 0 ms wall report 30–90 ms): left out.
  for (const t of tasks) {
    wall = Math.max(wall, t.dur ?? 0);
    if ((t.tdur ?? 0) <= (t.dur ?? 0)) cpu = Math.max(cpu, t.tdur ?? 0);
  }
  const t0 = tasks.reduce((m, t) => Math.min(m, (t as { ts?: number }).ts ?? Infinity), Infinity);
  for (const t of [...tasks].filter((t) => (t.tdur ?? 0) <= (t.dur ?? 0)).sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0)).slice(0, TOP)) {
    const { ts = 0 } = t as { ts?: number };
    const inside = traceEvents.filter((e) => e.pid === t.pid && e.tid === t.tid && e.ph === 'X' && e !== t && (e as { ts?: number }).ts! >= ts && (e as { ts?: number }).ts! < ts + (t.dur ?? 0) && (e.dur ?? 0) > 1500);
    const what = inside.map((e) => `${e.name}${(e.args as { data?: { url?: string; functionName?: string } })?.data?.url ? ` ${(e.args as { data: { url: string } }).data.url.split('/').pop()}` : ''} ${Math.round((e.dur ?? 0) / 1000)}`);
    console.log(`  top: at ${Math.round((ts - t0) / 1000)} ms, ${Math.round((t.dur ?? 0) / 1000)} ms wall, ${Math.round((t.tdur ?? 0) / 1000)} ms CPU: ${what.slice(0, 12).join(', ')}`);
  }
  return { wall: Math.round(wall / 1000), cpu: Math.round(cpu / 1000) };
}

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
  console.log(`dump: ${rules.toLocaleString()} rules, ${(dump.length / 1e6).toFixed(1)} MB; ${runs} runs each`);
  const all: number[] = [];
  const medians: string[] = [];
  // ONLY=drop|paste|reload|nft: that measurement alone.
  const only = (what: string) => !process.env.ONLY || process.env.ONLY === what;
  for (const [name, load] of Object.entries(ways)) {
    if (!only(name === 'paste' ? 'paste' : 'drop')) continue;
    const m: { longest: number; cpu: number }[] = [];
    for (let i = 0; i < runs; i++) m.push(await measure(name, load));
    medians.push(`${name} ${median(m.map((x) => x.longest))} ms (CPU ${median(m.map((x) => x.cpu))} ms)`);
    all.push(...m.map((x) => x.longest));
  }
  const m: { longest: number; cpu: number }[] = [];
  for (let i = 0; i < runs && only('reload'); i++) m.push(await measure('reload with the dump saved', ways.paste, reload));
  if (m.length) medians.push(`reload ${median(m.map((x) => x.longest))} ms (CPU ${median(m.map((x) => x.cpu))} ms)`);
  all.push(...m.map((x) => x.longest));
  console.log(`medians of the runs' longest task: ${medians.join(', ')}`);
  // Then the nftables tab on the loaded dump: the translation in the worker, the first lines shown.
  if (only('nft')) await measure('nftables tab (after a drop)', ways['file drop'], async (page) => {
    await page.evaluate(() => document.getElementById('tab-nft')!.click());
    await until(page, () => !!document.querySelector('.nft [data-out].mapped'));
    await page.waitForTimeout(1000);
  });
  console.log(`longest main-thread task: ${Math.max(...all)} ms (median of the runs' longest: ${all.sort((a, b) => a - b)[all.length >> 1]} ms)`);
} finally {
  await browser.close();
  await server.close();
  await site.cleanup();
}
