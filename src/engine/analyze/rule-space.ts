// The packets a rule can match, as unions of boxes. `over` holds every packet it may match and `under` only
// packets it surely matches: they differ when a match depends on history or time (limit, recent ...) or
// cannot be described (owner, set ...), and the findings built on them then say "may".
import type { Rule } from '../model/ruleset';
import type { Space, SpaceEnv } from '../modules/types';
import { spaceEnv } from './space-env';
import { Algebra, CT_STATES, D, DIMS, type Box } from './box';
import { cube } from './cubes';
import type { IfaceAtoms } from './ifaces';
import { ivals, subtractIvals, type Ivals } from './ivals';

export interface RuleSpace {
  over: Box[];
  under: Box[];
  /// Why over and under differ, one reason per module: "limit depends on history or time".
  may: string[];
}

export function spaceBoxes(alg: Algebra, s: Space): Box[] {
  if ('all' in s) {
    let acc: Box[] = [new Array(DIMS.length)];
    for (const part of s.all) {
      acc = alg.intersectAll(acc, spaceBoxes(alg, part));
      if (!acc.length) break;
    }
    return acc;
  }
  if ('any' in s) return s.any.flatMap((p) => spaceBoxes(alg, p));
  if ('not' in s) return alg.complement(spaceBoxes(alg, s.not));
  if ('states' in s) {
    const b = alg.range(D.ctstate, s.states.map((n) => ({ min: CT_STATES.indexOf(n), max: CT_STATES.indexOf(n) })));
    return b ? [b] : [];
  }
  if ('mask' in s) {
    // Bits of the value outside the mask can never be equal after the AND: the match never matches.
    if (((s.value & ~s.mask) >>> 0) !== 0) return [];
    const b = alg.one(D[s.field], [cube(s.value, s.mask)]);
    return b ? [b] : [];
  }
  const b = alg.range(D[s.field], s.ranges);
  return b ? [b] : [];
}

function cidrRange(c: { addr: number; mask: number }): { min: number; max: number } | null {
  const inv = ~c.mask >>> 0;
  if ((inv & (inv + 1)) !== 0) return null; // a non-contiguous mask is not an interval
  return { min: c.addr >>> 0, max: (c.addr | inv) >>> 0 };
}

export class RuleSpaces {
  private cache = new Map<Rule, RuleSpace>();
  /// `env`: the scenario's host and sets, and the names as numbers, shared by every ruleset compared.
  constructor(readonly alg: Algebra, readonly ifaces: IfaceAtoms, readonly env: SpaceEnv = spaceEnv()) {}

  of(r: Rule): RuleSpace {
    let s = this.cache.get(r);
    if (!s) this.cache.set(r, (s = this.compile(r)));
    return s;
  }

  private compile(r: Rule): RuleSpace {
    const alg = this.alg;
    const may: string[] = [];
    const header: Box = new Array(DIMS.length);
    let none = false;
    const put = (d: number, set: Ivals, inv: boolean) => {
      header[d] = inv ? subtractIvals(alg.full[d] as Ivals, set) : set;
      if (!header[d]!.length) none = true;
    };
    for (const [c, inv, d, what] of [[r.src, r.srcInv, D.src, '-s'], [r.dst, r.dstInv, D.dst, '-d']] as const) {
      if (!c) continue;
      const range = cidrRange(c);
      if (range) put(d, ivals([range]), inv);
      else may.push(`${what} with a non-contiguous mask is not analysed`);
    }
    if (r.proto !== 0) put(D.proto, [r.proto, r.proto], r.protoInv);
    else if (r.protoInv) none = true; // `! -p all` matches nothing
    if (r.fragment !== null) header[D.fragment] = r.fragment ? [1, 1] : [0, 0];
    if (r.iif) header[D.iif] = this.ifaces.match(r.iif, r.iifInv);
    if (r.oif) header[D.oif] = this.ifaces.match(r.oif, r.oifInv);
    if (header[D.iif]?.length === 0 || header[D.oif]?.length === 0) none = true;
    if (none) return { over: [], under: [], may: [] };
    let exact: Box[] = [header];
    let over: Box[] = [header];
    for (const m of r.matches) {
      const space = m.module.space?.(m.options, this.env);
      if (!space) {
        may.push(m.module.stateful ? `-m ${m.module.name} depends on history or time` : `-m ${m.module.name} is not analysed`);
        continue;
      }
      const boxes = spaceBoxes(alg, space);
      exact = alg.intersectAll(exact, boxes);
      over = alg.intersectAll(over, boxes);
      if (!over.length) break;
    }
    return { over, under: may.length ? [] : exact, may };
  }
}
