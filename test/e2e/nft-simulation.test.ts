// The nftables preview's simulation: the scenario's packets through the translation shown, beside the
// iptables result. Worker side: every gallery example ends the same in both modes; a conntrack rule the
// translation gets wrong (compat) or leaves out (idiomatic) is reported with both traces and its cause.
// In Chromium: the calm "all the same" line on an example, and the difference callout on that scenario.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Scenario } from '../../src/engine/model/scenario';
import { checkEquivalence } from '../../src/nft/equivalence';
import { decodeShareLink, encodeShareLink } from '../../src/share/share-link';
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

/// SSH and web open, pings limited to one a minute, the rest dropped by the policy.
const LIMITED: Scenario = {
  version: 1,
  host: INVALID_ORIGSRC.host,
  rules: [
    '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]',
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    '-A INPUT -p tcp -m multiport --dports 22,80 -j ACCEPT',
    '-A INPUT -p icmp -m limit --limit 1/minute --limit-burst 1 -j ACCEPT',
    'COMMIT', '',
  ].join('\n'),
  packets: [
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 8443, flags: ['SYN'] },
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'icmp', icmpType: 8 },
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'icmp', icmpType: 8 },
  ],
};

/// The same firewall as a shell script of nft commands.
const SCRIPT = `#!/bin/sh
set -e
nft add table inet filter
nft 'add chain inet filter input { type filter hook input priority 0; policy drop; }'
nft add rule inet filter input iifname lo accept
nft add rule inet filter input ct state established,related accept
nft add rule inet filter input tcp dport { 22, 80 } accept   # ssh, web
nft add rule inet filter input \\
    icmp type echo-request limit rate 1/minute accept
`;

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

  it('explains the step asked for: each rule passed over, its failed statement, and where the translation has it', async () => {
    const s = await api.simulateTranslation('idiomatic', LIMITED);
    expect([s.source, s.differing]).toEqual(['translation', 0]);
    expect(s.packets.map((p) => p.nft.steps.map((k) => `${k.chain} ${k.rule ?? k.verdict}`))).toEqual([['INPUT policy:DROP'], ['INPUT 4'], ['INPUT policy:DROP']]);
    const why = await api.explainNftStep(s.id, { packet: 0, generated: null, step: 0 });
    if ('gone' in why) throw new Error('gone');
    expect(why.skipped.map(({ rule, why, line, parts }) => ({ rule, why, line, parts }))).toEqual([
      { rule: 1, why: 'iifname "eth0" is not "lo"', line: 7, parts: ['', 'iifname "lo"', ' accept'] },
      { rule: 2, why: 'ct state new is not in related,established', line: 8, parts: ['', 'ct state related,established', ' accept'] },
      { rule: 3, why: 'tcp dport 8443 is not in { 22, 80 }', line: 9, parts: ['', 'tcp dport { 22, 80 }', ' accept'] },
      { rule: 4, why: 'ip protocol tcp is not icmp', line: 10, parts: ['', 'ip protocol icmp', ' limit rate 1/minute burst 1 packets accept'] },
    ]);
    // The lines are the preview's: each holds the rule it names.
    const preview = await api.translate('idiomatic', LIMITED.rules, LIMITED.sets);
    if (!('lines' in preview)) throw new Error('no translation');
    expect(why.skipped.map((k) => preview.lines[k.line! - 1].trim())).toEqual(why.skipped.map((k) => k.parts!.join('')));
    expect(why.skipped[2].span).toEqual({ line: 9, column: 3, endLine: 9, endColumn: 23 });
  });

  it('explaining never runs a limit again: the third ping meets an empty bucket however often it is asked', async () => {
    const s = await api.simulateTranslation('compat', LIMITED);
    expect(s.packets.map((p) => p.nft.fate)).toEqual(['dropped', 'delivered', 'dropped']);
    const ask = async (packet: number) => {
      const a = await api.explainNftStep(s.id, { packet, generated: null, step: s.packets[packet].nft.decided! });
      if ('gone' in a) throw new Error('gone');
      return a.skipped.map((k) => `${k.rule}: ${k.why}`);
    };
    const third = ['1: iifname "eth0" is not "lo"', '2: ct state new is not in related,established', '3: ip protocol icmp is not tcp', '4: limit rate 1/minute burst 1 packets: over the rate, the bucket is empty'];
    expect(await ask(2)).toEqual(third);
    // The second ping took the token: the rules before the limit rule are all it passed over.
    expect(await ask(1)).toEqual(third.slice(0, 3));
    expect(await ask(2)).toEqual(third);
    // A newer simulation: the old one's steps are gone.
    const t = await api.simulateTranslation('compat', LIMITED);
    expect(await api.explainNftStep(s.id, { packet: 2, generated: null, step: 0 })).toEqual({ gone: true });
    expect(t.id).not.toBe(s.id);
  });

  it('explains steps across a jump: each step gets the rules of its own chain it passed over since the step before', async () => {
    const rules = [
      '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':SVC - [0:0]',
      '-A INPUT -p udp -j ACCEPT', '-A INPUT -p tcp -j SVC', '-A INPUT -s 10.0.0.0/8 -j ACCEPT',
      '-A SVC -p tcp --dport 22 -j ACCEPT', '-A SVC -p tcp --dport 80 -j ACCEPT', '-A SVC -p tcp --dport 25 -j REJECT', 'COMMIT', '',
    ].join('\n');
    const s = await api.simulateTranslation('compat', { ...LIMITED, rules, packets: LIMITED.packets.slice(0, 1) });
    const nft = s.packets[0].nft;
    expect(nft.steps.map((k) => `${k.chain} ${k.rule ?? ''} ${k.verdict}`)).toEqual(['INPUT 2 JUMP:SVC', 'SVC  return', 'INPUT  policy:DROP']);
    const why = await Promise.all(nft.steps.map(async (_, step) => {
      const a = await api.explainNftStep(s.id, { packet: 0, generated: null, step });
      return 'gone' in a ? a : a.skipped.map((k) => `${k.rule}: ${k.why}`);
    }));
    expect(why).toEqual([
      ['1: ip protocol tcp is not udp'],
      ['1: tcp dport 8443 is not 22', '2: tcp dport 8443 is not 80', '3: tcp dport 8443 is not 25'],
      ['3: ip saddr 198.51.100.7 is not in 10.0.0.0/8'],
    ]);
  });

  it('a long chain: the first 50 rules passed over are explained, the rest counted', async () => {
    const drops = Array.from({ length: 300 }, (_, i) => `-A INPUT -s 10.0.${i >> 8}.${i & 255}/32 -j DROP`);
    const rules = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...drops, 'COMMIT', ''].join('\n');
    const s = await api.simulateTranslation('compat', { ...LIMITED, rules, packets: LIMITED.packets.slice(0, 1) });
    expect(s.packets[0].nft.steps).toEqual([{ table: 'filter', chain: 'INPUT', rule: null, verdict: 'policy:ACCEPT' }]);
    const a = await api.explainNftStep(s.id, { packet: 0, generated: null, step: 0 });
    if ('gone' in a) throw new Error('gone');
    expect([a.total, a.skipped.length]).toEqual([300, 50]);
    expect(a.skipped.slice(-1).map((k) => [k.rule, k.why, k.line])).toEqual([[50, 'ip saddr 198.51.100.7 is not 10.0.0.49', 55]]);
  });

  it('a scenario with its own nft shell script: the packets go through it, and its steps point at the script', async () => {
    const s = await api.simulateTranslation('idiomatic', { ...LIMITED, nft: SCRIPT });
    // nft's limit without a burst lets 5 packets through at once: the third ping passes, unlike iptables'.
    expect([s.source, s.nftErrors, s.untranslated, s.differing]).toEqual(['scenario', [], 0, 1]);
    expect(s.packets.map((p) => [p.iptables.fate, p.nft.fate, p.aspects])).toEqual([['dropped', 'dropped', []], ['delivered', 'delivered', []], ['dropped', 'delivered', ['fate']]]);
    expect(s.packets[1].nft.steps).toEqual([{ table: 'filter', chain: 'input', rule: 4, verdict: 'ACCEPT', text: 'icmp type echo-request limit rate 1/minute accept', line: 9 }]);
    const why = await api.explainNftStep(s.id, { packet: 0, generated: null, step: 0 });
    if ('gone' in why) throw new Error('gone');
    expect(why.skipped.map(({ rule, why, line, span }) => [rule, why, line, span?.column])).toEqual([
      [1, 'iifname "eth0" is not lo', 5, 32],
      [2, 'ct state new is not in established,related', 6, 32],
      [3, 'tcp dport 8443 is not in { 22, 80 }', 7, 32],
      [4, 'the packet is tcp, not icmp', 9, 5],
    ]);
    expect(why.skipped[2].parts).toEqual(['', 'tcp dport { 22, 80 }', ' accept']);
    // A script error is reported with its line and column, as the playground lists it.
    const bad = await api.simulateTranslation('idiomatic', { ...LIMITED, nft: SCRIPT.replace('policy drop;', 'policy maybe;') });
    expect(bad.nftErrors).toEqual(['line 4, column 78: policy must be accept or drop, not "maybe" (set -e: the script stops here)']);
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

  it('a click on an nft step says why each rule before it did not match, and lights that rule in the translation', async () => {
    const link = await encodeShareLink({ ...INVALID_ORIGSRC, ui: { view: 'nft', nft: 'compat', packet: 1 } });
    const page = await open('#' + link);
    const item = sim(page).locator('.callout li[data-packet="2"]');
    await item.waitFor({ timeout: 15_000 });
    // Keyboard: the nft step is a button that opens its explanation, asked of the worker now.
    const step = item.locator('.side').nth(1).getByRole('button', { name: 'filter INPUT policy DROP' });
    expect(await step.getAttribute('aria-expanded')).toBe('false');
    await step.focus();
    await page.keyboard.press('Enter');
    const detail = item.locator('.nft-step');
    const skip = detail.locator('.skipped button');
    await expect.poll(() => skip.count(), { timeout: 10_000 }).toBe(1);
    expect(await step.getAttribute('aria-expanded')).toBe('true');
    expect(await detail.locator('dd.verdict').textContent()).toBe('policy DROP');
    expect(await skip.getAttribute('aria-label')).toBe('INPUT rule 1, nft line 6: the packet has no connection (ct state invalid)');
    expect(await skip.locator('.why').textContent()).toBe('the packet has no connection (ct state invalid)');
    // The statement that failed, marked in the rule as written.
    expect(await skip.locator('.written').textContent()).toBe('ct state invalid ct original saddr 192.0.2.0/24 counter accept');
    expect(await skip.locator('mark').textContent()).toBe('ct original saddr 192.0.2.0/24');
    // Hover (or focus) lights its line in the translation's pane.
    const line = page.locator('.nft .pane [data-out="5"]');
    expect(await line.textContent()).toMatch(/add rule ip filter INPUT ct state invalid ct original saddr 192\.0\.2\.0\/24 counter accept/);
    await skip.hover();
    await expect.poll(() => line.getAttribute('class')).toMatch(/\blit\b/);
    // The table: the deciding step of packet 1 opens its row with the nft trace and the explanation.
    await page.mouse.move(0, 0);
    const why = sim(page).locator('tbody tr[data-packet="1"] button.why');
    expect(await why.textContent()).toBe('filter INPUT policy DROP');
    await why.click();
    const row = sim(page).locator('tbody tr.opened');
    await expect.poll(() => row.locator('.skipped .why').allTextContents(), { timeout: 10_000 }).toEqual(['ct state new is not invalid']);
    expect(await row.locator('.skipped mark').textContent()).toBe('ct state invalid');
    // Closing it again (Enter on the step button in the row's trace).
    await row.getByRole('button', { name: 'filter INPUT policy DROP' }).press('Enter');
    await expect.poll(() => sim(page).locator('tbody tr.opened').count()).toBe(0);
    await expect.poll(() => item.locator('.nft-step').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a pasted shell script of nft commands is simulated instead of the translation, lines and all', async () => {
    const link = await encodeShareLink({ ...LIMITED, ui: { view: 'nft' } });
    const page = await open('#' + link);
    await expect.poll(() => sim(page).locator('.same').textContent(), { timeout: 15_000 }).toMatch('All 3 packets end the same with this translation');
    await sim(page).locator('details.own summary').click();
    await sim(page).locator('details.own textarea').fill(SCRIPT);
    await sim(page).getByRole('button', { name: 'Simulate it' }).click();
    await expect.poll(() => sim(page).locator('h3').textContent(), { timeout: 15_000 }).toBe('Packets through your nftables ruleset');
    // nft's limit has a burst of 5 unless told: the third ping passes there, not in iptables.
    const callout = sim(page).locator('.callout');
    await expect.poll(() => callout.locator('.title strong').textContent()).toBe('1 packet ends differently with your ruleset');
    expect(await sim(page).locator('tbody tr td:nth-child(4) > .fate').allTextContents()).toEqual(['dropped', 'delivered', 'delivered']);
    // Its lines are shown here; the first packet's step explains itself against them.
    expect(await sim(page).locator('.own-pane .own-line').count()).toBe(SCRIPT.split('\n').length);
    await sim(page).locator('tbody tr[data-packet="1"] button.why').click();
    const skips = sim(page).locator('tbody tr.opened .skipped button');
    await expect.poll(() => skips.evaluateAll((b) => b.map((x) => x.getAttribute('aria-label'))), { timeout: 10_000 }).toEqual([
      'input rule 1, your nft line 5: iifname "eth0" is not lo',
      'input rule 2, your nft line 6: ct state new is not in established,related',
      'input rule 3, your nft line 7: tcp dport 8443 is not in { 22, 80 }',
      'input rule 4, your nft line 9: the packet is tcp, not icmp',
    ]);
    await skips.nth(2).focus();
    await expect.poll(() => sim(page).locator('.own-pane .own-line.lit').getAttribute('data-line')).toBe('7');
    // The script travels in the address: a reload simulates it again.
    const hash = () => page.evaluate(() => location.hash);
    await expect.poll(async () => (await decodeShareLink((await hash()).slice(1))).nft, { timeout: 10_000 }).toBe(SCRIPT);
    const again = await open(await hash());
    await expect.poll(() => sim(again).locator('h3').textContent(), { timeout: 15_000 }).toBe('Packets through your nftables ruleset');
    expect(await sim(again).locator('details.own textarea').inputValue()).toBe(SCRIPT);
    await sim(again).getByRole('button', { name: 'Back to the translation' }).click();
    await expect.poll(() => sim(again).locator('h3').textContent(), { timeout: 15_000 }).toBe('Packets through nftables · idiomatic');
    expect(problems).toEqual([]);
    await again.context().close();
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
