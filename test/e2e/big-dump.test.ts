// A big dump crosses from the page to the workers once. Every post of a message holding a string of over
// 100,000 characters is counted (Worker and MessagePort postMessage, wrapped before the site's scripts
// run): pasting a 4,000-rule dump posts it once, for its run; lint and the saved work use the workers'
// copy. After a reload the saved dump is read and run by the worker, and a share link made from its copy:
// the page posts it not at all. A dump past a megabyte crosses in parts of a megabyte (one 15 MB message
// is a long task on the page), both ways, and its scenario file is made in the worker. The worker's store
// keeps the rules in a record of their own: a save that changes only the view (every click after a
// reload) does not write megabytes again, and work saved before that split still opens.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { kubeProxyDump } from '../../bench/kubeproxy';
import { decodeShareLink } from '../../src/share/share-link';
import { RULES_PART } from '../../src/worker/client';
import { api } from '../../src/worker/api';
import { readScenarios } from '../../src/share/scenario-json';
import { hasChromium } from './site';
import { playgroundSession } from './session';

/// Runs in the page: `window.bigPosts` gets the longest string of every big message posted.
function countBigPosts() {
  const w = window as unknown as { bigPosts: number[] };
  w.bigPosts = [];
  const longest = (v: unknown, depth: number): number => {
    if (typeof v === 'string') return v.length;
    if (!v || typeof v !== 'object' || depth > 6) return 0;
    let most = 0;
    for (const x of Object.values(v)) most = Math.max(most, longest(x, depth + 1));
    return most;
  };
  for (const proto of [Worker.prototype, MessagePort.prototype]) {
    const post = proto.postMessage as (this: unknown, ...args: unknown[]) => void;
    (proto as { postMessage: unknown }).postMessage = function (this: unknown, ...args: unknown[]) {
      const n = longest(args[0], 0);
      if (n > 100_000) w.bigPosts.push(n);
      return post.apply(this, args);
    };
  }
}

