// The playground as a person uses it, against the built site in headless Chromium: it opens on the
// example with its verdicts, shows a diagnostic for a bad rule, highlights the deciding rule while
// stepping, restores a share link, survives a corrupt one, and has a compact embed view.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EXAMPLES } from '../../src/ui/examples';
import { hasChromium } from './site';
import { playgroundSession } from './session';
import { decodeShareLink, encodeShareLink } from '../../src/share/share-link';
import { kubeProxyDump } from '../../bench/kubeproxy';
import { parseRuleset } from '../../src/engine/parse/index';
import { translateRuleset } from '../../src/nft/translate';
import { api, type NftPreview } from '../../src/worker/api';
import { outputsOf, sourcesOf } from '../../src/worker/nft-map';

describe.skipIf(!hasChromium)('playground in Chromium', () => {
  const session = playgroundSession();
  const { problems } = session;

  /// A fresh visitor (no saved work); console errors and CSP violations are collected as failures.
  const open = (suffix = ''): Promise<Page> => session.open(suffix);

  const fates = (page: Page) => page.locator('.packets li .fate').allTextContents();

  it('opens on the example and shows its verdicts', async () => {
    const page = await open();
    await expect.poll(() => fates(page)).toEqual(EXAMPLES[0].fates);
    expect(await page.locator('.diagnostics .summary').textContent()).toContain('no problems');
    await page.getByRole('tab', { name: 'Verdicts' }).click();
    await expect.poll(() => page.locator('.verdicts tbody tr').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('.verdicts tbody tr').first().textContent()).toMatch(/delivered.*ACCEPT/s);
    await page.getByRole('tab', { name: 'iptables -L' }).click();
    expect(await page.locator('pre').first().textContent()).toMatch(/Chain INPUT \(policy DROP \d+ packets/);
    await page.context().close();
  });

  it('loads each gallery example with its verdicts', async () => {
    const page = await open();
    for (const ex of EXAMPLES) {
      await page.getByRole('button', { name: 'Examples…' }).click();
      await page.locator(`.gallery [data-example="${ex.id}"]`).click();
      await expect.poll(() => fates(page)).toEqual(ex.fates);
      expect(await page.locator('.story h2').textContent()).toBe(ex.title);
      expect(await page.locator('.diagnostics .summary').textContent()).toContain('no problems');
    }
    // The story links to its other half (the fix, or the state before), and survives a share link.
    await page.getByRole('button', { name: 'Examples…' }).click();
    await page.locator('.gallery [data-example="missing-established"]').click();
    await page.locator('.story .related').click();
    await expect.poll(() => page.locator('.story h2').textContent()).toBe('ESTABLISHED,RELATED first');
    await expect.poll(() => fates(page)).toEqual(EXAMPLES.find((e) => e.id === 'missing-established-fixed')!.fates);
    // LOG before DROP: the step of the LOG rule shows the kernel's log line.
    await page.getByRole('button', { name: 'Examples…' }).click();
    await page.locator('.gallery [data-example="log-before-drop"]').click();
    await expect.poll(() => fates(page)).toEqual(['delivered', 'dropped', 'dropped']);
    await page.locator('.packets .pick').nth(1).click();
    await page.locator('.steps li', { hasText: 'LOG' }).first().click();
    await expect.poll(() => page.locator('.detail').textContent()).toMatch(/IPT-DEBUG: IN=eth0/);
    await page.context().close();
  });

  it('shows a diagnostic with its line for a bad rule', async () => {
    const page = await open();
    await page.locator('.cm-content').waitFor();
    await page.locator('.cm-line').nth(4).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('-A INPUT -p tcp --no-such-option 1 -j ACCEPT');
    const item = page.locator('.diagnostics li', { hasText: 'no-such-option' });
    await item.waitFor();
    expect(await item.textContent()).toMatch(/line 6:\d+/);
    await page.locator('.cm-lintRange-error').first().waitFor();
    await page.context().close();
  });

  it('completes options and targets from the module registry', async () => {
    const page = await open();
    await page.locator('.cm-line').nth(4).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('-A INPUT -p tcp --dp');
    const list = page.locator('.cm-tooltip-autocomplete');
    await expect.poll(() => list.textContent()).toContain('--dport');
    // CodeMirror ignores keys in the first moments of a popup (its interactionDelay), as a person would not.
    await page.waitForTimeout(150);
    await page.keyboard.press('Enter');
    await page.keyboard.type(' 8080 -j ');
    await page.keyboard.press('Control+Space');
    await expect.poll(() => list.textContent()).toMatch(/ACCEPT.*REJECT/s);
    expect(await page.locator('.cm-line').nth(5).textContent()).toBe('-A INPUT -p tcp --dport 8080 -j ');
    await page.context().close();
  });

  it('highlights the deciding rule in the diagram and the editor while stepping', async () => {
    const page = await open();
    await expect.poll(() => fates(page)).toHaveLength(3);
    await page.locator('.packets .pick').first().click();
    await page.getByRole('button', { name: 'First step' }).click();
    expect(await page.locator('.steps [aria-current="step"]').textContent()).toContain('Arrives on eth0');
    expect(await page.locator('.cm-deciding-rule').count()).toBe(0);
    // Step forward until the rule that accepts the SSH SYN is reached.
    for (let i = 0; i < 10 && !(await page.locator('.row.current[data-row="INPUT/filter"]').count()); i++)
      await page.getByRole('button', { name: 'Step forward' }).click();
    expect(await page.locator('.row.current[data-row="INPUT/filter"]').getAttribute('data-note')).toMatch(/^#\d+ ACCEPT$/);
    expect(await page.locator('.cm-deciding-rule').textContent()).toContain('--dport 22');
    expect(await page.locator('.detail .rule').textContent()).toMatch(/-A INPUT -p tcp .*--dport 22 -j ACCEPT/);
    // Back one step: the rule is no longer current, and the editor's highlight goes with it.
    await page.getByRole('button', { name: 'Step back' }).click();
    expect(await page.locator('.row.current').count()).toBe(0);
    expect(await page.locator('.cm-deciding-rule').count()).toBe(0);
    // The keyboard does the same from the diagram.
    await page.locator('.diagram-box').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('.row.current[data-row="INPUT/filter"]').count()).toBe(1);
    await page.keyboard.press('Home');
    expect(await page.locator('.steps [aria-current="step"]').textContent()).toContain('Arrives on eth0');
    // The telnet SYN ends in the INPUT policy: the diagram marks the drop.
    await page.locator('.packets .pick').nth(1).click();
    await page.getByRole('button', { name: 'Last step' }).waitFor();
    expect(await page.locator('.row.drop[data-row="INPUT/filter"]').getAttribute('data-note')).toBe('policy DROP');
    expect(await page.locator('.packet.stopped').count()).toBe(1);
    await page.context().close();
  });

  it('brings the deciding rule into the editor, not the page to the editor', async () => {
    // A phone opens at the top, on the diagram, though the editor (as tall as its text there) holds the
    // deciding rule further down.
    const phone = await session.open('', { viewport: { width: 390, height: 844 } });
    await expect.poll(() => fates(phone)).toHaveLength(3);
    await expect.poll(() => phone.locator('.cm-deciding-rule').count()).toBe(1);
    await phone.waitForTimeout(300);
    expect(await phone.evaluate(() => window.scrollY)).toBe(0);
    await phone.context().close();
    // On a desktop the editor's own scroller brings the rule in: 300 rules that never match stand above it.
    const ex = EXAMPLES[0];
    const filler = Array.from({ length: 300 }, (_, i) => `-A INPUT -s 192.0.2.${i % 250}/32 -p udp --dport ${1000 + i} -j DROP`).join('\n');
    const rules = ex.scenario.rules!.replace(/^(:OUTPUT .*)$/m, `$1\n${filler}`);
    expect(rules).not.toBe(ex.scenario.rules);
    const page = await open('#' + (await encodeShareLink({ ...ex.scenario, rules })));
    await expect.poll(() => fates(page)).toEqual(ex.fates);
    await page.locator('.packets .pick').first().click();
    await page.getByRole('button', { name: 'First step' }).click();
    for (let i = 0; i < 10 && !(await page.locator('.row.current[data-row="INPUT/filter"]').count()); i++)
      await page.getByRole('button', { name: 'Step forward' }).click();
    await expect.poll(() => page.locator('.cm-deciding-rule').textContent()).toContain('--dport 22');
    const inView = () =>
      page.evaluate(() => {
        const line = document.querySelector('.cm-deciding-rule')!.getBoundingClientRect();
        const box = document.querySelector('.cm-scroller')!.getBoundingClientRect();
        return line.top >= box.top && line.bottom <= box.bottom;
      });
    await expect.poll(inView).toBe(true);
    await page.context().close();
  });

  it('plays frame by frame when the system asks for reduced motion', async () => {
    const page = await open();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.reload();
    await expect.poll(() => fates(page)).toHaveLength(3);
    await page.getByRole('button', { name: 'First step' }).click();
    await page.getByRole('button', { name: 'Play' }).click();
    const positions: number[] = [];
    for (let i = 0; i < 12; i++) {
      positions.push(Number(await page.locator('.scrub').inputValue()));
      await page.waitForTimeout(120);
    }
    expect(positions.some((p) => p > 0)).toBe(true);
    expect(positions.every((p) => Number.isInteger(p))).toBe(true);
    await page.context().close();
  });

  it('previews the nftables translation rule to rule, lazily loaded', async () => {
    const page = await open();
    const scripts = new Set<string>();
    page.on('request', (r) => r.resourceType() === 'script' && scripts.add(new URL(r.url()).pathname));
    await expect.poll(() => fates(page)).toHaveLength(3);
    expect([...scripts].some((s) => /NftPreview/.test(s))).toBe(false);
    // A rule nftables cannot express, to see it flagged.
    await page.locator('.cm-line').nth(4).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('-A INPUT -p tcp -m string --string "GET /admin" --algo bm -j DROP');
    await page.getByRole('tab', { name: 'nftables' }).click();
    // The translation of the edited rules: the new rule is flagged, with the translator's reason.
    const flagged = page.locator('.nft [data-src="6"].failed');
    await flagged.waitFor();
    expect(await flagged.textContent()).toMatch(/no string match/);
    expect([...scripts].some((s) => /NftPreview/.test(s))).toBe(true);
    // Hover the folded nft rule: its three iptables rules light up, and the other way round.
    const folded = page.locator('.nft [data-out]', { hasText: 'tcp dport { 22, 80, 443 } accept' });
    await folded.hover();
    await expect.poll(() => page.locator('.nft [data-src].lit .num').allTextContents()).toEqual(['8', '9', '10']);
    await page.locator('.nft [data-src="9"]').hover();
    await expect.poll(() => page.locator('.nft [data-out].lit').textContent()).toContain('tcp dport { 22, 80, 443 } accept');
    expect(await page.locator('.nft .untranslated').textContent()).toMatch(/line 6/);
    // compat: one nft command per iptables rule.
    await page.getByRole('button', { name: /^compat/ }).click();
    const compat = page.locator('.nft [data-out]', { hasText: 'add rule ip filter INPUT tcp dport 22 counter accept' });
    await compat.waitFor();
    expect(await compat.getAttribute('data-from')).toBe('8');
    await page.context().close();
  });

  it('reads a long translation to its end, a page at a time: scrolling, keys, counterparts and links', async () => {
    // 2,000 kube-proxy rules and a filter rule after them: 3,480 lines of idiomatic nft, of which only the
    // first 1,000 come with the translation; the rest are paged in as the pane shows them.
    const text = kubeProxyDump(2000).text + '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 23 -j DROP\nCOMMIT\n';
    const p = (await api.translate('idiomatic', text)) as NftPreview;
    const whole = translateRuleset(parseRuleset(text).ruleset, { mode: 'idiomatic', source: text }).text.split('\n');
    whole.pop();
    expect(p.total).toBe(whole.length);
    let lastRule = p.total - 1;
    while (!sourcesOf(p, lastRule).length) lastRule--;
    expect(whole[lastRule]).toBe('\t\ttcp dport 23 drop');
    const page = await open();
    await expect.poll(() => fates(page)).toHaveLength(3);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.locator('.cm-content').evaluate((el, dump) => {
      const data = new DataTransfer();
      data.setData('text/plain', dump);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
    await page.getByRole('tab', { name: 'nftables' }).click();
    // The pointer away from the panes: a line appearing under it would light up and scroll the other pane.
    await page.mouse.move(0, 0);
    const pane = page.locator('.nft .pane').nth(1);
    await expect.poll(() => pane.getAttribute('aria-label'), { timeout: 30_000 }).toBe(`nftables (idiomatic, ${p.total.toLocaleString('en-US')} lines)`);
    // Scrolled to the end: the last rule, far past the lines sent, with the source line it comes from.
    await pane.evaluate((el) => (el.scrollTop = el.scrollHeight));
    const last = pane.locator(`[data-out="${lastRule}"]`);
    await expect.poll(() => last.locator('.text').textContent()).toBe(whole[lastRule]);
    expect(await last.getAttribute('data-from')).toBe(String(text.split('\n').indexOf('-A INPUT -p tcp --dport 23 -j DROP') + 1));
    expect(await pane.locator('[data-out]').count()).toBeLessThan(100);
    // Keys: Home goes to the first line, End back to the last, the arrows one line at a time.
    await last.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-out'))).toBe('0');
    await page.keyboard.press('End');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-out'))).toBe(String(p.total - 1));
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-out'))).toBe(String(p.total - 3));
    expect(await page.evaluate(() => document.activeElement?.querySelector('.text')?.textContent)).toBe(whole[p.total - 3]);
    // Hovering kube-proxy's jump to its node ports (on the left) finds its counterpart wherever it is, and
    // shows it.
    const lines = text.split('\n');
    const nodeports = lines.findIndex((l) => l.includes('-j KUBE-NODEPORTS')) + 1;
    const [counterpart] = outputsOf(p, nodeports);
    expect(counterpart).toBeGreaterThan(1000);
    await page.locator('.nft .pane').first().evaluate((el, [line, total]) => (el.scrollTop = (el.scrollHeight * (line - 1)) / total - el.clientHeight / 2), [nodeports, lines.length]);
    await page.locator(`.nft [data-src="${nodeports}"]`).hover();
    await expect.poll(() => pane.locator('[data-out].lit .text').textContent()).toBe(whole[counterpart]);
    expect(whole[counterpart]).toMatch(/^\t\tfib daddr type local jump KUBE-NODEPORTS comment/);
    expect(await pane.locator('[data-out].lit').getAttribute('data-out')).toBe(String(counterpart));
    // The packet the filter rule drops: its nft rule's line, a link from the simulation to the pane.
    await page.mouse.move(0, 0);
    await pane.evaluate((el) => (el.scrollTop = 0));
    const link = page.locator('.nft-sim tbody tr[data-packet="2"] td:nth-child(4) button.link', { hasText: /^nft line / });
    await expect.poll(() => link.textContent(), { timeout: 30_000 }).toBe(`nft line ${(lastRule + 1).toLocaleString('en-US')}`);
    await link.click();
    await expect.poll(() => pane.locator('[data-out].lit').getAttribute('data-out')).toBe(String(lastRule));
    expect(await pane.locator('[data-out].lit .text').textContent()).toBe(whole[lastRule]);
    expect(await pane.locator('[data-out].lit').evaluate((el) => {
      const box = el.getBoundingClientRect();
      const view = el.closest('.pane')!.getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom;
    })).toBe(true);
    await page.context().close();
  }, 90_000);

  it('restores the whole state from a share link', async () => {
    const page = await open();
    await expect.poll(() => fates(page)).toHaveLength(3);
    await page.locator('.cm-line').first().click();
    await page.keyboard.press('Home');
    await page.keyboard.type('# shared by e2e\n');
    await page.locator('.packets .pick').nth(1).click();
    await page.getByRole('tab', { name: 'iptables-save -c' }).click();
    await expect.poll(() => page.locator('pre').first().textContent()).toMatch(/\[0:0\] -A INPUT -i lo -j ACCEPT/);
    await page.getByRole('button', { name: 'Share link' }).click();
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#v1\.[\w-]+$/);
    const link = page.url();
    await page.context().close();

    const again = await open(link.slice(session.url.length));
    await expect.poll(() => again.locator('.cm-line').first().textContent()).toBe('# shared by e2e');
    expect(await again.getByRole('tab', { name: 'iptables-save -c' }).getAttribute('aria-selected')).toBe('true');
    expect(await again.locator('.packets li').nth(1).getAttribute('class')).toContain('selected');
    await expect.poll(() => fates(again)).toHaveLength(3);
    await again.context().close();
  });

  it('puts the last keystrokes into a link made right after typing', async () => {
    const page = await open();
    await expect.poll(() => fates(page)).toHaveLength(3);
    await page.locator('.cm-line').first().click();
    await page.keyboard.press('Home');
    await page.keyboard.type('# typed just now\n');
    await page.getByRole('button', { name: 'Share link' }).click();
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#v1\./);
    const state = await decodeShareLink(new URL(page.url()).hash);
    expect(state.rules.split('\n')[0]).toBe('# typed just now');
    await page.context().close();
  });

  it('keeps working after a corrupt link, and says why', async () => {
    const page = await open('#v1.this-is-not-deflate');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/could not be opened: the link is damaged/);
    await expect.poll(() => fates(page)).toHaveLength(3);
    await page.locator('.packet').waitFor();
    await page.context().close();
  });

  it('has a compact embed view of the same playground', async () => {
    const page = await open('?embed');
    await page.locator('.packet').waitFor();
    expect(await page.locator('.cm-editor').count()).toBe(0);
    expect(await page.locator('.steps li').count()).toBeGreaterThan(2);
    expect(await page.getByRole('link', { name: /Open in nfplay/ }).getAttribute('href')).not.toContain('embed');
    await page.locator('.chip').nth(1).click();
    expect(await page.locator('.steps [aria-current="step"]').textContent()).toMatch(/Dropped/);
    await page.context().close();

    // Options: the ruleset beside the diagram, not editable.
    const withEditor = await open('?embed&editor&readonly');
    await withEditor.locator('.packet').waitFor();
    expect(await withEditor.locator('.cm-content').getAttribute('contenteditable')).toBe('false');
    expect(await withEditor.locator('.cm-deciding-rule').textContent()).toContain('--dport 22');
    await withEditor.context().close();
  });

  it('opens a scenario file from the picker and a ruleset dropped on the page', async () => {
    const page = await open();
    await expect.poll(() => fates(page)).toHaveLength(3);
    const scenario = { host: { interfaces: [{ name: 'eth0', addresses: ['192.0.2.1/24'] }] }, rules: '-P INPUT DROP\n', packets: [{ from: 'eth0', src: '192.0.2.9', dst: '192.0.2.1', proto: 'udp', sport: 5000, dport: 53 }] };
    await page.locator('input[type=file]').setInputFiles({ name: 'scenario.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) });
    await expect.poll(() => fates(page)).toEqual(['dropped']);
    await page.locator('.cm-content').evaluate((el) => {
      const data = new DataTransfer();
      data.items.add(new File(['-P INPUT ACCEPT\n'], 'rules.sh', { type: 'text/plain' }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => page.locator('.cm-content').textContent()).toBe('-P INPUT ACCEPT');
    await expect.poll(() => fates(page)).toEqual(['delivered']);
    await page.context().close();
  });

  it('keeps the work in local storage across a reload', async () => {
    const page = await open();
    const saved = () => page.evaluate(() => localStorage.getItem('nfplay:work') ?? '');
    await expect.poll(saved).toMatch(/^v1\./);
    const before = await saved();
    await page.locator('.cm-line').first().click();
    await page.keyboard.press('Home');
    await page.keyboard.type('# kept\n');
    await expect.poll(saved).not.toBe(before);
    await page.goto(session.url);
    await expect.poll(() => page.locator('.cm-line').first().textContent()).toBe('# kept');
    await page.context().close();
  });

  it('works offline after the first visit', async () => {
    const page = await open();
    await expect.poll(() => fates(page)).toHaveLength(3);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    await expect.poll(() => fates(page)).toHaveLength(3);
    await page.context().setOffline(true);
    await page.reload();
    await expect.poll(() => fates(page)).toHaveLength(3);
    await page.context().close();
  });

  it('ran without page errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
