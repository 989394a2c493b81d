// Port forwards: a DNAT whose translated packets FORWARD never accepts (the forward that never works), and
// a published port (Docker's DNAT in nat PREROUTING) that INPUT rules mean to filter but never see.
import { parseCidr } from '../../model/addr';
import type { Chain, Rule, TableName } from '../../model/ruleset';
import type { NatOptions } from '../../modules/targets/dnat';
import { formatNatRange } from '../../modules/targets/dnat';
import { D, type Box } from '../box';
import type { LintContext } from '../context';
import { finding, type Finding } from '../finding';
import { atoms, box, denied } from '../queries';
import { formatRanges } from '../describe';
import type { Ivals } from '../ivals';
import { deciders } from './lockout';

/// Beyond this many DNAT rules (kube-proxy), each uses its own match space instead of a symbolic pass.
const MAX_PATHED = 64;

interface Forward {
  rule: Rule;
  to: NatOptions['range'];
  /// The packets it translates, as they arrive.
  pre: Box[];
}

function reachable(ctx: LintContext, table: TableName, from: string): Set<Chain> {
  const chains = ctx.ruleset.tables.get(table)?.chains;
  const seen = new Set<Chain>();
  const stack = [chains?.get(from)].filter((c): c is Chain => !!c);
  while (stack.length) {
    const c = stack.pop()!;
    if (seen.has(c)) continue;
    seen.add(c);
    for (const r of c.rules) if (r.target.kind === 'jump') {
      const to = chains!.get(r.target.chain);
      if (to && !seen.has(to)) stack.push(to);
    }
  }
  return seen;
}

function isLocal(ctx: LintContext, addr: number): boolean {
  if (addr >>> 24 === 127) return true;
  for (const i of ctx.host?.interfaces ?? [])
    for (const a of i.addresses) {
      const ip = parseCidr(a.split('/')[0]);
      if (ip && ip.addr === addr) return true;
    }
  return false;
}

function forwards(ctx: LintContext): Forward[] {
  const out: Forward[] = [];
  const chains = reachable(ctx, 'nat', 'PREROUTING');
  const dnats: Rule[] = [];
  for (const c of chains) for (const r of c.rules) if (r.target.kind === 'module' && r.target.module.name === 'DNAT') dnats.push(r);
  const fresh = (bs: Box[]) => bs.map((b) => ctx.alg.intersect(b, newOnly()!)).filter((b): b is Box => !!b);
  let pathed: Map<Rule, Box[]> | null = null;
  if (dnats.length <= MAX_PATHED) {
    pathed = new Map();
    const q = newOnly();
    for (const o of ctx.flows.chain('nat', 'PREROUTING', { under: [q], over: [q] }).outcomes)
      if (o.rule && o.verdict === 'DNAT') pathed.set(o.rule, [...(pathed.get(o.rule) ?? []), ...o.over]);
  }
  for (const r of dnats) {
    const to = (r.target as { options: NatOptions }).options.range;
    if (to.minAddr === null || isLocal(ctx, to.minAddr)) continue;
    const pre = pathed ? pathed.get(r) ?? [] : fresh(ctx.spaces.of(r).over);
    if (pre.length) out.push({ rule: r, to, pre });
  }
  return out;
}

function newOnly(): Box {
  return box({ ctstate: [1, 1] });
}

function target(f: Forward): string {
  return formatNatRange(f.to);
}

function docker(f: Forward): boolean {
  return f.rule.chain.startsWith('DOCKER');
}

