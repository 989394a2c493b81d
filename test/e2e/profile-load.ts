// `[SITE=dir] [MIN=ms] [SAMPLES=0] npx tsx test/e2e/profile-load.ts [rules] [paste|drop|reload|nft]` (SITE: a
// build made with `vite build --minify false`, for readable names): a Chromium trace (devtools.timeline +
// V8 samples) of loading a big kube-proxy dump into the built playground (`reload`: pasted, then the page
// reloaded with it saved; only the reload is traced; `nft`: pasted, then the nftables tab opened, which
// alone is traced); prints, for each main-thread task over MIN ms of wall or CPU time, the functions that
// took its time (self time of the V8 samples inside it), its timeline children, and how busy the
// renderer's other threads (workers, V8's GC helpers) were meanwhile. The sampler slows the page:
// SAMPLES=0 leaves it out, for CPU times nearer the real ones. GROUP=regexp sums the samples under the
// innermost frame matching it (GROUP='^[A-Z][A-Za-z]+ index': time per Svelte component); OTHERS=1 lists
// what the other threads ran.
import type { Page } from 'playwright-core';
import { kubeProxyDump } from '../../bench/kubeproxy';
import { buildSite, launch, serve } from './site';

const rules = Number(process.argv[2] ?? 100_000);
const way = process.argv[3] ?? 'paste';
const dump = kubeProxyDump(rules).text;
const site = process.env.SITE ? { dir: process.env.SITE, cleanup: async () => {} } : await buildSite();
const server = await serve(site.dir);
const browser = await launch();

interface Ev { name: string; ph: string; ts: number; dur?: number; tid: number; pid: number; cat: string; args?: any; id?: string }

