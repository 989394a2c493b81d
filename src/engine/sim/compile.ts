// Rules compiled to predicates once per run: only the clauses a rule has are tested, with no
// interpretation of the rule object in the hot loop.
import type { Packet } from '../model/packet';
import type { Iface, Rule } from '../model/ruleset';
import type { MatchContext } from '../modules/types';

export type Test = (pkt: Packet, ctx: MatchContext) => boolean;

export interface RunNotes {
  /// Modules the run evaluated that are parsed but not simulated, with the reason.
  unsimulated: Map<string, string>;
}

function ifaceTest(i: Iface, inv: boolean, get: (p: Packet) => string | null): Test {
  const name = i.name;
  return i.wildcard
    ? (p) => (get(p) ?? '').startsWith(name) !== inv
    : (p) => ((get(p) ?? '') === name) !== inv;
}

export function compileRule(r: Rule, notes: RunNotes): Test {
  const checks: Test[] = [];
  if (r.src) {
    const { addr, mask } = r.src, inv = r.srcInv;
    checks.push((p) => (((p.src & mask) >>> 0) === addr) !== inv);
  }
  if (r.dst) {
    const { addr, mask } = r.dst, inv = r.dstInv;
    checks.push((p) => (((p.dst & mask) >>> 0) === addr) !== inv);
  }
  if (r.iif) checks.push(ifaceTest(r.iif, r.iifInv, (p) => p.iif));
  if (r.oif) checks.push(ifaceTest(r.oif, r.oifInv, (p) => p.oif));
  if (r.proto) {
    const proto = r.proto, inv = r.protoInv;
    checks.push((p) => (p.proto === proto) !== inv);
  }
  if (r.fragment !== null) {
    const later = r.fragment;
    checks.push((p) => (p.fragOffset !== 0) === later);
  }
  for (const m of r.matches) {
    const { module, options } = m;
    const state = module.createState ? module.createState(options) : undefined;
    if (module.simulated !== true) {
      const why = module.simulated;
      checks.push((p, c) => {
        notes.unsimulated.set(module.name, why);
        return module.match(p, options, c, state);
      });
    } else checks.push((p, c) => module.match(p, options, c, state));
  }
  switch (checks.length) {
    case 0:
      return () => true;
    case 1:
      return checks[0];
    case 2: {
      const [a, b] = checks;
      return (p, c) => a(p, c) && b(p, c);
    }
    default:
      return (p, c) => {
        for (let i = 0; i < checks.length; i++) if (!checks[i](p, c)) return false;
        return true;
      };
  }
}
