// The nftables preview's simulation: the scenario's packets through the translation shown, beside the
// iptables result. Worker side: every gallery example ends the same in both modes; a conntrack rule the
// translation gets wrong (compat) or leaves out (idiomatic) is reported with both traces and its cause.
// In Chromium: the calm "all the same" line on an example, and the difference callout on that scenario.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Scenario } from '../../src/engine/model/scenario';
import { checkEquivalence } from '../../src/nft/equivalence';
import { encodeShareLink } from '../../src/share/share-link';
import { EXAMPLES } from '../../src/ui/examples';
import { api } from '../../src/worker/api';
import { hasChromium } from './site';
import { playgroundSession } from './session';

/// A lone SYN-ACK is INVALID and has no connection: iptables' conntrack match then lets --ctorigsrc pass
/// (the kernel-recorded fact behind the idiomatic translator's refusal), while nft's `ct original saddr`
/// needs a connection and does not match.
const INVALID_ORIGSRC: Scenario = {
  version: 1,
  host: { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }], routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }] },
  rules: [
    '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]',
    '-A INPUT -m conntrack --ctstate INVALID --ctorigsrc 192.0.2.0/24 -j ACCEPT', 'COMMIT', '',
  ].join('\n'),
  packets: [
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] },
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40001, dport: 22, flags: ['SYN', 'ACK'] },
  ],
};

describe('nft simulation, worker side', () => {
  it('every gallery example ends the same through both translations', async () => {
    for (const ex of EXAMPLES)
      for (const mode of ['idiomatic', 'compat'] as const) {
        const s = await api.simulateTranslation(mode, ex.scenario);
        expect(s.error, `${ex.id} ${mode}`).toBeNull();
        expect([s.total, s.differing, s.nftErrors], `${ex.id} ${mode}`).toEqual([ex.fates.length, 0, []]);
        expect(s.packets.map((p) => p.iptables.fate), `${ex.id} ${mode}`).toEqual(ex.fates);
        expect(s.packets.map((p) => p.nft.fate), `${ex.id} ${mode}`).toEqual(ex.fates);
      }
  });

  it('agrees with checkEquivalence on the INVALID --ctorigsrc scenario', () => {
    const report = checkEquivalence(INVALID_ORIGSRC);
    const diffs = Object.fromEntries(report.modes.map((m) => [m.mode, m.differences.map((d) => [d.packet, d.aspects])]));
    expect(diffs).toEqual({ idiomatic: [[1, ['fate']]], compat: [[1, ['fate']]] });
    expect(report.modes.map((m) => [m.mode, m.complete])).toEqual([['idiomatic', false], ['compat', true]]);
  });

  it('compat: the SYN-ACK is accepted by iptables and dropped by the nft policy, both traces with their rules', async () => {
    const s = await api.simulateTranslation('compat', INVALID_ORIGSRC);
    expect([s.total, s.differing, s.untranslated]).toEqual([2, 1, 0]);
    const [syn, synack] = s.packets;
    expect(syn.aspects).toEqual([]);
    expect(synack.aspects).toEqual(['fate']);
    expect(synack.untranslated).toEqual([]);
    expect(synack.iptables.fate).toBe('delivered');
    expect(synack.iptables.steps).toEqual([
      { table: 'filter', chain: 'INPUT', rule: 1, verdict: 'ACCEPT', text: '-A INPUT -m conntrack --ctstate INVALID --ctorigsrc 192.0.2.0/24 -j ACCEPT', line: 5 },
    ]);
    expect(synack.nft.fate).toBe('dropped');
    expect(synack.nft.steps).toEqual([{ table: 'filter', chain: 'INPUT', rule: null, verdict: 'policy:DROP' }]);
    expect(synack.nft.decided).toBe(0);
  });

  it('idiomatic: the difference is put down to the rule left untranslated', async () => {
    const s = await api.simulateTranslation('idiomatic', INVALID_ORIGSRC);
    expect([s.differing, s.untranslated]).toEqual([1, 1]);
    expect(s.packets[1].untranslated).toEqual([5]);
    expect(s.packets[0].untranslated).toEqual([]);
  });

  it('nft steps carry their rule and its line in the translation', async () => {
    const ex = EXAMPLES.find((e) => e.id === 'web-server')!;
    const s = await api.simulateTranslation('compat', ex.scenario);
    const step = s.packets[0].nft.steps[s.packets[0].nft.decided!];
    expect(step).toMatchObject({ table: 'filter', chain: 'INPUT', verdict: 'ACCEPT' });
    expect(step.text).toMatch(/accept$/);
    const preview = await api.translate('compat', ex.scenario.rules, ex.scenario.sets);
    expect('lines' in preview && preview.lines[step.line! - 1]).toBe(`add rule ip filter INPUT ${step.text}`);
  });

  it('reports a ruleset with errors instead of comparing it', async () => {
    const s = await api.simulateTranslation('idiomatic', { ...INVALID_ORIGSRC, rules: '*filter\n-A INPUT -p tcp --dport nope -j ACCEPT\nCOMMIT\n' });
    expect([s.iptablesErrors, s.packets.length, s.error]).toEqual([1, 0, null]);
  });
});

