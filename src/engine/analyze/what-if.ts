// What-if: two rulesets side by side (before and after a change, or a ruleset and its translation), the
// classes of packets whose fate changes, each with a concrete packet, the rules deciding it on both sides,
// and the simulator's confirmation.
import { formatIPv4, parseIPv4 } from '../model/addr';
import type { Hook, Rule, Ruleset } from '../model/ruleset';
import type { PacketSpec, Scenario } from '../model/scenario';
import type { Fate } from '../model/trace';
import { parseRuleset } from '../parse/index';
import { Simulation } from '../sim/simulate';
import { Algebra, D, DIMS, type Box } from './box';
import { describeBox, sample, type Sample } from './describe';
import { Flows, type Outcome } from './flow';
import { IfaceAtoms } from './ifaces';
import { atoms } from './queries';
import { RuleSpaces } from './rule-space';
import { spaceEnv } from './space-env';
import { cube } from './cubes';

export interface Side {
  verdict: string;
  /// The deciding rule as written, with its line; null for a policy.
  rule: { line: number; text: string } | null;
  chain: string;
}

export interface Change {
  hook: 'INPUT' | 'FORWARD' | 'OUTPUT';
  /// The class in words: "tcp from 10.0.0.0/8 dport 22 state NEW".
  packets: string;
  example: PacketSpec;
  before: Side;
  after: Side;
  /// The simulator gives the two fates the analysis predicts (null: the example needs state the
  /// simulator cannot set up from one packet, such as a mark).
  confirmed: boolean | null;
  fates?: { before: Fate; after: Fate };
}

const MAX_CHANGES = 50;
const PATHS: Record<Change['hook'], { hook: Hook; tables: ('raw' | 'mangle' | 'filter' | 'security')[] }[]> = {
  INPUT: [{ hook: 'PREROUTING', tables: ['raw', 'mangle'] }, { hook: 'INPUT', tables: ['mangle', 'filter', 'security'] }],
  FORWARD: [{ hook: 'PREROUTING', tables: ['raw', 'mangle'] }, { hook: 'FORWARD', tables: ['mangle', 'filter', 'security'] }],
  OUTPUT: [{ hook: 'OUTPUT', tables: ['raw', 'mangle', 'filter', 'security'] }],
};

const category = (v: string) => (v === 'DROP' ? 'DROP' : v === 'REJECT' ? 'REJECT' : 'ACCEPT');
const fateOf = (hook: Change['hook'], v: string): Fate => (category(v) === 'DROP' ? 'dropped' : category(v) === 'REJECT' ? 'rejected' : hook === 'INPUT' ? 'delivered' : hook === 'FORWARD' ? 'forwarded' : 'sent');

function outcomes(flows: Flows, hook: Change['hook'], q: Box): Outcome[] {
  let cur = { under: [q], over: [q] };
  const all: Outcome[] = [];
  for (const step of PATHS[hook]) {
    const r = flows.hook(step.hook, cur, step.tables);
    all.push(...r.outcomes.filter((o) => category(o.verdict) !== 'ACCEPT' || step === PATHS[hook].at(-1)));
    cur = r.accepted;
  }
  // Packets no chain of the path holds (no tables at all) are accepted.
  if (!all.length) all.push({ table: 'filter', chain: { name: hook } as never, rule: null, verdict: 'ACCEPT', under: [q], over: [q] });
  return all;
}

function side(text: string, o: Outcome): Side {
  const rule = o.rule as Rule | null;
  return { verdict: o.verdict, chain: o.chain.name, rule: rule ? { line: rule.span.line, text: text.slice(rule.span.from, rule.span.to).trim() } : null };
}

export interface WhatIfOptions {
  /// The scenario's host (and ipsets): examples are picked to fit it (addressed to the host's own address,
  /// arriving on its interface) and confirmed on it, so they can be added to the scenario as they are.
  host?: Scenario['host'];
  sets?: Scenario['sets'];
}

export function whatIf(beforeText: string, afterText: string, opts: WhatIfOptions = {}): Change[] {
  const a = parseRuleset(beforeText).ruleset;
  const b = parseRuleset(afterText).ruleset;
  const host = opts.host?.interfaces.length ? opts.host : undefined;
  const named = host ? host.interfaces.map((i) => i.name) : ['eth0', 'eth1'];
  const ifaces = IfaceAtoms.of([a, b], named);
  const prefer = preferences(ifaces, host);
  const alg = new Algebra(ifaces.size);
  const env = spaceEnv({ host, sets: opts.sets });
  const fa = new Flows(a, alg, new RuleSpaces(alg, ifaces, env));
  const fb = new Flows(b, alg, new RuleSpaces(alg, ifaces, env));
  const changes: Change[] = [];
  const none = atoms(ifaces, ['']);
  const net = atoms(ifaces, ['lo', ''], true);
  for (const hook of ['INPUT', 'FORWARD', 'OUTPUT'] as const) {
    // Packets as they arrive: no mark yet, not NAT'ed; interfaces as the hook has them.
    const q: Box = new Array(DIMS.length);
    q[D.iif] = hook === 'OUTPUT' ? none : net;
    q[D.oif] = hook === 'INPUT' ? none : net;
    q[D.mark] = [cube(0, 0xffffffff)];
    q[D.connmark] = [cube(0, 0xffffffff)];
    q[D.ctnat] = [0, 0];
    const oa = outcomes(fa, hook, q);
    const ob = outcomes(fb, hook, q);
    for (const x of oa)
      for (const y of ob) {
        if (category(x.verdict) === category(y.verdict)) continue;
        for (const box of alg.intersectAll(x.over, y.over)) {
          if (changes.length >= MAX_CHANGES) return changes;
          const s = sample(alg, ifaces, box, prefer[hook]);
          const example = packetOf(hook, s);
          const change: Change = { hook, packets: describeBox(alg, ifaces, box, q), example, before: side(beforeText, x), after: side(afterText, y), confirmed: null };
          confirm(change, a, b, s, host ? { host, sets: opts.sets } : null);
          changes.push(change);
        }
      }
  }
  return changes;
}

