// Why a rule did not match a packet, clause by clause, in the words an operator uses:
// "dport 8443 is not in 1024:65535". Only for display: the simulator itself runs compiled predicates.
import { formatCidr, formatIPv4, inCidr } from '../model/addr';
import type { Packet } from '../model/packet';
import type { Iface, Rule } from '../model/ruleset';
import type { MatchContext } from '../modules/types';
import { formatIface, formatProto } from '../print/save';

export interface ClauseResult {
  /// `-s`, `-p`, `-m tcp` ...
  clause: string;
  ok: boolean;
  /// For a failed clause, what differed.
  why?: string;
}

function ifaceMatches(name: string | null, i: Iface): boolean {
  const n = name ?? '';
  return i.wildcard ? n.startsWith(i.name) : n === i.name;
}

/// Every clause of the rule against the packet, in rule order, stopping after the first that fails (as the
/// kernel does: later clauses are never looked at).
export function explainRule(r: Rule, pkt: Packet, ctx: MatchContext): ClauseResult[] {
  const out: ClauseResult[] = [];
  const check = (clause: string, ok: boolean, why: () => string) => {
    out.push(ok ? { clause, ok } : { clause, ok, why: why() });
    return ok;
  };
  const not = (inv: boolean) => (inv ? 'not ' : '');
  if (r.src && !check(`${r.srcInv ? '! ' : ''}-s ${formatCidr(r.src)}`, inCidr(pkt.src, r.src) !== r.srcInv, () => `source ${formatIPv4(pkt.src)} is ${r.srcInv ? '' : 'not '}in ${formatCidr(r.src!)}`)) return out;
  if (r.dst && !check(`${r.dstInv ? '! ' : ''}-d ${formatCidr(r.dst)}`, inCidr(pkt.dst, r.dst) !== r.dstInv, () => `destination ${formatIPv4(pkt.dst)} is ${r.dstInv ? '' : 'not '}in ${formatCidr(r.dst!)}`)) return out;
  if (r.iif && !check(`${r.iifInv ? '! ' : ''}-i ${formatIface(r.iif)}`, ifaceMatches(pkt.iif, r.iif) !== r.iifInv, () => (pkt.iif ? `came in on ${pkt.iif}, ${not(!r.iifInv)}${formatIface(r.iif!)}` : 'a locally generated packet has no input interface'))) return out;
  if (r.oif && !check(`${r.oifInv ? '! ' : ''}-o ${formatIface(r.oif)}`, ifaceMatches(pkt.oif, r.oif) !== r.oifInv, () => (pkt.oif ? `goes out ${pkt.oif}, ${not(!r.oifInv)}${formatIface(r.oif!)}` : 'no output interface is known yet'))) return out;
  if (r.proto && !check(`${r.protoInv ? '! ' : ''}-p ${formatProto(r.proto)}`, (pkt.proto === r.proto) !== r.protoInv, () => `protocol is ${formatProto(pkt.proto)}${r.protoInv ? '' : `, not ${formatProto(r.proto)}`}`)) return out;
  if (r.fragment !== null && !check(r.fragment ? '-f' : '! -f', (pkt.fragOffset !== 0) === r.fragment, () => (r.fragment ? 'not a later fragment' : 'a later fragment'))) return out;
  // Matches that depend on history (limit, recent ...) are not evaluated again: that would change their
  // state. When everything else matches, the first of them is the one that said no.
  for (const m of r.matches) {
    const text = `-m ${m.module.name}${m.module.save(m.options) ? ' ' + m.module.save(m.options) : ''}`;
    if (m.module.stateful) {
      out.push({ clause: text, ok: true });
      continue;
    }
    const ok = m.module.match(pkt, m.options, ctx, m.module.createState?.(m.options));
    if (!check(text, ok, () => m.module.explain?.(pkt, m.options, ctx) ?? `the ${m.module.name} match does not match`)) return out;
  }
  const stateful = out.find((c, i) => i >= out.length - r.matches.length && r.matches.some((m) => m.module.stateful && c.clause.startsWith(`-m ${m.module.name}`)));
  if (stateful) {
    stateful.ok = false;
    stateful.why = `${stateful.clause.slice(3)}: did not match (it depends on earlier packets or time)`;
  }
  return out;
}

/// The first failing clause's reason, for one-line displays.
export function whyNot(r: Rule, pkt: Packet, ctx: MatchContext): string {
  return explainRule(r, pkt, ctx).find((c) => !c.ok)?.why ?? 'matches';
}