describe.skipIf(!hasChromium)('nft simulation in Chromium', () => {
  const session = playgroundSession();
  const { problems } = session;

  const open = (suffix = '', colorScheme: 'light' | 'dark' = 'light'): Promise<Page> =>
    session.open(suffix, { viewport: { width: 1280, height: 900 }, colorScheme });

  const sim = (page: Page) => page.locator('.nft-sim');

  it('an example: all its packets end the same, in either mode', async () => {
    const page = await open();
    const ex = EXAMPLES.find((e) => e.id === 'nat-gateway')!;
    await page.getByRole('button', { name: 'Examples…' }).click();
    await page.locator(`.gallery [data-example="${ex.id}"]`).click();
    await expect.poll(() => page.locator('.packets li .fate').allTextContents()).toEqual(ex.fates);
    await page.getByRole('tab', { name: 'nftables' }).click();
    const same = sim(page).locator('.same');
    await expect.poll(() => same.textContent(), { timeout: 15_000 }).toMatch(`All ${ex.fates.length} packets end the same with this translation`);
    expect(await sim(page).locator('h3').textContent()).toBe('Packets through nftables · idiomatic');
    // One row per packet, both sides with the same fates; a NATed packet shows the header it left with.
    expect(await sim(page).locator('tbody tr').count()).toBe(ex.fates.length);
    expect(await sim(page).locator('tbody tr td:nth-child(3) > .fate').allTextContents()).toEqual(ex.fates);
    expect(await sim(page).locator('tbody tr td:nth-child(4) > .fate').allTextContents()).toEqual(ex.fates);
    expect(await sim(page).locator('tbody .nat').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: /^compat/ }).click();
    await expect.poll(() => sim(page).locator('h3').textContent()).toBe('Packets through nftables · compat');
    await expect.poll(() => same.textContent()).toMatch(`All ${ex.fates.length} packets end the same`);
    await page.screenshot({ path: '/tmp/nfplay-nft-sim-same.png', fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a big ruleset waits for a click before simulating', async () => {
    const drops = Array.from({ length: 5200 }, (_, i) => `-A INPUT -s 10.${i >> 8}.${i & 255}.1/32 -j DROP`);
    const rules = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...drops, 'COMMIT', ''].join('\n');
    const link = await encodeShareLink({ ...INVALID_ORIGSRC, rules, ui: { view: 'nft' } });
    const page = await open('#' + link);
    const ask = sim(page).getByRole('button', { name: 'Simulate 2 packets through the translation' });
    await ask.waitFor({ timeout: 20_000 });
    expect(await sim(page).locator('.ask').textContent()).toMatch(/^\s*5,205 lines of rules/);
    expect(await sim(page).locator('table').count()).toBe(0);
    await ask.click();
    await expect.poll(() => sim(page).locator('.same').textContent(), { timeout: 20_000 }).toMatch('All 2 packets end the same with this translation');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  for (const scheme of ['light', 'dark'] as const)
    it(`a translation that differs: the callout names the packet, both traces and the cause (${scheme})`, async () => {
      const link = await encodeShareLink({ ...INVALID_ORIGSRC, ui: { view: 'nft', nft: 'compat', packet: 1 } });
      const page = await open('#' + link, scheme);
      const callout = sim(page).locator('.callout');
      await callout.waitFor({ timeout: 15_000 });
      expect(await callout.locator('.title strong').textContent()).toBe('1 packet ends differently with this translation');
      const item = callout.locator('li[data-packet="2"]');
      expect(await item.locator('p').first().textContent()).toMatch(/Packet 2 · eth0 tcp 198\.51\.100\.7:40001 → 203\.0\.113\.10:22 SYN,ACK:\s*fate differs\./);
      // Both traces, with the step that decided: iptables' rule at line 5, the nft chain's policy.
      const [ipt, nft] = [item.locator('.side').nth(0), item.locator('.side').nth(1)];
      expect(await ipt.locator('h4 .fate').first().textContent()).toBe('delivered');
      expect(await ipt.locator('li.decided').textContent()).toMatch(/filter INPUT #1 ACCEPT\s*-A INPUT -m conntrack --ctstate INVALID --ctorigsrc 192\.0\.2\.0\/24 -j ACCEPT\s*line 5/);
      expect(await nft.locator('h4 .fate').first().textContent()).toBe('dropped');
      expect((await nft.locator('li.decided').textContent())?.trim()).toBe('filter INPUT policy DROP');
      expect(await item.locator('.cause').count()).toBe(0);
      // The table marks the row that differs, and only that one.
      expect(await sim(page).locator('tbody tr.differs').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-packet')))).toEqual(['2']);
      await page.screenshot({ path: `/tmp/nfplay-nft-sim-diff-${scheme}.png`, fullPage: true });
      // Idiomatic leaves the rule out (flagged above): the difference says so.
      await page.getByRole('button', { name: 'idiomatic' }).click();
      await expect.poll(() => sim(page).locator('h3').textContent()).toBe('Packets through nftables · idiomatic');
      await expect.poll(() => callout.locator('li[data-packet="2"] .cause').textContent()).toBe('Likely cause: the iptables rule at line 5 matched it and is not translated.');
      expect(await page.locator('.nft [data-src="5"].failed').count()).toBe(1);
      expect(problems).toEqual([]);
      await page.context().close();
    });
});
