// A ruleset made ready to run: every chain's rules compiled, with counters of their own so one parsed
// ruleset can be simulated many times; each hook's stages in HOOK_TABLES order.
import { HOOK_TABLES } from '../model/hooks';
import { HOOKS, type Chain, type Hook, type Rule, type Ruleset, type TableName } from '../model/ruleset';
import { saveWithCounters } from '../print/counters';
import { compileRule, type RunNotes, type Test } from './compile';
import type { HookChain, HookProgram, Stage } from './hook-program';
import { walkChain } from './walk';

export interface CompiledChain {
  table: TableName;
  chain: Chain;
  rules: Rule[];
  tests: Test[];
  packets: number[];
  bytes: number[];
  policyPackets: number;
  policyBytes: number;
}

export class Program implements HookProgram {
  private chains = new Map<string, CompiledChain>();
  readonly notes: RunNotes = { unsimulated: new Map() };
  readonly stages: Record<Hook, readonly Stage[]>;

  constructor(readonly ruleset: Ruleset) {
    for (const t of ruleset.tables.values())
      for (const c of t.chains.values())
        this.chains.set(`${t.name}\0${c.name}`, {
          table: t.name, chain: c, rules: c.rules, tests: c.rules.map((r) => compileRule(r, this.notes)),
          packets: c.rules.map(() => 0), bytes: c.rules.map(() => 0), policyPackets: 0, policyBytes: 0,
        });
    this.stages = Object.fromEntries(HOOKS.map((h) => [h, this.hookStages(h)])) as Record<Hook, Stage[]>;
  }

  /// The tables the ruleset declares, in HOOK_TABLES order; the NAT core exists at every nat hook once
  /// there is a nat table, even where its chain is not registered.
  private hookStages(h: Hook): Stage[] {
    const out: Stage[] = [];
    for (const t of HOOK_TABLES[h]) {
      if (t === 'conntrack') out.push({ kind: 'conntrack' });
      else if (!this.has(t)) continue;
      else if (t === 'nat') {
        const c = this.baseChain(t, h);
        out.push({ kind: 'nat', chains: c ? [c] : [] });
      } else {
        const c = this.baseChain(t, h);
        if (c) out.push({ kind: 'chain', chain: c });
      }
    }
    return out;
  }

  private baseChain(table: TableName, h: Hook): HookChain | null {
    const found = this.chain(table, h);
    if (!found || !found.chain.registered) return null;
    return { table, walk: (pkt, ctx, sink) => walkChain(this, found, pkt, ctx, sink) };
  }

  has(table: TableName): boolean {
    return this.ruleset.tables.has(table);
  }

  chain(table: TableName, name: string): CompiledChain | undefined {
    return this.chains.get(`${table}\0${name}`);
  }

  /// `iptables-save -c` as it stands.
  counters(): string {
    return saveWithCounters(this);
  }

  /// Counters after the run, for `iptables-save -c` and `iptables -L -v`.
  ruleCounters(r: Rule): { packets: number; bytes: number } {
    const c = this.chain(r.table, r.chain)!;
    const i = c.rules.indexOf(r);
    return { packets: c.packets[i], bytes: c.bytes[i] };
  }

  chainCounters(table: TableName, chain: Chain): { packets: number; bytes: number } {
    const c = this.chain(table, chain.name)!;
    return { packets: c.policyPackets, bytes: c.policyBytes };
  }
}
