// The analysis against the simulator: for random rulesets, a rule reported as shadowed (or as never
// matching) matches none of many random packets, whatever the state of their connections.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/analyze/lint';
import type { PacketSpec } from '../../src/engine/model/scenario';
import { Simulation } from '../../src/engine/sim/simulate';
import { parseRuleset } from '../../src/engine/parse/index';
import { HOST } from '../helpers/scenario';

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const neg = fc.constantFrom('', '! ');

const clause = fc.record({
  src: opt(fc.tuple(neg, fc.constantFrom('10.0.0.0/8', '10.0.0.0/24', '198.51.100.0/24', '198.51.100.7', '0.0.0.0/1'))),
  iface: opt(fc.tuple(neg, fc.constantFrom('eth0', 'eth1', 'eth+'))),
  proto: opt(fc.constantFrom('tcp', 'udp', 'icmp')),
  port: opt(fc.tuple(neg, fc.constantFrom('22', '80', '1:1023', '1024:65535', '443'))),
  multi: opt(fc.constantFrom('22,80', '80,443,8080', '1000:2000,22')),
  icmp: opt(fc.constantFrom('echo-request', 'echo-reply', 'destination-unreachable')),
  state: opt(fc.tuple(neg, fc.constantFrom('NEW', 'ESTABLISHED', 'RELATED,ESTABLISHED', 'INVALID', 'NEW,ESTABLISHED'))),
  mark: opt(fc.tuple(neg, fc.constantFrom('0x1/0x1', '0x2/0x3', '0x0', '0x3'))),
  frag: opt(fc.constantFrom('-f', '! -f')),
  limit: fc.boolean(),
  target: fc.constantFrom('ACCEPT', 'DROP', 'REJECT', 'LOG', 'MARK --set-xmark 0x1/0x1', 'MARK --set-xmark 0x3/0xffffffff', 'U', 'RETURN'),
});

type Clause = typeof clause extends fc.Arbitrary<infer T> ? T : never;

function ruleText(chain: string, c: Clause): string {
  const out = [`-A ${chain}`];
  if (c.src) out.push(`${c.src[0]}-s ${c.src[1]}`);
  if (c.iface) out.push(`${c.iface[0]}${chain === 'OUTPUT' ? '-o' : '-i'} ${c.iface[1]}`);
  if (c.frag) out.push(c.frag);
  if (c.proto) {
    out.push(`-p ${c.proto}`);
    if (c.proto === 'icmp' && c.icmp) out.push(`--icmp-type ${c.icmp}`);
    if (c.proto !== 'icmp' && c.port) out.push(`${c.port[0]}--dport ${c.port[1]}`);
    else if (c.proto !== 'icmp' && c.multi) out.push(`-m multiport --dports ${c.multi}`);
  }
  if (c.state) out.push(`-m conntrack ${c.state[0]}--ctstate ${c.state[1]}`);
  if (c.mark) out.push(`-m mark ${c.mark[0]}--mark ${c.mark[1]}`);
  if (c.limit) out.push('-m limit --limit 3/min --limit-burst 2');
  let t = c.target;
  if (t === 'RETURN' && chain !== 'U') t = 'ACCEPT';
  if (t === 'U' && chain === 'U') t = 'DROP';
  out.push(`-j ${t}`);
  return out.join(' ');
}

const ruleset = fc.record({
  input: fc.array(clause, { maxLength: 8 }),
  output: fc.array(clause, { maxLength: 4 }),
  user: fc.array(clause, { maxLength: 4 }),
  policy: fc.constantFrom('ACCEPT', 'DROP'),
}).map(({ input, output, user, policy }) => ['*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':U - [0:0]',
  ...input.map((c) => ruleText('INPUT', c)), ...output.map((c) => ruleText('OUTPUT', c)), ...user.map((c) => ruleText('U', c)),
  'COMMIT', '*filter', `:INPUT ${policy} [0:0]`, ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':U - [0:0]',
  ...input.map((c) => ruleText('INPUT', c)), ...output.map((c) => ruleText('OUTPUT', c)), ...user.map((c) => ruleText('U', c)),
  'COMMIT', ''].join('\n'));

const REMOTE = ['198.51.100.7', '10.0.0.5', '10.1.2.3', '192.168.1.1', '203.0.113.9', '0.0.0.1'];
const PORTS = [22, 80, 443, 1023, 1024, 8080, 40000, 65535, 1500];