export function dnat(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const net = atoms(ctx.ifaces, ['lo', ''], true);
  const fs = forwards(ctx);
  for (const f of fs) {
    const post = f.pre.map((b) => {
      const t = b.slice();
      t[D.dst] = [f.to.minAddr!, f.to.maxAddr!];
      if (f.to.minPort !== null) t[D.dport] = [f.to.minPort, f.to.maxPort!];
      t[D.ctnat] = [2, 3];
      t[D.oif] = net;
      return t;
    });
    if (ctx.host && ctx.host.forwarding === false) {
      out.push(finding(f.rule.span, 'warning', 'dnat-no-forward', `DNAT to ${target(f)} needs forwarding, and the host has it off`,
        'The translated packets are for another host, so they must be forwarded; with net.ipv4.ip_forward=0 they vanish after PREROUTING.',
        'Enable forwarding (sysctl -w net.ipv4.ip_forward=1) and accept the flow in FORWARD.'));
      continue;
    }
    const fw = ctx.flows.hook('FORWARD', { under: post, over: post }, ['mangle', 'filter', 'security']);
    const drops = denied(fw.outcomes);
    if (!fw.accepted.over.length && drops.length) {
      const ports = f.to.minPort !== null ? `port ${f.to.minPort}` : `the same port`;
      out.push(finding(f.rule.span, 'error', 'dnat-no-forward', `DNAT to ${target(f)} is never forwarded: ${deciders(ctx, drops)} in FORWARD`,
        `The DNAT rewrites the destination in nat PREROUTING, so the packets are routed to ${target(f)} and cross FORWARD, not INPUT. FORWARD accepts none of them, so the forwarded service is unreachable.`,
        `Accept the translated flow in FORWARD: -A FORWARD -d ${f.to.minAddr !== null ? target(f).split(':')[0] : '<address>'} -p ${protoOf(f)} --dport ${ports.replace('port ', '')} -m conntrack --ctstate NEW -j ACCEPT, and ESTABLISHED,RELATED for the replies.`,
        drops.flatMap((o) => (o.rule ? [o.rule.span.line] : []))));
    }
  }
  return out.concat(published(ctx, fs));
}

function protoOf(f: Forward): string {
  const p = f.rule.proto;
  return p === 17 ? 'udp' : 'tcp';
}

/// INPUT rules about ports that a DNAT to another host takes away before INPUT.
function published(ctx: LintContext, fs: Forward[]): Finding[] {
  const out: Finding[] = [];
  if (!fs.length) return out;
  const { alg } = ctx;
  const seen = new Set<Rule>();
  // Compare what the packets are (addresses, ports, protocol), not how far they got (interfaces, state).
  const loose = new Set([D.iif, D.oif, D.ctstate, D.ctnat, D.tcpflags, D.mark, D.connmark]);
  const pre = fs.flatMap((f) => f.pre.map((b) => alg.widen(b, loose)));
  for (const c of reachable(ctx, 'filter', 'INPUT'))
    for (const r of c.rules) {
      const over = ctx.spaces.of(r).over.map((b) => alg.widen(b, loose));
      if (!over.length || seen.has(r) || over.some((b) => alg.isFull(b, D.dport))) continue;
      // Every packet the rule is about is translated away (on some interface).
      if (alg.subtractAll(over, pre).length) continue;
      const f = fs.find((x) => x.pre.some((p) => over.some((b) => alg.meets(b, alg.widen(p, loose)))))!;
      seen.add(r);
      const ports = formatRanges(alg.get(over[0], D.dport) as Ivals);
      const who = docker(f) ? "Docker's DNAT" : 'the DNAT';
      out.push(finding(r.span, 'warning', 'published-port-bypasses-input',
        `INPUT never sees new connections to published port ${ports}: ${who} at ${ctx.ref(f.rule)} sends them to ${target(f)} through FORWARD`,
        `nat PREROUTING runs before the routing decision. ${who} rewrites the destination to ${target(f)}, so the packets are forwarded and this INPUT rule never applies to them: it neither protects nor opens the published port.`,
        docker(f) ? 'Filter published container ports in the DOCKER-USER chain (-I DOCKER-USER -i eth0 -p tcp --dport <container port> ...), or publish on 127.0.0.1 only.'
          : 'Filter the forwarded traffic in FORWARD, matching the translated destination.', [f.rule.span.line]));
    }
  return out;
}
