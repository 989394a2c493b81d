// One pass over each chain in rule order, keeping the packets that can no longer reach the next rule:
// a rule none of whose packets get there is shadowed, and the rules that took them are named. Jumps count
// for the part of their packets the called chain always decides; gotos and RETURN stop everything they
// match. A rewrite (MARK, TOS ...) makes what was known about the rewritten fields void from there on.
import type { Chain, Rule, Ruleset, TableName } from '../model/ruleset';
import { DIMS, type Algebra, type Box } from './box';
import { BoxIndex, volume } from './box-index';
import type { RuleSpaces } from './rule-space';
import { effectOf } from './targets';

/// What a chain does to the packets that enter it, in terms of the packet as it enters.
export interface ChainFacts {
  /// Packets the chain surely gives a verdict (they never come back to the caller).
  decidedUnder: Box[];
  /// Packets it may give a verdict.
  decidedOver: Box[];
  /// Fields rules of the chain (or chains it calls) may rewrite.
  rewrites: Set<number>;
  /// The chain takes part in a jump loop.
  loop: boolean;
}

export interface RuleFacts {
  rule: Rule;
  /// 1-based position in its chain.
  index: number;
  /// No packet can match it, whatever came before (contradictory clauses).
  neverMatches: boolean;
  /// Every packet it could match is stopped earlier: by these rules (surely), or maybe.
  shadowedBy: Rule[] | null;
  /// Shadowed only if the earlier rules that depend on history or time match.
  mayShadowedBy: Rule[] | null;
}

type Tag = Rule;

const MINUS_BUDGET = 256;

export class ChainWalk {
  private facts = new Map<Chain, ChainFacts>();
  private busy = new Set<Chain>();
  readonly rules = new Map<Rule, RuleFacts>();
  /// The packets each rule surely stops (for naming the fewest rules that shadow another).
  readonly stops = new Map<Rule, Box[]>();

  constructor(readonly ruleset: Ruleset, readonly alg: Algebra, readonly spaces: RuleSpaces) {}

  chain(table: TableName, name: string): Chain | undefined {
    return this.ruleset.tables.get(table)?.chains.get(name);
  }

  factsOf(table: TableName, chain: Chain): ChainFacts {
    const known = this.facts.get(chain);
    if (known) return known;
    if (this.busy.has(chain)) return { decidedUnder: [], decidedOver: [new Array(DIMS.length)], rewrites: new Set(), loop: true };
    this.busy.add(chain);
    const f = this.walk(table, chain);
    this.busy.delete(chain);
    this.facts.set(chain, f);
    return f;
  }

