// A ruleset made ready to run: every chain's rules compiled, with counters of their own so one parsed
// ruleset can be simulated many times.
import type { Chain, Rule, Ruleset, TableName } from '../model/ruleset';
import { compileRule, type RunNotes, type Test } from './compile';

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

export class Program {
  private chains = new Map<string, CompiledChain>();
  readonly notes: RunNotes = { unsimulated: new Map() };

  constructor(readonly ruleset: Ruleset) {
    for (const t of ruleset.tables.values())
      for (const c of t.chains.values())
        this.chains.set(`${t.name}\0${c.name}`, {
          table: t.name, chain: c, rules: c.rules, tests: c.rules.map((r) => compileRule(r, this.notes)),
          packets: c.rules.map(() => 0), bytes: c.rules.map(() => 0), policyPackets: 0, policyBytes: 0,
        });
  }

  has(table: TableName): boolean {
    return this.ruleset.tables.has(table);
  }

  chain(table: TableName, name: string): CompiledChain | undefined {
    return this.chains.get(`${table}\0${name}`);
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