async function run(page: Page, way: string) {
  if (way === 'paste') {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.locator('.cm-content').evaluate((el) => {
      const data = new DataTransfer();
      data.setData('text/plain', (window as any).dump);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
  } else if (way === 'drop') {
    await page.locator('.cm-content').evaluate((el) => {
      const data = new DataTransfer();
      data.items.add((window as any).file);
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
  }
  await page.locator('#tab-listing').click();
  await page.locator('pre', { hasText: 'KUBE-SERVICES' }).first().waitFor({ timeout: 120_000 });
  await page.waitForTimeout(Number(process.env.AFTER ?? 3000));
}

/// Polls `test` in the page every 250 ms until it holds (page.waitForFunction would inject Playwright's script).
async function until(page: Page, test: () => boolean, timeout = 120_000) {
  for (const end = Date.now() + timeout; Date.now() < end; await new Promise((ok) => setTimeout(ok, 250)))
    if (await page.evaluate(test).catch(() => false)) return;
  throw new Error(`timed out: ${test}`);
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'v8', ...(process.env.SAMPLES === '0' ? [] : ['disabled-by-default-v8.cpu_profiler'])];

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.locator('.packets li .fate.delivered').first().waitFor();
  await page.evaluate((text) => {
    (window as any).dump = text;
    (window as any).file = new File([text], 'kube.rules', { type: 'text/plain' });
  }, dump);
  await page.waitForTimeout(1000);
  if (way === 'nft') {
    await run(page, 'paste');
    await browser.startTracing(page, { categories: CATEGORIES });
    await page.locator('#tab-nft').click();
    await page.locator('.nft [data-out].mapped').first().waitFor({ timeout: 120_000 });
    await page.waitForTimeout(Number(process.env.AFTER ?? 3000));
  } else if (way === 'reload') {
    await run(page, 'paste');
    await page.waitForFunction(() => localStorage.getItem('nfplay:work') === 'idb:v1', null, { timeout: 60_000 });
    await browser.startTracing(page, { categories: CATEGORIES });
    await page.reload();
    // Plain evaluate calls, no locators: a locator injects Playwright's script into the new page, a
    // 15 ms task of the test's own inside the traced reload.
    await until(page, () => !!document.getElementById('tab-listing'));
    await page.evaluate(() => document.getElementById('tab-listing')!.click());
    await until(page, () => [...document.querySelectorAll('pre > .piece:first-child')].some((p) => p.textContent!.includes('KUBE-SERVICES')));
    await page.waitForTimeout(Number(process.env.AFTER ?? 3000));
  } else {
    await browser.startTracing(page, { categories: CATEGORIES });
    await run(page, way);
  }
  const buf = await browser.stopTracing();
  const { traceEvents } = JSON.parse(buf.toString()) as { traceEvents: Ev[] };
  // The renderer's main thread.
  const main = traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && traceEvents.some((x) => x.pid === e.pid && x.name === 'RunTask' && (x.dur ?? 0) > 30000));
  if (!main) throw new Error('no main thread');
  const onMain = traceEvents.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const min = Number(process.env.MIN ?? 30) * 1000;
  const tasks = onMain.filter((e) => e.name === 'RunTask' && ((e.dur ?? 0) > min || ((e as { tdur?: number }).tdur ?? 0) > min)).sort((a, b) => a.ts - b.ts);
  // V8 samples on the main thread.
  // V8 samples of the main thread: of the renderer's profiles (main thread, workers), the one running the page's script.
  const profiles = new Map<string, { nodes: Map<number, { name: string; parent?: number }>; samples: { ts: number; node: number }[]; t: number }>();
  for (const e of traceEvents.filter((x) => x.pid === main.pid && (x.name === 'Profile' || x.name === 'ProfileChunk'))) {
    const id = String(e.id);
    if (e.name === 'Profile') { profiles.set(id, { nodes: new Map(), samples: [], t: e.args.data.startTime }); continue; }
    const prof = profiles.get(id);
    if (!prof) continue;
    const p = e.args.data.cpuProfile ?? {};
    for (const n of p.nodes ?? []) prof.nodes.set(n.id, { name: `${n.callFrame.functionName || '(anon)'} ${String(n.callFrame.url).split('/').pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`, parent: n.parent });
    const deltas: number[] = e.args.data.timeDeltas ?? [];
    (p.samples ?? []).forEach((s: number, i: number) => { prof.t += deltas[i]; prof.samples.push({ ts: prof.t, node: s }); });
  }
  const chosen = [...profiles.values()].find((p) => [...p.nodes.values()].some((n) => /index-/.test(n.name) && !/worker/.test(n.name)));
  const { nodes, samples } = chosen ?? { nodes: new Map(), samples: [] };
  for (const task of tasks) {
    console.log(`\n=== task at ${((task.ts - tasks[0].ts) / 1000).toFixed(0)} ms: ${(task.dur! / 1000).toFixed(1)} ms (CPU ${((task as any).tdur / 1000).toFixed(1)} ms)`);
    // What else ran meanwhile (on 2 cores, a busy worker stretches the page's tasks): the renderer's other
    // threads' time inside this task's span.
    const names = new Map(traceEvents.filter((e) => e.name === 'thread_name' && e.pid === main.pid).map((e) => [e.tid, String(e.args?.name)]));
    const busy = new Map<string, number>();
    for (const e of traceEvents)
      if (e.pid === main.pid && e.tid !== main.tid && e.name === 'RunTask' && e.dur && e.ts < task.ts + task.dur! && e.ts + e.dur > task.ts) {
        const k = `${names.get(e.tid) ?? "?"} ${e.tid}`;
        busy.set(k, (busy.get(k) ?? 0) + Math.min(e.ts + e.dur, task.ts + task.dur!) - Math.max(e.ts, task.ts));
      }
    if (process.env.OTHERS) {
      const during = traceEvents.filter((e) => e.pid === main.pid && e.tid !== main.tid && e.ph === 'X' && (e.dur ?? 0) > 5000 && e.ts < task.ts + task.dur! && e.ts + e.dur! > task.ts && e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask');
      for (const e of during.slice(0, 12)) console.log(`    other ${e.tid}: ${e.name} ${e.args?.data?.functionName ?? ''}@${String(e.args?.data?.url ?? '').split('/').pop()}:${e.args?.data?.lineNumber ?? ''} ${(e.dur! / 1000).toFixed(1)} ms`);
    }
    console.log('  meanwhile:', [...busy].filter(([, v]) => v > 3000).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)} ms`).join(', ') || '-');
    const kids = onMain.filter((e) => e.ts >= task.ts && e.ts < task.ts + task.dur! && e !== task && (e.dur ?? 0) > 2000);
    for (const k of kids.slice(0, 25)) console.log(`  ${((k.ts - task.ts) / 1000).toFixed(1)} +${(k.dur! / 1000).toFixed(1)} ${k.name} ${k.args?.data?.functionName ?? ''} ${k.args?.data?.url?.split('/').pop() ?? ''}:${k.args?.data?.lineNumber ?? ''}`);
    const self = new Map<string, number>();
    const incl = new Map<string, number>();
    const group = new Map<string, number>();
    const inTask = samples.filter((s) => s.ts >= task.ts && s.ts < task.ts + task.dur!);
    for (let i = 0; i < inTask.length; i++) {
      const dt = (inTask[i + 1]?.ts ?? inTask[i].ts) - inTask[i].ts;
      const n = nodes.get(inTask[i].node);
      if (!n) continue;
      self.set(n.name, (self.get(n.name) ?? 0) + dt);
      const seen = new Set<string>();
      for (let m: typeof n | undefined = n; m; m = m.parent ? nodes.get(m.parent) : undefined) if (!seen.has(m.name)) { seen.add(m.name); incl.set(m.name, (incl.get(m.name) ?? 0) + dt); }
      // GROUP (a regular expression): the time under the innermost frame whose name matches, e.g. '^[A-Z]\\w+ ' for components.
      if (process.env.GROUP) {
        let m: typeof n | undefined = n;
        while (m && !new RegExp(process.env.GROUP).test(m.name)) m = m.parent ? nodes.get(m.parent) : undefined;
        const k = m?.name ?? '(other)';
        group.set(k, (group.get(k) ?? 0) + dt);
      }
    }
    if (process.env.GROUP) console.log('  group:', [...group].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${(v / 1000).toFixed(1)} ${k}`).join('\n         '));
    console.log('  self:', [...self].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${(v / 1000).toFixed(1)} ${k}`).join('\n        '));
    console.log('  incl:', [...incl].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(1)} ${k}`).join('\n        '));
  }
} finally {
  await browser.close();
  await server.close();
  await site.cleanup();
}
