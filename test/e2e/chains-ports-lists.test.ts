// The playground's user-chain boxes, listening ports and long lists, as a person uses them, against the
// built site in headless Chromium: a kube-proxy packet opens KUBE-SERVICES → KUBE-SVC → KUBE-SEP as boxes
// and closes them on its way out; a listening port added in the host panel changes the verdict's note;
// a scenario of 2,000 packets lists, scrolls and steps with the keyboard to the last one.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './site';
import { playgroundSession } from './session';

describe.skipIf(!hasChromium)('chains, listening ports and long lists in Chromium', () => {
  const session = playgroundSession();
  const { problems } = session;

  const open = (width = 1280): Promise<Page> => session.open('', { viewport: { width, height: 800 } });

  const fates = (page: Page) => page.locator('.packets li .fate').allTextContents();
  const boxes = (page: Page) => page.locator('.chain-box').evaluateAll((els) => els.map((e) => e.getAttribute('data-chain')));

  it('opens the user chains a kube-proxy packet walks as boxes, and closes them on return', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'Examples…' }).click();
    await page.locator('.gallery [data-example="kube-proxy"]').click();
    await expect.poll(() => fates(page)).toEqual(['forwarded', 'forwarded', 'forwarded', 'forwarded', 'forwarded', 'rejected']);
    await page.locator('.packets .pick').first().click();
    await page.getByRole('button', { name: 'First step' }).click();
    expect(await boxes(page)).toEqual([]);
    // Step until the DNAT in KUBE-SEP: three boxes, the calling row of nat PREROUTING linked to the first.
    const forward = page.getByRole('button', { name: 'Step forward' });
    for (let i = 0; i < 12 && !(await page.locator('.chain-box .crow.current', { hasText: 'DNAT' }).count()); i++) await forward.click();
    expect(await boxes(page)).toEqual(['KUBE-SERVICES', 'KUBE-SVC-WEBSVCXXXXXXXXXX', 'KUBE-SEP-WEB1SEPXXXXXXXXX']);
    expect(await page.locator('.chain-box .chain-name').allTextContents()).toEqual(['KUBE-SERVICES', 'KUBE-SVC-WEBSVCXXXXXXXXXX', 'KUBE-SEP-WEB1SEPXXXXXXXXX']);
    expect(await page.locator('.chain-box .crow text').allTextContents()).toEqual(['#1 → KUBE-SVC-WEBSVCXXXXXXXXXX', '#3 → KUBE-SEP-WEB1SEPXXXXXXXXX', '#2 DNAT']);
    expect(await page.locator('.chain-link').count()).toBe(3);
    expect(await page.locator('.diagram figcaption').textContent()).toContain('in chains KUBE-SERVICES › KUBE-SVC-WEBSVCXXXXXXXXXX › KUBE-SEP-WEB1SEPXXXXXXXXX');
    // On to FORWARD: the nat chains are closed, KUBE-PROXY-FIREWALL opens from filter FORWARD.
    for (let i = 0; i < 12 && !(await page.locator('.chain-box[data-chain="KUBE-PROXY-FIREWALL"]').count()); i++) await forward.click();
    expect(await boxes(page)).toEqual(['KUBE-PROXY-FIREWALL']);
    expect(await page.locator('.chain-box').getAttribute('data-table')).toBe('filter');
    // Out of the host: nothing open.
    await page.getByRole('button', { name: 'Last step' }).click();
    expect(await boxes(page)).toEqual([]);
    // The service without endpoints: the verdict shows the chain that rejected it.
    await page.locator('.packets .pick').nth(5).click();
    await expect.poll(() => boxes(page)).toEqual(['KUBE-SERVICES']);
    expect(await page.locator('.chain-box .crow.current text').textContent()).toBe('#1 REJECT');
    // On a phone the outer chains fold into one box that names them.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('.packets .pick').first().click();
    await page.getByRole('button', { name: 'First step' }).click();
    for (let i = 0; i < 12 && !(await page.locator('.chain-box .crow.current', { hasText: 'DNAT' }).count()); i++) await forward.click();
    expect(await page.locator('.chain-box.folded .crow text').allTextContents()).toEqual(['KUBE-SERVICES', 'KUBE-SVC-WEBSVCXXXXXXXXXX']);
    expect(await boxes(page)).toEqual(['KUBE-SVC-WEBSVCXXXXXXXXXX', 'KUBE-SEP-WEB1SEPXXXXXXXXX']);
    await page.context().close();
  }, 60_000);

  it('notes a delivered packet nothing listens for, from the ports listed in the host panel', async () => {
    const page = await open();
    await expect.poll(() => fates(page)).toEqual(['delivered', 'dropped', 'delivered']);
    // A packet picked opens on its verdict.
    await page.locator('.packets .pick').first().click();
    // Not described yet: no note.
    expect(await page.locator('.detail').textContent()).not.toContain('host stack');
    await page.locator('summary', { hasText: 'Host' }).click();
    await page.getByRole('button', { name: 'Add listening port' }).click();
    // tcp/22 listens: the SSH SYN is answered by sshd, no note.
    expect(await page.getByLabel('listening socket 1 port').inputValue()).toBe('22');
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#v1\./);
    expect(await page.locator('.detail').textContent()).not.toContain('host stack');
    const before = await page.evaluate(() => location.hash);
    await page.getByLabel('listening socket 1 port').fill('80');
    await page.getByLabel('listening socket 1 port').press('Enter');
    const note = page.locator('.detail .stack-note');
    await expect.poll(() => note.textContent()).toBe("Nothing listens on tcp/22 at 203.0.113.10: the host's stack would answer with a TCP reset (RST). nfplay does not send it by itself; add it as a packet to follow its path.");
    // The ping is answered by the stack whatever listens: no note.
    await page.locator('.packets .pick').nth(2).click();
    await expect.poll(() => page.locator('.caption strong').textContent()).toBe('Packet 3');
    expect(await page.locator('.detail .stack-note').count()).toBe(0);
    await page.getByRole('tab', { name: 'Verdicts' }).click();
    expect(await page.locator('.verdicts tbody tr').first().locator('.no-listener').textContent()).toBe('⚠ nothing listens');
    expect(await page.locator('.verdicts .no-listener').count()).toBe(1);
    // The link carries it: a reload of the link shows the same note.
    await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(before);
    const link = page.url();
    await page.context().close();
    const again = await open();
    await again.goto(link);
    await again.getByRole('tab', { name: 'Verdicts' }).click();
    await expect.poll(() => again.locator('.verdicts .no-listener').count()).toBe(1);
    await again.locator('summary', { hasText: 'Host' }).click();
    expect(await again.getByLabel('listening socket 1 port').inputValue()).toBe('80');
    await again.context().close();
  }, 60_000);

  it('lists 2,000 packets, renders only the rows in view, and scrolls and steps to the last one', async () => {
    const page = await open();
    await expect.poll(() => fates(page)).toHaveLength(3);
    const packets = Array.from({ length: 2000 }, (_, i) => ({ from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 10000 + i, dport: i % 2 ? 23 : 22, flags: ['SYN'] }));
    const scenario = { host: { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }] }, rules: '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n', packets };
    await page.locator('input[type=file]').setInputFiles({ name: 'many.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) });
    const list = page.locator('.packets ol');
    await expect.poll(() => list.locator('li').first().getAttribute('aria-setsize')).toBe('2000');
    await expect.poll(() => list.locator('li .fate').first().textContent()).toBe('delivered');
    expect(await list.locator('li').count()).toBeLessThan(80);
    // Scroll to the end: the last packet is rendered, with its number and fate.
    await page.locator('.packets .scroller').evaluate((el) => (el.scrollTop = el.scrollHeight));
    const last = list.locator('li[data-packet="1999"]');
    await last.waitFor();
    expect(await last.getAttribute('aria-posinset')).toBe('2000');
    expect(await last.locator('.num').textContent()).toBe('2000');
    await expect.poll(() => last.locator('.fate').textContent()).toBe('dropped');
    expect(await list.locator('li').count()).toBeLessThan(80);
    // The keyboard: Home goes to the first packet, End back to the last, arrows one at a time.
    await last.locator('.pick').focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-packet'))).toBe('0');
    await page.keyboard.press('End');
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-packet'))).toBe('1999');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-packet'))).toBe('1998');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.caption strong').textContent()).toBe('Packet 1999');
    // The verdict table: windowed too, the selected packet's row in view.
    await page.getByRole('tab', { name: 'Verdicts' }).click();
    const table = page.locator('.verdicts');
    expect(await table.getAttribute('aria-rowcount')).toBe('2001');
    await expect.poll(() => table.locator('tr.selected td').first().textContent()).toBe('1999');
    expect(await table.locator('tbody tr:not(.spacer)').count()).toBeLessThan(80);
    await page.locator('.scroller:has(.verdicts)').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => table.locator('tbody tr:not(.spacer)').last().locator('td').first().textContent()).toBe('2000');
    await page.context().close();
  }, 60_000);

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