  private walk(table: TableName, chain: Chain): ChainFacts {
    const alg = this.alg;
    // Packets that surely / maybe no longer reach the current rule, in terms of the packet there.
    let stopUnder = new BoxIndex<Tag>(alg);
    let stopOver = new BoxIndex<Tag>(alg);
    const decidedUnder: Box[] = [];
    const decidedOver: Box[] = [];
    const rewritten = new Set<number>();
    let loop = false;
    chain.rules.forEach((rule, i) => {
      const sp = this.spaces.of(rule);
      const rf: RuleFacts = { rule, index: i + 1, neverMatches: sp.over.length === 0, shadowedBy: null, mayShadowedBy: null };
      this.rules.set(rule, rf);
      if (rf.neverMatches) return;
      const sure = stopUnder.covers(sp.over);
      if (sure.covered) rf.shadowedBy = this.fewest(sp.over, sure.by);
      else {
        // "May" only when rules whose matching depends on history or time (or is not analysed) stand in the
        // way; coverage that is only lost to a rewrite says nothing.
        const maybe = stopOver.covers(sp.over);
        const uncertain = maybe.by.filter((r) => this.spaces.of(r).may.length);
        if (maybe.covered && uncertain.length) rf.mayShadowedBy = uncertain;
      }
      const eff = effectOf(rule);
      // In the chain-entry terms of `decided`: what is known of rewritten fields no longer holds.
      const entryUnder = (bs: Box[]) => (rewritten.size ? bs.filter((b) => alg.freeIn(b, rewritten)) : bs);
      const entryOver = (bs: Box[]) => (rewritten.size ? bs.map((b) => alg.widen(b, rewritten)) : bs);
      const stop = (under: Box[], over: Box[], decides: { under: Box[]; over: Box[] } | null) => {
        if (decides) {
          // Surely decided here: surely matched, and surely not stopped before. Past the budget, claim nothing:
          // an under-approximation may always shrink.
          const sure = stopOver.size && decides.under.length ? stopOver.minus(decides.under, MINUS_BUDGET)?.rest ?? [] : decides.under;
          decidedUnder.push(...entryUnder(sure));
          decidedOver.push(...entryOver(decides.over));
        }
        if (under.length) this.stops.set(rule, under);
        for (const b of under) stopUnder.add(b, rule);
        for (const b of over) stopOver.add(b, rule);
      };
      switch (eff.kind) {
        case 'decide':
          stop(sp.under, sp.over, { under: sp.under, over: sp.over });
          break;
        case 'return':
          stop(sp.under, sp.over, null);
          break;
        case 'jump': {
          const to = this.chain(table, eff.chain);
          if (!to) break;
          const f = this.factsOf(table, to);
          loop ||= f.loop;
          if (eff.goto) {
            // A goto never comes back here: all its packets stop; only the part the chain decides is decided.
            stop(sp.under, sp.over, { under: alg.intersectAll(sp.under, f.decidedUnder), over: alg.intersectAll(sp.over, f.decidedOver) });
          } else {
            const under = alg.intersectAll(sp.under, f.decidedUnder);
            const over = alg.intersectAll(sp.over, f.decidedOver);
            stop(under, over, { under, over });
          }
          if (f.rewrites.size) this.rewrite(f.rewrites, rewritten, (s) => (stopUnder = s), (s) => (stopOver = s), stopUnder, stopOver);
          break;
        }
        case 'continue':
          if (eff.rewrites.length) this.rewrite(new Set(eff.rewrites), rewritten, (s) => (stopUnder = s), (s) => (stopOver = s), stopUnder, stopOver);
          break;
      }
    });
    return { decidedUnder, decidedOver, rewrites: rewritten, loop };
  }

  private rewrite(dims: Set<number>, rewritten: Set<number>, setU: (s: BoxIndex<Tag>) => void, setO: (s: BoxIndex<Tag>) => void, u: BoxIndex<Tag>, o: BoxIndex<Tag>) {
    for (const d of dims) rewritten.add(d);
    setU(u.rewritten(dims, 'forget'));
    setO(o.rewritten(dims, 'widen'));
  }

  /// The fewest of `rules` (greedily, largest share first) whose stopped packets cover `target`, in rule order.
  private fewest(target: Box[], rules: Rule[]): Rule[] {
    const alg = this.alg;
    let rest = target;
    const chosen: Rule[] = [];
    const left = new Set(rules);
    while (rest.length && left.size) {
      let best: Rule | null = null;
      let bestVol = -1;
      for (const r of left) {
        let v = 0;
        for (const b of this.stops.get(r) ?? []) for (const x of rest) {
          const i = alg.intersect(x, b);
          if (i) v += volume(alg, i);
        }
        if (v > bestVol) {
          bestVol = v;
          best = r;
        }
      }
      if (!best || bestVol <= 0) break;
      left.delete(best);
      chosen.push(best);
      rest = alg.subtractAll(rest, this.stops.get(best) ?? []);
    }
    // Volumes are floats: should the greedy pick stall, name them all rather than too few.
    return rest.length ? rules : chosen.sort((a, b) => rules.indexOf(a) - rules.indexOf(b));
  }

  /// Walks every chain of every table (built-in first), so each rule has its facts.
  run(): this {
    for (const [name, t] of this.ruleset.tables) for (const c of t.chains.values()) this.factsOf(name, c);
    return this;
  }
}
