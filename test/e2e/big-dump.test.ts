// A big dump crosses from the page to the workers once. Every post of a message holding a string of over
// 100,000 characters is counted (Worker and MessagePort postMessage, wrapped before the site's scripts
// run): pasting a 4,000-rule dump posts it once, for its run; lint and the saved work use the workers'
// copy. After a reload the saved dump is read and run by the worker, and a share link made from its copy:
// the page posts it not at all.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { kubeProxyDump } from '../../bench/kubeproxy';
import { decodeShareLink } from '../../src/share/share-link';
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

  const posts = (page: Page) => page.evaluate(() => (window as unknown as { bigPosts: number[] }).bigPosts);
  /// The run of the dump is listed, and lint has described it.
  async function settled(page: Page) {
    await page.locator('#tab-listing').click();
    await page.locator('pre', { hasText: 'KUBE-SERVICES' }).first().waitFor({ timeout: 60_000 });
    const findings = page.locator('section.findings');
    await expect.poll(() => findings.getAttribute('aria-busy'), { timeout: 60_000 }).toBe('false');
    await expect.poll(() => findings.locator('.summary').textContent()).toMatch(/no findings|errors?|warnings?|info/);
  }

  it('is posted once when pasted, and not at all when reopened after a reload', async () => {
    const page = await session.open('', {}, countBigPosts);
    await expect.poll(() => page.locator('.packets li .fate').count()).toBe(3);
    await page.evaluate(() => ((window as unknown as { bigPosts: number[] }).bigPosts = []));
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.locator('.cm-content').evaluate((el, text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, dump);
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
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