type Prefer = Parameters<typeof sample>[3];

/// Where examples come from: without a host, eth0 and 203.0.113.10; with one, its first interface and address
/// (and, forwarded, out of its second interface).
function preferences(ifaces: IfaceAtoms, host: Scenario['host'] | undefined): Record<Change['hook'], Prefer> {
  const ifs = host?.interfaces.filter((i) => i.name !== 'lo') ?? [];
  const first = ifs.find((i) => i.addresses.length) ?? ifs[0];
  // The interface's own address, not its network's.
  const addr = first?.addresses.map((a) => parseIPv4(a.split('/')[0])).find((a) => a !== null) ?? undefined;
  const inIf = ifaces.atom(first?.name ?? 'eth0');
  const outIf = ifaces.atom(ifs.find((i) => i !== first)?.name ?? (host ? (first?.name ?? 'eth0') : 'eth1'));
  return {
    INPUT: { iifAtom: inIf, oifAtom: ifaces.atom('eth0'), ...(addr !== undefined ? { dst: addr } : {}) },
    OUTPUT: { iifAtom: inIf, oifAtom: inIf, ...(addr !== undefined ? { src: addr } : {}) },
    FORWARD: { iifAtom: inIf, oifAtom: outIf },
  };
}

function packetOf(hook: Change['hook'], s: Sample): PacketSpec {
  const proto = s.proto === 6 ? 'tcp' : s.proto === 17 ? 'udp' : s.proto === 1 ? 'icmp' : s.proto;
  const p: PacketSpec = { from: hook === 'OUTPUT' ? 'local' : s.iif, src: formatIPv4(s.src), dst: formatIPv4(s.dst), proto };
  if (s.proto === 6 || s.proto === 17) Object.assign(p, { sport: s.sport, dport: s.dport });
  if (s.proto === 6) p.flags = (['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'] as const).filter((_, i) => s.flags & (1 << i));
  if (s.proto === 1) p.icmpType = `${s.icmpType}/${s.icmpCode}`;
  if (s.fragment) p.fragOffset = 8;
  if (s.length !== 60) p.length = s.length;
  if (s.ttl !== 64) p.ttl = s.ttl;
  if (s.tos) p.tos = s.tos;
  return p;
}

/// A host where the example goes the way the hook says: its destination local (INPUT), routed out of
/// another interface (FORWARD), or its source local (OUTPUT).
function hostFor(hook: Change['hook'], s: Sample): Scenario['host'] {
  const other = s.oif && s.oif !== s.iif ? s.oif : 'eth1';
  if (hook === 'INPUT') return { interfaces: [{ name: s.iif, addresses: [`${formatIPv4(s.dst)}/32`] }], routes: [{ to: 'default', dev: s.iif }] };
  if (hook === 'OUTPUT') return { interfaces: [{ name: s.oif, addresses: [`${formatIPv4(s.src)}/32`] }], routes: [{ to: 'default', dev: s.oif }] };
  return {
    interfaces: [{ name: s.iif, addresses: ['192.0.2.254/32'] }, { name: other, addresses: ['192.0.2.253/32'] }],
    routes: [{ to: `${formatIPv4(s.dst)}/32`, dev: other }, { to: 'default', dev: s.iif }], forwarding: true,
  };
}

function confirm(c: Change, a: Ruleset, b: Ruleset, s: Sample, scenario: Pick<Scenario, 'host' | 'sets'> | null): void {
  // One packet sets up only NEW (or INVALID) connections, and nothing outside the rules sets a mark.
  if ((s.state !== 'NEW' && s.state !== 'INVALID') || s.mark !== 0 || (s.state === 'INVALID' && s.proto !== 6)) return;
  const p = { ...c.example };
  if (s.state === 'INVALID') p.flags = ['RST'];
  if (s.state === 'NEW' && s.proto === 6 && !(s.flags & 0x02) && !(s.flags & 0x10)) p.flags = ['SYN'];
  try {
    const env = scenario ?? { host: hostFor(c.hook, s) };
    const run = (rs: Ruleset) => new Simulation(rs, env).send(p).fate;
    c.fates = { before: run(a), after: run(b) };
    c.confirmed = c.fates.before === fateOf(c.hook, c.before.verdict) && c.fates.after === fateOf(c.hook, c.after.verdict);
  } catch {
    c.confirmed = null;
  }
}
