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
/// Present in one rule of four: the older clauses keep their share of the shadowing found.
const rare = <T>(a: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: a, weight: 1 });

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
  // The connection's tuples, status and direction (with --ctstate when `state` is set: the kernel's answer
  // for packets without a connection then differs).
  ct: rare(fc.tuple(neg, fc.constantFrom('--ctorigsrc 10.0.0.0/8', '--ctorigdst 203.0.113.10', '--ctorigdstport 22', '--ctreplsrcport 1024:65535',
    '--ctrepldst 10.0.0.0/24', '--ctproto tcp', '--ctstatus SEEN_REPLY', '--ctstatus ASSURED,EXPECTED', '--ctreplsrc 198.51.100.0/24'))),
  ctdir: rare(fc.constantFrom('ORIGINAL', 'REPLY')),
  mac: rare(fc.tuple(neg, fc.constantFrom('02:00:00:00:00:01', '02:00:00:00:01:00'))),
  mss: rare(fc.tuple(neg, fc.constantFrom('536', '1000:1460', '1461:65535'))),
  helper: rare(fc.tuple(neg, fc.constantFrom('ftp', '""'))),
  addrtype: rare(fc.tuple(neg, fc.constantFrom('--dst-type LOCAL', '--src-type LOCAL', '--dst-type BROADCAST,MULTICAST', '--src-type UNICAST'))),
  set: rare(fc.tuple(neg, fc.constantFrom('blocked src', 'svc dst,dst', 'svc src,src', 'macs src', 'either src'))),
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
  if (c.state || c.ct || c.ctdir) {
    const ct = ['-m conntrack'];
    if (c.state) ct.push(`${c.state[0]}--ctstate ${c.state[1]}`);
    if (c.ct) ct.push(`${c.ct[0]}${c.ct[1]}`);
    if (c.ctdir) ct.push(`--ctdir ${c.ctdir}`);
    out.push(ct.join(' '));
  }
  // MAC addresses only on the way in (the kernel refuses -m mac where OUTPUT could reach it).
  if (c.mac && chain === 'INPUT') out.push(`-m mac ${c.mac[0]}--mac-source ${c.mac[1]}`);
  if (c.mss && c.proto === 'tcp') out.push(`-m tcpmss ${c.mss[0]}--mss ${c.mss[1]}`);
  if (c.helper) out.push(`-m helper ${c.helper[0]}--helper ${c.helper[1]}`);
  if (c.addrtype) out.push(`-m addrtype ${c.addrtype[0]}${c.addrtype[1]}`);
  if (c.set) out.push(`-m set ${c.set[0]}--match-set ${c.set[1]}`);
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

const REMOTE = ['198.51.100.7', '10.0.0.5', '10.1.2.3', '192.168.1.1', '203.0.113.9', '0.0.0.1', '10.0.0.1', '198.51.100.9'];

/// ipsets the `set` clauses look up: a net set with a nomatch hole, ip,port pairs, source MACs, a list.
const SETS = {
  blocked: { type: 'hash:net', members: ['10.0.0.0/8', '10.0.0.0/24 nomatch', '10.0.0.5', '198.51.100.7'] },
  svc: { type: 'hash:ip,port', members: ['203.0.113.10,tcp:22', '10.0.0.1,udp:53', '198.51.100.7,tcp:80'] },
  macs: { type: 'hash:mac', members: ['02:00:00:00:00:01'] },
  either: { type: 'list:set', members: ['blocked', 'macs'] },
};
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
  mac: fc.constantFrom(undefined, '02:00:00:00:00:01', '02:00:00:00:01:00'),
  mss: fc.constantFrom(undefined, 536, 1460, 9000),
}).map((p) => {
  const local = p.dir === 'in0' ? '203.0.113.10' : p.dir === 'in1' ? '10.0.0.1' : '203.0.113.10';
  const spec: PacketSpec = p.dir === 'out'
    ? { from: 'local', src: local, dst: p.remote, proto: p.proto }
    : { from: p.dir === 'in0' ? 'eth0' : 'eth1', src: p.remote, dst: local, proto: p.proto };
  if (p.proto === 'icmp') spec.icmpType = p.icmp;
  else Object.assign(spec, { sport: p.sport, dport: p.dport });
  if (p.proto === 'tcp') spec.flags = [...p.flags];
  if (p.frag) spec.fragOffset = p.frag;
  if (p.mac && p.dir !== 'out') spec.mac = p.mac;
  if (p.mss && p.proto === 'tcp') Object.assign(spec, { tcpOptions: [2], mss: p.mss });
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
    // Reported rules using the matches whose spaces need the connection's tuples, the host or the sets.
    let exotic = 0;
    fc.assert(
      fc.property(ruleset, fc.array(packet, { minLength: 20, maxLength: 60 }), (text, pkts) => {
        const { ruleset: rs, diagnostics } = parseRuleset(text);
        if (diagnostics.some((d) => d.severity === 'error')) return;
        const dead = lint(text, { host: HOST, sets: SETS }).findings.filter((f) => f.code === 'shadowed' || f.code === 'never-matches').map((f) => f.line);
        reported += dead.length;
        const lines = text.split('\n');
        exotic += dead.filter((l) => /--ct(orig|repl|proto|status|dir)|-m (mac|tcpmss|helper|addrtype|set) /.test(lines[l - 1])).length;
        if (!dead.length) return;
        const sim = new Simulation(rs, { host: HOST, sets: SETS });
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
    expect(exotic).toBeGreaterThan(50);
    expect(reported - exotic).toBeGreaterThan(60);
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