describe.skipIf(!hasChromium)('a big dump in Chromium', () => {
  const session = playgroundSession();
  const { problems } = session;
  const dump = kubeProxyDump(4000).text;

  /// Pastes `text` over the editor's text, as a clipboard would.
  async function paste(page: Page, text: string) {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.locator('.cm-content').evaluate((el, t) => {
      const data = new DataTransfer();
      data.setData('text/plain', t);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
  }

  /// The file the header's Download button saves (or another Download button's).
  async function download(page: Page, button = page.getByRole('banner').getByRole('button', { name: 'Download', exact: true }), name = 'scenario.json'): Promise<string> {
    const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(file.suggestedFilename()).toBe(name);
    const chunks: Buffer[] = [];
    for await (const c of await file.createReadStream()) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  const posts = (page: Page) => page.evaluate(() => (window as unknown as { bigPosts: number[] }).bigPosts);
  /// The run of the dump is listed, and lint has described it.
  async function settled(page: Page) {
    await page.locator('#tab-listing').click();
    await page.locator('pre', { hasText: 'KUBE-SERVICES' }).first().waitFor({ timeout: 60_000 });
    const findings = page.locator('section.findings');
    await expect.poll(() => findings.getAttribute('aria-busy'), { timeout: 60_000 }).toBe('false');
    await expect.poll(() => findings.locator('.summary').textContent(), { timeout: 60_000 }).toMatch(/no findings|errors?|warnings?|info/);
  }

  it('is posted once when pasted, and not at all when reopened after a reload', async () => {
    const page = await session.open('', {}, countBigPosts);
    await expect.poll(() => page.locator('.packets li .fate').count()).toBe(3);
    await page.evaluate(() => ((window as unknown as { bigPosts: number[] }).bigPosts = []));
    await paste(page, dump);
    await settled(page);
    // Saved through the worker (too big for localStorage); a reload reopens it.
    await page.waitForFunction(() => localStorage.getItem('nfplay:work') === 'idb:v1', null, { timeout: 30_000 });
    expect(await posts(page)).toEqual([dump.length]);
    await page.reload();
    await settled(page);
    // The editor holds the whole dump again.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    expect(Number(await page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent())).toBe(dump.split('\n').length);
    // A share link is made from the worker's copy too.
    await page.getByRole('button', { name: 'Share link' }).click();
    await expect.poll(() => new URL(page.url()).hash, { timeout: 30_000 }).toMatch(/^#v1\./);
    expect((await decodeShareLink(new URL(page.url()).hash)).rules).toBe(dump);
    expect(await posts(page)).toEqual([]);
    await page.context().close();
  }, 120_000);

  /// What the worker's store holds: its keys, the saved view, and the length of each rules record.
  const stored = (page: Page) =>
    page.evaluate(
      () =>
        new Promise<{ keys: string[]; view: string | undefined; lengths: Record<string, number> }>((done, fail) => {
          const req = indexedDB.open('nfplay');
          req.onerror = () => fail(new Error('no store'));
          req.onsuccess = () => {
            const tx = req.result.transaction('work');
            const all = tx.objectStore('work').getAll();
            const keys = tx.objectStore('work').getAllKeys();
            tx.oncomplete = () => {
              const byKey = new Map((keys.result as string[]).map((k, i) => [k, all.result[i] as unknown]));
              const current = byKey.get('current') as { ui?: { view?: string } } | undefined;
              const lengths = Object.fromEntries([...byKey].filter(([k]) => k !== 'current').map(([k, v]) => [k, typeof v === 'string' ? v.length : -1]));
              req.result.close();
              done({ keys: [...byKey.keys()].sort(), view: current?.ui?.view, lengths });
            };
          };
        }),
    );

  it('keeps the saved rules as they are while only the view changes, and a reload restores both', async () => {
    const page = await session.open('');
    await expect.poll(() => page.locator('.packets li .fate').count()).toBe(3);
    await paste(page, dump);
    await settled(page);
    await page.waitForFunction(() => localStorage.getItem('nfplay:work') === 'idb:v1', null, { timeout: 30_000 });
    // One record for the state, one for the rules it names.
    await expect.poll(async () => (await stored(page)).view, { timeout: 10_000 }).toBe('listing');
    const first = await stored(page);
    expect(first.keys).toHaveLength(2);
    const [rulesKey] = first.keys.filter((k) => k !== 'current');
    expect(first.lengths).toEqual({ [rulesKey]: dump.length });
    await page.reload();
    await settled(page);
    // A view opened after the reload is saved without writing the rules again (every click would
    // rewrite megabytes): the same rules record, and the new view.
    await page.locator('#tab-verdicts').click();
    await expect.poll(async () => (await stored(page)).view, { timeout: 10_000 }).toBe('verdicts');
    expect((await stored(page)).lengths).toEqual({ [rulesKey]: dump.length });
    await page.reload();
    await expect.poll(() => page.locator('#tab-verdicts').getAttribute('aria-selected'), { timeout: 30_000 }).toBe('true');
    await page.locator('#tab-listing').click();
    await settled(page);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    expect(Number(await page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent())).toBe(dump.split('\n').length);
    // An edit writes the new rules under a key of their own, and the old record goes.
    await page.keyboard.type('# end');
    await expect.poll(async () => Object.values((await stored(page)).lengths), { timeout: 30_000 }).toEqual([dump.length + 5]);
    const edited = await stored(page);
    expect(edited.keys).toHaveLength(2);
    expect(edited.keys).not.toContain(rulesKey);
    await page.context().close();
  }, 180_000);

  it('reopens work saved with its rules inline (as saved before they had a record of their own)', async () => {
    const page = await session.open('');
    await expect.poll(() => page.locator('.packets li .fate').count()).toBe(3);
    const { EXAMPLES } = await import('../../src/ui/examples');
    const state = { ...EXAMPLES[0].scenario, rules: dump, ui: { view: 'listing' } };
    await page.evaluate(
      (s) =>
        new Promise<void>((done) => {
          const req = indexedDB.open('nfplay', 1);
          req.onupgradeneeded = () => req.result.createObjectStore('work');
          req.onsuccess = () => {
            const tx = req.result.transaction('work', 'readwrite');
            tx.objectStore('work').put(s, 'current');
            tx.oncomplete = () => {
              req.result.close();
              localStorage.setItem('nfplay:work', 'idb:v1');
              done();
            };
          };
        }),
      state,
    );
    await page.reload();
    await settled(page);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    expect(Number(await page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent())).toBe(dump.split('\n').length);
    await page.context().close();
  }, 120_000);

  it('crosses in parts past a megabyte, both ways, and is downloaded as the scenario file the page makes', async () => {
    const page = await session.open('', {}, countBigPosts);
    await expect.poll(() => page.locator('.packets li .fate').count()).toBe(3);
    // The example's file, made on the page: the shape a big dump's must have.
    const small = JSON.parse(await download(page)) as Record<string, unknown>;
    const big = kubeProxyDump(20_000).text;
    expect(big.length).toBeGreaterThan(2 * RULES_PART);
    await page.evaluate(() => ((window as unknown as { bigPosts: number[] }).bigPosts = []));
    await paste(page, big);
    await settled(page);
    await page.waitForFunction(() => localStorage.getItem('nfplay:work') === 'idb:v1', null, { timeout: 30_000 });
    // Posted once, in parts of at most RULES_PART characters.
    const parts = await posts(page);
    expect(parts.length).toBe(Math.ceil(big.length / RULES_PART));
    expect(Math.max(...parts)).toBe(RULES_PART);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(big.length);
    // Made in the worker, byte for byte the page's JSON of the same scenario.
    const text = await download(page);
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(file.rules).toBe(big);
    expect(text).toBe(JSON.stringify(file, null, 2) + '\n');
    expect(Object.keys(file)).toEqual(Object.keys(small));
    expect({ ...file, rules: '' }).toEqual({ ...small, rules: '' });
    expect(await posts(page)).toEqual(parts);
    // The whole `iptables-save -c` of the run, made in the worker: what the engine prints for that scenario.
    await page.locator('#tab-save').click();
    const save = await download(page, page.locator('#panel-save').getByRole('button', { name: 'Download' }), 'iptables-save-c.txt');
    api.run(readScenarios(text)[0]);
    expect(save).toBe(api.fullText('save'));
    // Every rule of the dump, not the first lines the page shows.
    const rulesIn = (t: string) => t.split('\n').filter((l) => /^(\[\d+:\d+\] )?-A /.test(l)).length;
    expect(rulesIn(save)).toBe(rulesIn(big));
    // Reopened: read back from the worker's store in parts (none posted), the whole dump in the editor.
    await page.reload();
    await settled(page);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    expect(Number(await page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent())).toBe(big.split('\n').length);
    expect(await posts(page)).toEqual([]);
    expect(JSON.parse(await download(page)).rules).toBe(big);
    expect(await posts(page)).toEqual([]);
    // The editor's document, built from the parts it was read back in (lines cut between two parts joined
    // again): edited at its end, the editor's text is the dump and the edit.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# end');
    expect(JSON.parse(await download(page)).rules).toBe(big + '# end');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);
});
