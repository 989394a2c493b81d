// Steps of the packets the host generates (a REJECT's TCP reset, a TEE copy) explained like the packet's
// own. The scenario: a SYN to 8443 passes over the SSH rule and meets `REJECT --reject-with tcp-reset`;
// the reset is RELATED to the SYN's connection, and OUTPUT lets out ESTABLISHED only, so the client never
// hears it. Worker side: explainNftStep with a generated index, in both modes, and the iptables run's own
// explanation of the reset's steps. In Chromium: the reset's steps in the iptables Steps view and in the
// nftables preview's simulation, each opened for why the rules before it did not match.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Scenario } from '../../src/engine/model/scenario';
import { encodeShareLink } from '../../src/share/share-link';
import { api } from '../../src/worker/api';
import { hasChromium } from './site';
import { playgroundSession } from './session';

const HOST: Scenario['host'] = { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }], routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }] };

const FILTER = [
  '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT DROP [0:0]',
  '-A INPUT -p tcp --dport 22 -j ACCEPT',
  '-A INPUT -p tcp -j REJECT --reject-with tcp-reset',
  '-A OUTPUT -p udp --dport 53 -j ACCEPT',
  '-A OUTPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT',
  'COMMIT', '',
];

const SYN = { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 8443, flags: ['SYN'] } as const;

const RESET: Scenario = { version: 1, host: HOST, rules: FILTER.join('\n'), packets: [{ ...SYN, flags: [...SYN.flags] }] };

/// The same, with every such SYN copied to a monitor first (TEE in mangle PREROUTING): two generated
/// packets, the copy (untracked) and the reset (related), both dropped by OUTPUT.
const COPIED: Scenario = {
  ...RESET,
  rules: [
    '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    '-A PREROUTING -p tcp --dport 8443 -j TEE --gateway 203.0.113.2', 'COMMIT', ...FILTER,
  ].join('\n'),
};

async function explained(id: number, packet: number, generated: number | null, step: number): Promise<string[]> {
  const a = await api.explainNftStep(id, { packet, generated, step });
  if ('gone' in a) throw new Error('gone');
  return a.skipped.map((k) => `${k.rule}: ${k.why} (line ${k.line})`);
}

describe('generated packets, worker side', () => {
  it('the iptables run explains the reset\'s steps as it does the packet\'s', () => {
    const run = api.run(RESET);
    const [p] = run.packets;
    expect([p.fate, p.trace.map((s) => [s.chain, s.rule, s.verdict, s.skipped])]).toEqual(['rejected', [['INPUT', 2, 'REJECT', [{ rule: 1, why: 'dport 8443 is not 22' }]]]]);
    expect(p.generated?.map((g) => [g.what, g.fate, g.ctState, g.trace.map((s) => [s.chain, s.rule, s.verdict, s.skipped])])).toEqual([
      ['tcp RST,ACK', 'dropped', 'RELATED', [['OUTPUT', null, 'policy:DROP', [{ rule: 1, why: 'protocol is tcp, not udp' }, { rule: 2, why: 'state RELATED is not in ESTABLISHED' }]]]],
    ]);
  });

  it('explains a step of the reset, in either mode, and marks the step that decided it', async () => {
    // The lines of the rules in each translation (the preview's): INPUT's first, OUTPUT's two.
    const want = {
      idiomatic: { line: 7, reset: ['1: the packet is tcp, not udp (line 15)', '2: ct state related is not established (line 16)'] },
      compat: { line: 6, reset: ['1: the packet is tcp, not udp (line 8)', '2: ct state related is not established (line 9)'] },
    };
    for (const mode of ['idiomatic', 'compat'] as const) {
      const s = await api.simulateTranslation(mode, RESET);
      expect([s.error, s.nftErrors, s.differing], mode).toEqual([null, [], 0]);
      const { nft } = s.packets[0];
      expect(nft.steps.map((k) => `${k.chain} ${k.rule} ${k.verdict}`), mode).toEqual(['INPUT 2 REJECT']);
      expect(nft.generated.map((g) => [g.what, g.fate, g.steps.map((k) => `${k.chain} ${k.rule ?? ''} ${k.verdict}`), g.decided]), mode).toEqual([
        ['tcp RST,ACK', 'dropped', ['OUTPUT  policy:DROP'], 0],
      ]);
      // The reset's step, and the packet's own beside it: each gets the rules of its own chain.
      expect(await explained(s.id, 0, 0, 0), mode).toEqual(want[mode].reset);
      expect(await explained(s.id, 0, null, 0), mode).toEqual([`1: tcp dport 8443 is not 22 (line ${want[mode].line})`]);
    }
  });

  it('two generated packets: the index picks the one explained', async () => {
    const s = await api.simulateTranslation('idiomatic', COPIED);
    expect([s.error, s.differing]).toEqual([null, 0]);
    const { nft } = s.packets[0];
    expect(nft.generated.map((g) => [g.what, g.fate, g.steps.map((k) => `${k.chain} ${k.verdict}`)])).toEqual([
      ['copy to 203.0.113.2', 'dropped', ['OUTPUT policy:DROP']],
      ['tcp RST,ACK', 'dropped', ['OUTPUT policy:DROP']],
    ]);
    expect(await explained(s.id, 0, 0, 0)).toEqual(['1: the packet is tcp, not udp (line 23)', '2: ct state untracked is not established (line 24)']);
    expect(await explained(s.id, 0, 1, 0)).toEqual(['1: the packet is tcp, not udp (line 23)', '2: ct state related is not established (line 24)']);
    await expect(api.explainNftStep(s.id, { packet: 0, generated: 2, step: 0 })).rejects.toThrow("no step 1 in packet 1's generated packet 3");
  });
});