const packet: fc.Arbitrary<PacketSpec> = fc.record({
  dir: fc.constantFrom('in0', 'in1', 'out'),
  remote: fc.constantFrom(...REMOTE),
  proto: fc.constantFrom('tcp', 'udp', 'icmp'),
  sport: fc.constantFrom(...PORTS),
  dport: fc.constantFrom(...PORTS),
  flags: fc.constantFrom(['SYN'], ['SYN', 'ACK'], ['ACK'], ['FIN', 'ACK']),
  icmp: fc.constantFrom('echo-request', 'echo-reply', 'timestamp-request'),
  frag: fc.constantFrom(0, 0, 0, 8),
}).map((p) => {
  const local = p.dir === 'in0' ? '203.0.113.10' : p.dir === 'in1' ? '10.0.0.1' : '203.0.113.10';
  const spec: PacketSpec = p.dir === 'out'
    ? { from: 'local', src: local, dst: p.remote, proto: p.proto }
    : { from: p.dir === 'in0' ? 'eth0' : 'eth1', src: p.remote, dst: local, proto: p.proto };
  if (p.proto === 'icmp') spec.icmpType = p.icmp;
  else Object.assign(spec, { sport: p.sport, dport: p.dport });
  if (p.proto === 'tcp') spec.flags = [...p.flags];
  if (p.frag) spec.fragOffset = p.frag;
  return spec;
});

/// Replies of earlier packets, so that connections become ESTABLISHED and RELATED.
function withReplies(ps: PacketSpec[]): PacketSpec[] {
  return ps.flatMap((p, i) => {
    if (i % 3 !== 1 || p.proto === 'icmp') return [p];
    const back: PacketSpec = { ...p, src: p.dst, dst: p.src, sport: p.dport, dport: p.sport, from: p.from === 'local' ? 'eth0' : 'local', flags: p.proto === 'tcp' ? ['SYN', 'ACK'] : undefined };
    if (back.from === 'eth0' && back.src.startsWith('10.')) back.from = 'eth1';
    return [p, back];
  });
}

describe('shadowing agrees with the simulator', () => {
  it('a rule reported shadowed or never matching matches no packet', () => {
    let reported = 0;
    fc.assert(
      fc.property(ruleset, fc.array(packet, { minLength: 20, maxLength: 60 }), (text, pkts) => {
        const { ruleset: rs, diagnostics } = parseRuleset(text);
        if (diagnostics.some((d) => d.severity === 'error')) return;
        const dead = lint(text).findings.filter((f) => f.code === 'shadowed' || f.code === 'never-matches').map((f) => f.line);
        reported += dead.length;
        if (!dead.length) return;
        const sim = new Simulation(rs, { host: HOST });
        for (const p of withReplies(pkts)) {
          const res = sim.send(p);
          for (const r of [res, ...(res.generated ?? [])])
            for (const s of r.trace) {
              if (s.rule === null) continue;
              const rule = rs.tables.get(s.table)!.chains.get(s.chain)!.rules[s.rule - 1];
              expect(dead, `line ${rule.span.line} (${text.split('\n')[rule.span.line - 1]}) matched ${JSON.stringify(p)}`).not.toContain(rule.span.line);
            }
        }
      }),
      { numRuns: 400, seed: 7 },
    );
    // The generator must actually produce shadowed rules for the property to mean something.
    expect(reported).toBeGreaterThan(100);
  });
});

describe('lockout agrees with the simulator', () => {
  it('when lint finds no path for SSH, no new SSH connection is delivered', () => {
    let locked = 0;
    fc.assert(
      fc.property(ruleset, fc.array(fc.tuple(fc.constantFrom(...REMOTE), fc.constantFrom('eth0', 'eth1')), { minLength: 5, maxLength: 12 }), (text, sources) => {
        const { ruleset: rs, diagnostics } = parseRuleset(text);
        if (diagnostics.some((d) => d.severity === 'error')) return;
        if (!lint(text).findings.some((f) => f.message.startsWith('No accepted path for SSH (tcp/22) from any source'))) return;
        locked++;
        for (const [src, from] of sources) {
          const dst = from === 'eth0' ? '203.0.113.10' : '10.0.0.1';
          const res = new Simulation(rs, { host: HOST }).send({ from, src, dst, proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] });
          expect(res.fate, `${src} on ${from}\n${text}`).not.toBe('delivered');
        }
      }),
      { numRuns: 400, seed: 11 },
    );
    expect(locked).toBeGreaterThan(20);
  });
});
