// Runs a validation matrix through the simulator: each flow is sent from several sources of its range
// (its ends, and every boundary a rule's address range makes inside it), each in a fresh run, and its fate
// compared with what the matrix expects.
import { formatIPv4 } from '../model/addr';
import type { Ruleset, TableName } from '../model/ruleset';
import type { PacketSpec, Scenario } from '../model/scenario';
import type { Fate, PacketResult } from '../model/trace';
import { Host } from '../sim/host';
import { Simulation } from '../sim/simulate';
import type { Matrix, MatrixFlow } from './matrix';

export const DEFAULT_HOST: Scenario['host'] = {
  interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }, { name: 'eth1', addresses: ['10.0.0.1/24'] }],
  routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }],
  forwarding: true,
};

const MAX_SAMPLES = 12;
const CLIENT_PORT = 40000;

export interface SampleResult {
  packet: PacketSpec;
  fate: Fate;
  /// The step that decided: "filter INPUT rule 3 (line 7)" or "filter INPUT policy DROP".
  by: string;
  /// The deciding rule's line in the rules text (absent for a policy).
  line?: number;
  ok: boolean;
}

export interface FlowResult {
  flow: MatrixFlow;
  ok: boolean;
  samples: SampleResult[];
}

/// Sources to try in a range: its ends and middle, a usual address, and both sides of every rule's address boundary.
function sources(ruleset: Ruleset, r: { min: number; max: number }, local: (a: number) => boolean): number[] {
  // A network's own first and last addresses read oddly as sources: take the ones inside when there are.
  const wide = r.max - r.min >= 3;
  const pts = new Set<number>(wide ? [r.min + 1, r.min + Math.floor((r.max - r.min) / 2), r.max - 1] : [r.min, r.max]);
  if (0xc6336407 >= r.min && 0xc6336407 <= r.max) pts.add(0xc6336407);
  for (const t of ruleset.tables.values())
    for (const c of t.chains.values())
      for (const rule of c.rules)
        for (const cidr of [rule.src, rule.dst]) {
          if (!cidr) continue;
          const lo = cidr.addr >>> 0;
          const hi = (cidr.addr | (~cidr.mask >>> 0)) >>> 0;
          for (const p of [lo - 1, lo, hi, hi + 1]) if (p >= r.min && p <= r.max) pts.add(wide && p === r.min ? p + 1 : wide && p === r.max ? p - 1 : p >>> 0);
        }
  // The host's own addresses do not arrive from outside.
  const all = [...pts].filter((a) => !local(a)).sort((a, b) => a - b);
  if (all.length <= MAX_SAMPLES) return all;
  const step = (all.length - 1) / (MAX_SAMPLES - 1);
  return Array.from({ length: MAX_SAMPLES }, (_, i) => all[Math.round(i * step)]);
}

/// The step that decided: for a packet that got through, the filter table's verdict (later tables'
/// policies only let it pass); for one that did not, its last step.
function decidingStep(res: PacketResult<TableName>, ruleset: Ruleset): { by: string; line?: number } {
  const steps = [...res.trace].reverse().filter((s) => s.verdict !== 'CONTINUE' && !s.verdict.startsWith('JUMP') && s.verdict !== 'return');
  const passed = res.fate === 'delivered' || res.fate === 'forwarded' || res.fate === 'sent';
  const last = (passed ? steps.find((s) => s.table === 'filter') : undefined) ?? steps[0];
  if (!last) return { by: res.reason ?? 'no rule' };
  if (last.rule === null) return { by: `${last.table} ${last.chain} ${last.verdict.replace(':', ' ')}` };
  const rule = ruleset.tables.get(last.table)?.chains.get(last.chain)?.rules[last.rule - 1];
  const by = `${last.table} ${last.chain} rule ${last.rule}${rule ? ` (line ${rule.span.line})` : ''}: ${last.verdict}`;
  return rule ? { by, line: rule.span.line } : { by };
}

export function checkMatrix(ruleset: Ruleset, matrix: Matrix, host: Scenario['host'] = matrix.host ?? DEFAULT_HOST): FlowResult[] {
  const h = new Host(host);
  const firstAddr = [...h.interfaces.values()].find((i) => i.name !== 'lo' && i.addresses.length);
  // The interface the host reaches an address through: where packets from it arrive.
  const devFor = (addr: number) => {
    const r = h.route(addr);
    return r.type === 'unicast' ? r.route.dev : r.type === 'unreachable' ? (firstAddr?.name ?? 'eth0') : r.dev;
  };
  return matrix.flows.map((flow) => {
    const srcs = flow.from ? sources(ruleset, flow.from, (a) => h.isLocal(a)) : [null];
    const samples = srcs.map((src) => {
      const packets: PacketSpec[] = [];
      const proto = flow.proto === 6 ? 'tcp' : flow.proto === 17 ? 'udp' : flow.proto === 1 ? 'icmp' : flow.proto;
      // Arrival: the interface given, else the one the host routes the source back through.
      let from = flow.on ?? 'local';
      let srcAddr = src;
      if (src !== null && !flow.on) from = devFor(src);
      const iface = src === null ? null : h.interfaces.get(from);
      let dst = flow.to ?? iface?.addresses[0]?.addr ?? firstAddr?.addresses[0]?.addr ?? 0;
      if (src === null) srcAddr = h.sourceFor(dst) ?? firstAddr?.addresses[0]?.addr ?? 0;
      if (flow.to === null && src === null) dst = srcAddr!;
      const spec: PacketSpec = { from, src: formatIPv4(srcAddr!), dst: formatIPv4(dst), proto };
      if (flow.proto === 6 || flow.proto === 17) Object.assign(spec, { sport: flow.sport ?? CLIENT_PORT, dport: flow.dport! });
      if (flow.proto === 6) spec.flags = ['SYN'];
      if (flow.proto === 1) spec.icmpType = flow.icmpType ?? 'echo-request';
      if (flow.established) {
        // The other side opened the connection: its first packet goes the other way, then ours answers.
        const opener: PacketSpec = { ...spec, src: spec.dst, dst: spec.src, sport: spec.dport, dport: spec.sport };
        if (flow.proto === 1) opener.icmpType = 'echo-request';
        opener.from = h.isLocal(dst) ? 'local' : devFor(dst);
        if (flow.proto === 6) spec.flags = ['SYN', 'ACK'];
        if (flow.proto === 1) spec.icmpType = 'echo-reply';
        packets.push(opener);
      }
      packets.push(spec);
      const sim = new Simulation(ruleset, { host });
      let res: PacketResult<TableName> | undefined;
      for (const p of packets) res = sim.send(p);
      const fate = res!.fate;
      return { packet: spec, fate, ...decidingStep(res!, ruleset), ok: flow.expect.includes(fate) };
    });
    return { flow, ok: samples.every((s) => s.ok), samples };
  });
}
