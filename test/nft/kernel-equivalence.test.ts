// Kernel-recorded equivalence of translations (issue 4, "Truth"): every twin in test/kernel/cases/nft-equiv
// is an iptables case of test/kernel/cases with its rules replaced by nfplay's nftables translation, recorded
// by the same kernel. Its packets must meet the same fate (egress, final header, conntrack state, the packets
// the host generated) as with the original rules; and its nft text must be what the translator prints today,
// or the recording proves nothing about the current translator.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translateCommand } from '../../src/cli/translate';
import type { Scenario } from '../../src/engine/model/scenario';
import type { Header, PacketResult } from '../../src/engine/model/trace';

const CASES = join(__dirname, '../kernel/cases');
const TWINS = join(CASES, 'nft-equiv');
const REDO = 'the translation changed: re-run the generator and recorder (python3 tools/recorder/cases/generate.py nft_equiv; ' +
  'sudo /usr/bin/python3 tools/recorder/record.py -j 2 test/kernel/cases/nft-equiv)';

type Mode = 'idiomatic' | 'compat';

interface Recorded {
  packets: (PacketResult & { sendError?: string })[];
  counters: string;
}

interface KernelCase {
  description: string;
  scenario: Scenario & { randomDraws?: number[] };
  kernel?: Recorded;
  random?: string[];
  origin?: string;
  translation?: Mode;
  /// Why the case has no twin (tools/recorder/cases/modules_more.py says, per case).
  noTwin?: string;
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as KernelCase;

/// What a packet came to: the fixed fields of DESIGN.md section 3 that do not name rules, since a
/// translation may number, merge or leave out rules and chains.
function fates(k: Recorded) {
  const header = (h: Header | null) => h && { ...h };
  const one = (p: PacketResult & { sendError?: string; what?: string }): unknown => ({
    ...(p.what !== undefined ? { what: p.what } : {}),
    fate: p.fate,
    out: p.out,
    ctState: p.ctState,
    final: header(p.final),
    ...(p.sendError ? { sendError: p.sendError } : {}),
    generated: (p.generated ?? []).map(one),
  });
  return k.packets.map(one);
}

/// Fate differences the kernel shows between an original and its translation, each a translator limit
/// reported to the lead: per packet index, the fate with iptables and with nft (and of what it generated).
/// Every other packet, and every other field, must still agree.
const KNOWN: Record<string, { packets: Record<number, [string, string]>; why: string }> = {};
const known = (names: string[], packets: Record<number, [string, string]>, why: string) => names.forEach((n) => (KNOWN[n] = { packets, why }));
// Compat keeps iptables-translate's line for these; the idiomatic translation refuses them (no twin).
const compat = (name: string) => [`compat-${name}`];
known(compat('matches-owner-uid-negated'), { 0: ['rejected, generated rejected', 'rejected, generated delivered'] },
  '`! --uid-owner 0` matches a packet without a socket (REJECT\'s own ICMP error in OUTPUT); `meta skuid != 0` never does');
known(compat('nft-origins-owner-negated-postrouting-forwarded'), { 0: ['dropped', 'forwarded'] },
  '`! --uid-owner 0` matches a forwarded packet in POSTROUTING (no socket); `meta skuid != 0` never does');
known(compat('nft-origins-tcpmss-negated-no-option'), { 0: ['dropped', 'delivered'] },
  '`! --mss 1460` matches a SYN without an MSS option; `tcp option maxseg size != 1460` needs the option');
known(['compat-nft-origins-security-after-nat-input'], { 0: ['dropped', 'delivered'] },
  'compat keeps iptables-translate\'s security priority 50, before nat INPUT (100); iptables-nft registers 150');
// Compat keeps these lines of iptables-translate with a `# nfplay:` note; the idiomatic twins agree.
const SHORT = (what: string, n: number) => `-m ${what} drops a packet whose header is shorter than ${n} bytes (hotdrop); nft's payload expression reads what is there or ends the rule`;
known(compat('modules-more-esp-short'), { 0: ['dropped', 'delivered'], 1: ['dropped', 'delivered'] }, SHORT('esp', 8));
known(compat('modules-more-ah-short'), { 0: ['dropped', 'delivered'], 1: ['dropped', 'delivered'] }, SHORT('ah', 12));
known(compat('modules-more-dccp-short-header'), { 0: ['dropped', 'delivered'] }, SHORT('dccp', 12));
known(compat('nft-origins-rpfilter-broadcast-source'), { 0: ['dropped', 'delivered'] },
  'rpfilter refuses a subnet broadcast source (its route is not unicast); `fib saddr . iif oif` finds the broadcast route\'s device');
known(compat('nft-origins-rpfilter-invert-broadcast-source'), { 0: ['dropped', 'delivered'] }, KNOWN['compat-nft-origins-rpfilter-broadcast-source'].why);
known(compat('nft-origins-synproxy-fin-ack-goes-on'), { 0: ['delivered', 'dropped'], 1: ['delivered', 'dropped'], 2: ['delivered', 'dropped, generated sent'] },
  '-j SYNPROXY takes a bare SYN or ACK only; nft\'s synproxy answers any SYN and drops any ACK without a cookie (FIN/ACK, RST/ACK)');

/// Compat twins run the same chains with the same rules in the same order, so the kernel's trace is the
/// iptables trace step for step (NETMAP shows as the DNAT or SNAT it becomes), except here.
const SECURITY = 'security chains at iptables-translate\'s priority 50 run before nat INPUT (100); iptables-nft registers them at 150';
const TRACE_KNOWN: Record<string, string> = {
  'compat-mangle-connmark-restore-output-local': 'CONNMARK --restore-mark matches an INVALID packet (no connection) and does nothing; ' +
    '`meta mark set ct mark` has no ct mark to read and does not match: the same mark, one trace step less',
  'compat-mangle-tcpmss-match-incoming': KNOWN['compat-nft-origins-tcpmss-negated-no-option'].why,
  'compat-mangle-tcpmss-no-option': 'TCPMSS --set-mss adds an MSS option (536) to a SYN without one; `tcp option maxseg size set` ' +
    'only rewrites an option that is there, so the later --mss rules do not match',
  'compat-nft-origins-owner-negated-postrouting-forwarded': KNOWN['compat-nft-origins-owner-negated-postrouting-forwarded'].why,
  'compat-nft-origins-tcpmss-negated-no-option': KNOWN['compat-nft-origins-tcpmss-negated-no-option'].why,
  'compat-matches-ctstate-invalid-tuple-unchecked': 'with no connection, xt_conntrack decides on --ctstate alone and ignores ' +
    '--ctorigsrc; nft\'s `ct original saddr` does not match a packet without one',
};
TRACE_KNOWN['compat-modules-more-synproxy-notrack-syn'] = `${KNOWN['compat-nft-origins-synproxy-fin-ack-goes-on'].why}: the INVALID FIN/ACK is dropped at the synproxy rule, not at the next one`;
for (const n of ['modules-more-esp-short', 'modules-more-ah-short', 'modules-more-dccp-short-header', 'nft-origins-rpfilter-broadcast-source',
  'nft-origins-rpfilter-invert-broadcast-source', 'nft-origins-synproxy-fin-ack-goes-on'])
  TRACE_KNOWN[`compat-${n}`] = KNOWN[`compat-${n}`].why;
for (const n of ['nat-snat-in-input', 'nft-origins-security-after-nat-input', 'tables-accept-ends-table-only', 'tables-all-tables-inbound',
  'tables-drop-in-raw', 'tables-nat-first-packet-only', 'tables-nat-new-unanswered', 'tables-policies-only-inbound'])
  TRACE_KNOWN[`compat-${n}`] = SECURITY;

const brief = (p: PacketResult) => [p.fate, ...(p.generated ?? []).map((g) => `generated ${g.fate}`)].join(', ');
const steps = (k: Recorded) => k.packets.map((p) => p.trace.map(({ table, chain, rule, verdict }) => ({ table, chain, rule, verdict })));

/// Iptables cases that get no twin, as the generator (tools/recorder/cases/nft_equiv.py) decides.
function unfit(c: KernelCase): boolean {
  const s = c.scenario;
  return !c.kernel || !!s.sets && Object.keys(s.sets).length > 0 || !!s.randomDraws?.length || (s.rules ?? '').includes('-m statistic') ||
    !!c.random?.length || !!c.noTwin;
}

const twinFiles = readdirSync(TWINS).filter((f) => f.endsWith('.json')).sort();
const twins = new Map(twinFiles.map((f) => [f.replace(/\.json$/, ''), read(join(TWINS, f))]));
const origins = new Map<string, KernelCase>();
// nft-origins: iptables cases written for their twins (tools/recorder/cases/nft_origins.py).
for (const group of readdirSync(CASES).filter((g) => !g.startsWith('nft-') || g === 'nft-origins').sort()) {
  for (const f of readdirSync(join(CASES, group)).filter((n) => n.endsWith('.json')).sort())
    origins.set(`${group}/${f.replace(/\.json$/, '')}`, read(join(CASES, group, f)));
}
const twinName = (origin: string, mode: Mode) => (mode === 'compat' ? 'compat-' : '') + origin.replace('/', '-');
const translate = (rules: string, mode: Mode) => translateCommand(rules, 'rules', { compat: mode === 'compat', counters: false });

describe('kernel-recorded equivalence of nft translations', () => {
  it('has over 100 recorded twins of each translation, all recorded', () => {
    const byMode = (m: Mode) => [...twins.values()].filter((t) => t.translation === m && t.kernel).length;
    expect(byMode('idiomatic')).toBeGreaterThan(100);
    expect(byMode('compat')).toBeGreaterThan(100);
    expect([...twins].filter(([, t]) => !t.kernel).map(([n]) => n), 'unrecorded twins: run record.py').toEqual([]);
  });

  it('lists known differences of existing twins only', () => {
    expect([...Object.keys(KNOWN), ...Object.keys(TRACE_KNOWN)].filter((n) => !twins.has(n))).toEqual([]);
  });

  it('has a twin for every iptables case whose translation is complete, and no other', () => {
    const want: string[] = [];
    for (const [ref, c] of origins) {
      if (unfit(c)) continue;
      for (const mode of ['idiomatic', 'compat'] as const) {
        const t = translate(c.scenario.rules!, mode);
        if (t.code === 0 && !t.stderr) want.push(twinName(ref, mode));
      }
    }
    expect([...twins.keys()].sort(), REDO).toEqual(want.sort());
  });

  for (const [name, twin] of twins) {
    const origin = origins.get(twin.origin ?? '');
    describe(name, () => {
      it('is the current translation of its origin', () => {
        expect(origin, `origin ${twin.origin} is gone: ${REDO}`).toBeDefined();
        const t = translate(origin!.scenario.rules!, twin.translation!);
        expect(t.stderr).toBe('');
        const { rules: _rules, ...rest } = origin!.scenario;
        expect(twin.scenario, REDO).toEqual({ ...rest, nft: t.stdout });
      });

      it.skipIf(!twin.kernel || !origin?.kernel)('meets the fates of the iptables original in the kernel', () => {
        const ipt = fates(origin!.kernel!), nft = fates(twin.kernel!);
        const diff = KNOWN[name];
        if (diff) {
          // Exactly the known difference; everything else still agrees.
          const at = Object.keys(diff.packets).map(Number);
          expect(at.map((i) => [brief(origin!.kernel!.packets[i]), brief(twin.kernel!.packets[i])]), diff.why).toEqual(at.map((i) => diff.packets[i]));
          expect(nft.filter((_, i) => !at.includes(i))).toEqual(ipt.filter((_, i) => !at.includes(i)));
        } else expect(nft).toEqual(ipt);
      });

      if (twin.translation !== 'compat') return;
      it.skipIf(!twin.kernel || !origin?.kernel)('traces the same steps as the original (compat)', () => {
        const ipt = steps(origin!.kernel!), nft = steps(twin.kernel!);
        // NETMAP is nft's dnat/snat prefix: the same kernel verdict under the statement's name.
        const netmap = ipt.map((p, i) => p.map((s, j) => (s.verdict === 'NETMAP' && ['DNAT', 'SNAT'].includes(nft[i]?.[j]?.verdict) ? { ...s, verdict: nft[i][j].verdict } : s)));
        if (TRACE_KNOWN[name]) expect(nft, `${TRACE_KNOWN[name]}: the traces agree now, drop ${name} from TRACE_KNOWN`).not.toEqual(netmap);
        else expect(nft).toEqual(netmap);
      });
    });
  }
});