describe.skipIf(!hasChromium)('generated packets in Chromium', () => {
  const session = playgroundSession();
  const { problems } = session;

  it('a TCP reset\'s steps: passed-over rules in the Steps view, and in the nft simulation on a click', async () => {
    const link = await encodeShareLink({ ...RESET, packets: [] });
    const page = await session.open('#' + link, { viewport: { width: 1280, height: 900 } });
    // Send the SYN from the form: eth0, 198.51.100.7:40000 → the host, SYN by default.
    const form = page.locator('form.packet-form');
    await form.getByLabel('dport').fill('8443');
    await form.getByRole('button', { name: 'Add packet' }).click();
    await page.getByRole('tab', { name: 'Verdicts' }).click();
    const reset = page.locator('.verdicts tr.generated');
    await expect.poll(() => reset.locator('td').allTextContents()).toEqual(['', '↳ tcp RST,ACK', 'RELATED', 'dropped', 'filter OUTPUT policy DROP']);

    // iptables: the reset, followed step by step, shows the rules of OUTPUT it passed over.
    await reset.getByRole('button', { name: '↳ tcp RST,ACK' }).click();
    expect(await page.locator('.caption').textContent()).toMatch(/Packet 1\s*↳ tcp RST,ACK, generated by the host\s*dropped/);
    await page.getByRole('tab', { name: 'Steps' }).click();
    await page.getByRole('button', { name: 'First step' }).click();
    for (let i = 0; i < 10 && !(await page.locator('.row.current[data-row="OUTPUT/filter"]').count()); i++)
      await page.getByRole('button', { name: 'Step forward' }).click();
    const detail = page.locator('.detail');
    expect(await detail.locator('dd.verdict').textContent()).toBe('policy DROP');
    expect(await detail.locator('.skipped li').allTextContents()).toEqual(['OUTPUT 1 protocol is tcp, not udp', 'OUTPUT 2 state RELATED is not in ESTABLISHED']);

    // nftables: the packet's row opens its trace, the reset's steps listed under it, each a button.
    await page.getByRole('tab', { name: 'nftables' }).click();
    const sim = page.locator('.nft-sim');
    await expect.poll(() => sim.locator('.same').textContent(), { timeout: 15_000 }).toMatch('The packet ends the same with this translation');
    await sim.locator('tbody tr[data-packet="1"] button.why').click();
    const row = sim.locator('tbody tr.opened');
    const group = row.getByRole('group', { name: 'tcp RST,ACK, sent by the host' });
    expect(await group.locator('.gen-head').textContent()).toBe('+ tcp RST,ACK: dropped');
    const step = group.getByRole('button', { name: 'filter OUTPUT policy DROP' });
    expect(await group.locator('li.decided').count()).toBe(1);
    expect(await step.getAttribute('aria-expanded')).toBe('false');
    // The packet's own step is the one open (the row's "why"); the keyboard opens the reset's instead.
    const own = row.locator('ol.trace').first().getByRole('button', { name: 'filter INPUT #2 REJECT' });
    expect(await own.getAttribute('aria-expanded')).toBe('true');
    await step.focus();
    await page.keyboard.press('Enter');
    expect(await step.getAttribute('aria-expanded')).toBe('true');
    expect(await own.getAttribute('aria-expanded')).toBe('false');
    const opened = group.locator('.nft-step');
    const skips = opened.locator('.skipped button');
    await expect.poll(() => skips.evaluateAll((b) => b.map((x) => x.getAttribute('aria-label'))), { timeout: 10_000 }).toEqual([
      'OUTPUT rule 1, nft line 15: the packet is tcp, not udp',
      'OUTPUT rule 2, nft line 16: ct state related is not established',
    ]);
    expect(await opened.getAttribute('aria-label')).toBe('Step filter OUTPUT');
    expect(await opened.locator('dd.verdict').textContent()).toBe('policy DROP');
    expect(await skips.nth(1).locator('.written').textContent()).toBe('ct state established accept');
    expect(await skips.nth(1).locator('mark').textContent()).toBe('ct state established');
    expect(await row.locator('.nft-step').count()).toBe(1);
    // Focusing a passed-over rule lights its line in the translation.
    await skips.nth(1).focus();
    await expect.poll(() => page.locator('.nft .pane [data-out="15"]').getAttribute('class')).toMatch(/\blit\b/);
    await opened.screenshot({ path: '/tmp/nfplay-nft-generated-step.png' });
    await row.screenshot({ path: '/tmp/nfplay-nft-generated-row.png' });
    // Enter again closes it, and the row with it.
    await step.press('Enter');
    await expect.poll(() => sim.locator('tbody tr.opened').count()).toBe(0);
    await page.context().close();
  });

  it('in the callout of a packet that ends differently: the reset only nft sends, its step opened there', async () => {
    // A lone SYN-ACK is INVALID: iptables' --ctorigsrc lets it pass without a connection, nft's does not
    // (see nft-simulation.test.ts), so only nft reaches the REJECT and sends a reset.
    const rules = [
      '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT DROP [0:0]',
      '-A INPUT -m conntrack --ctstate INVALID --ctorigsrc 192.0.2.0/24 -j ACCEPT',
      '-A INPUT -p tcp -j REJECT --reject-with tcp-reset',
      '-A OUTPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT',
      'COMMIT', '',
    ].join('\n');
    const link = await encodeShareLink({ ...RESET, rules, packets: [{ ...SYN, flags: ['SYN', 'ACK'] }], ui: { view: 'nft', nft: 'compat' } });
    const page = await session.open('#' + link, { viewport: { width: 1280, height: 900 } });
    const item = page.locator('.nft-sim .callout li[data-packet="1"]');
    await item.waitFor({ timeout: 15_000 });
    const [ipt, nft] = [item.locator('.side').nth(0), item.locator('.side').nth(1)];
    expect(await ipt.locator('.generated').count()).toBe(0);
    expect(await nft.locator('.generated .gen-head').allTextContents()).toEqual(['+ tcp RST: dropped']);
    const step = nft.locator('.generated').getByRole('button', { name: 'filter OUTPUT policy DROP' });
    await step.click();
    await expect.poll(() => nft.locator('.generated .nft-step .skipped button').evaluateAll((b) => b.map((x) => x.getAttribute('aria-label'))), { timeout: 10_000 }).toEqual([
      'OUTPUT rule 1, nft line 8: ct state invalid is not established',
    ]);
    // Only that step is open: the packet's own REJECT step, just above, is not.
    expect(await nft.locator('[aria-expanded="true"]').count()).toBe(1);
    expect(await nft.locator('ol.trace').first().locator('button.step').getAttribute('aria-expanded')).toBe('false');
    await item.screenshot({ path: '/tmp/nfplay-nft-generated-callout.png' });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
