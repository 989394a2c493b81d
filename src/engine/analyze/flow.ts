// Symbolic traversal: a set of packets (boxes) entering a hook, split by the rule or policy that decides
// each part, through the tables of the hook in kernel order. `under` parts surely go that way, `over` parts
// may. The operator findings (lockout, missing ESTABLISHED, DNAT without FORWARD) and what-if ask this.
import { HOOK_TABLES } from '../model/hooks';
import type { Chain, Hook, Rule, Ruleset, TableName } from '../model/ruleset';
import type { Algebra, Box } from './box';
import type { RuleSpaces } from './rule-space';
import { effectOf } from './targets';

export interface Outcome {
  table: TableName;
  chain: Chain;
  /// null: the chain's policy.
  rule: Rule | null;
  /// ACCEPT, DROP, REJECT, or the deciding target's name (DNAT ...).
  verdict: string;
  under: Box[];
  over: Box[];
}

interface Flow {
  under: Box[];
  over: Box[];
}

const MAX_DEPTH = 64;

export class Flows {
  constructor(readonly ruleset: Ruleset, readonly alg: Algebra, readonly spaces: RuleSpaces) {}

  /// Where the packets of `query` go in one table's chain for a hook.
  chain(table: TableName, hook: Hook, query: Flow): { outcomes: Outcome[]; accepted: Flow } {
    const base = this.ruleset.tables.get(table)?.chains.get(hook);
    const outcomes: Outcome[] = [];
    if (!base || !base.registered) return { outcomes, accepted: query };
    const left = this.walk(table, base, query, new Set(), outcomes, 0);
    const policy = base.policy ?? 'ACCEPT';
    if (left.over.length) outcomes.push({ table, chain: base, rule: null, verdict: policy, under: left.under, over: left.over });
    return { outcomes, accepted: this.sum(outcomes, 'ACCEPT') };
  }

  /// The whole hook: each table's accepted packets go on to the next table.
  hook(hook: Hook, query: Flow, tables: readonly TableName[] = ['raw', 'mangle', 'nat', 'filter', 'security']): { outcomes: Outcome[]; accepted: Flow } {
    let cur = query;
    const all: Outcome[] = [];
    for (const t of HOOK_TABLES[hook]) {
      if (t === 'conntrack' || !tables.includes(t)) continue;
      const r = this.chain(t, hook, cur);
      // NAT rewrites addresses; the analysis follows the packet as it was (a NAT outcome counts as accepted).
      all.push(...r.outcomes);
      cur = r.accepted;
      if (!cur.over.length) break;
    }
    return { outcomes: all, accepted: cur };
  }

  private sum(outcomes: Outcome[], verdict: string): Flow {
    const under: Box[] = [];
    const over: Box[] = [];
    for (const o of outcomes) {
      const accepts = verdict === 'ACCEPT' ? o.verdict !== 'DROP' && o.verdict !== 'REJECT' : o.verdict === verdict;
      if (!accepts) continue;
      under.push(...o.under);
      over.push(...o.over);
    }
    return { under, over };
  }

  /// Walks a chain; returns what falls off its end (or RETURNs), in terms of the packet as it entered.
  private walk(table: TableName, chain: Chain, input: Flow, rewritten: Set<number>, out: Outcome[], depth: number): Flow {
    const alg = this.alg;
    let remU = input.under;
    let remO = input.over;
    const retU: Box[] = [];
    const retO: Box[] = [];
    for (const rule of chain.rules) {
      if (!remO.length) break;
      const sp = this.spaces.of(rule);
      const over = rewritten.size ? sp.over.map((b) => alg.widen(b, rewritten)) : sp.over;
      const under = rewritten.size ? sp.under.filter((b) => alg.freeIn(b, rewritten)) : sp.under;
      const hitO = alg.intersectAll(remO, over);
      if (!hitO.length) continue;
      const hitU = alg.intersectAll(remU, under);
      const eff = effectOf(rule);
      const pass = () => {
        remO = alg.subtractAll(remO, under);
        remU = alg.subtractAll(remU, over);
      };
      switch (eff.kind) {
        case 'decide':
          out.push({ table, chain, rule, verdict: eff.label === 'REJECT' ? 'REJECT' : eff.label, under: hitU, over: hitO });
          pass();
          break;
        case 'return':
          retU.push(...hitU);
          retO.push(...hitO);
          pass();
          break;
        case 'jump': {
          const to = this.ruleset.tables.get(table)?.chains.get(eff.chain);
          if (!to) break;
          let back: Flow;
          if (depth >= MAX_DEPTH) back = { under: [], over: hitO };
          else back = this.walk(table, to, { under: hitU, over: hitO }, rewritten, out, depth + 1);
          pass();
          if (eff.goto) {
            retU.push(...back.under);
            retO.push(...back.over);
          } else {
            remU = [...remU, ...back.under];
            remO = [...remO, ...back.over];
          }
          break;
        }
        case 'continue':
          for (const d of eff.rewrites) rewritten.add(d);
          break;
      }
    }
    return { under: [...retU, ...remU], over: [...retO, ...remO] };
  }
}
