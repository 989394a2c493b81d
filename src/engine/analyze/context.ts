// Everything the lint checks share for one ruleset: the parsed rules and their source, the box algebra,
// rule spaces, the per-chain walk and the symbolic flows.
import type { Chain, Rule, Ruleset, TableName } from '../model/ruleset';
import type { Scenario } from '../model/scenario';
import type { Span } from '../model/span';
import { Algebra } from './box';
import { ChainWalk } from './chain-walk';
import { Flows } from './flow';
import { IfaceAtoms } from './ifaces';
import type { Intent } from './intent';
import { RuleSpaces } from './rule-space';
import { spaceEnv } from './space-env';
import { ivals, type Ivals } from './ivals';

export class LintContext {
  readonly ifaces: IfaceAtoms;
  readonly alg: Algebra;
  readonly spaces: RuleSpaces;
  readonly walk: ChainWalk;
  readonly flows: Flows;
  private lines: string[];
  /// The host's own addresses, when the scenario gives its host: what arrives for it (addrtype LOCAL).
  readonly local?: Ivals;

  constructor(readonly text: string, readonly ruleset: Ruleset, readonly intent: Intent, readonly host?: Scenario['host'], sets?: Scenario['sets']) {
    this.ifaces = IfaceAtoms.of([ruleset], host?.interfaces.map((i) => i.name) ?? ['eth0']);
    this.alg = new Algebra(this.ifaces.size);
    this.spaces = new RuleSpaces(this.alg, this.ifaces, spaceEnv({ host, sets }));
    const local = this.spaces.env.addrType?.('LOCAL');
    if (local) this.local = ivals(local);
    this.walk = new ChainWalk(ruleset, this.alg, this.spaces).run();
    this.flows = new Flows(ruleset, this.alg, this.spaces);
    this.lines = text.split('\n');
  }

  /// The rule as written (its source line, trimmed).
  source(r: Rule): string {
    return this.text.slice(r.span.from, r.span.to).trim();
  }

  /// `line 7 (-A INPUT -s 10.0.0.0/8 -j DROP)`.
  ref(r: Rule): string {
    return `line ${r.span.line} (${this.source(r)})`;
  }

  position(r: Rule): number {
    return this.chainOf(r).rules.indexOf(r) + 1;
  }

  chainOf(r: Rule): Chain {
    return this.ruleset.tables.get(r.table)!.chains.get(r.chain)!;
  }

  /// Where a built-in chain's policy is set: the restore file's `:INPUT DROP` or the last `-P INPUT DROP`.
  policySpan(table: TableName, chain: Chain): Span {
    const name = chain.name.replace(/[^\w-]/g, '');
    const restore = new RegExp(`^\\s*:${name}\\s`);
    const command = new RegExp(`(?:^|\\s)(?:-P|--policy)\\s+${name}\\s`);
    let cur = 'filter';
    let found = -1;
    this.lines.forEach((l, i) => {
      const t = /^\s*\*(\w+)/.exec(l);
      if (t) cur = t[1];
      else if (cur === table && restore.test(l)) found = i;
      else if (command.test(l) && (/(?:^|\s)(?:-t|--table)\s+(\w+)/.exec(l)?.[1] ?? 'filter') === table) found = i;
    });
    if (found < 0) return chain.span ?? { line: 1, column: 1, endLine: 1, endColumn: 1, from: 0, to: 0 };
    let from = 0;
    for (let i = 0; i < found; i++) from += this.lines[i].length + 1;
    const l = this.lines[found];
    return { line: found + 1, column: 1, endLine: found + 1, endColumn: l.length + 1, from, to: from + l.length };
  }

  /// The rule was added with -I (the script's own words): an insertion goes above rules written before it.
  inserted(r: Rule): boolean {
    return /(^|\s)(-I|--insert)\s/.test(this.source(r));
  }
}
