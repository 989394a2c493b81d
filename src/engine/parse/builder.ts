// The ruleset as a sequence of iptables commands leaves it: -A, -I, -D, -R, -N, -X, -P, -F, -Z, -E.
// Both input forms (restore dumps and command scripts) drive this one builder, so they agree by construction.
import { BUILTIN_CHAINS, HOOKS, type Chain, type Counters, type Hook, type Rule, type Ruleset, type Table, type TableName, type TargetUse } from '../model/ruleset';
import type { JumpTarget } from './rule-spec';
import { ParseError, type Span } from '../model/span';
import { SpanStore } from './span-store';
import type { Token } from './tokens';

/// The hooks of each built-in chain, shared by all its rules (one array each rather than one per rule).
const HOOK_OF = Object.fromEntries(HOOKS.map((h) => [h, [h]])) as unknown as Record<Hook, readonly Hook[]>;
const NO_HOOKS: readonly Hook[] = [];

/// iptables-nft-save prints tables in this order, whatever order they were created in.
export const SAVE_ORDER: readonly TableName[] = ['mangle', 'security', 'raw', 'filter', 'nat'];

export class RulesetBuilder {
  private tables = new Map<TableName, Table>();
  private id = 0;
  readonly nextId = () => ++this.id;
  /// The spans and clauses of the rules made.
  readonly spans = new SpanStore();
  /// The latest jump target made: the next rule that jumps there shares it (KUBE-MARK-MASQ in every
  /// KUBE-SEP chain of a kube-proxy dump).
  readonly recent: { jump: JumpTarget | null } = { jump: null };
  /// The chain the latest rule command named, and its table: a dump gives each chain's rules one after
  /// the other.
  private last: Chain | null = null;
  private lastTable: TableName = 'filter';

  table(name: TableName): Table {
    let t = this.tables.get(name);
    if (!t) {
      t = { name, chains: new Map() };
      for (const c of BUILTIN_CHAINS[name]) t.chains.set(c, { name: c, builtin: true, policy: 'ACCEPT', registered: false, counted: false, counters: { packets: 0, bytes: 0 }, rules: [], span: null });
      this.tables.set(name, t);
    }
    return t;
  }

  /// Empties a table as iptables-restore does before it loads the table's section.
  reset(name: TableName): Table {
    this.tables.delete(name);
    this.last = null;
    return this.table(name);
  }

  chain(table: TableName, name: string, span: Span): Chain {
    const c = this.table(table).chains.get(name);
    if (!c) throw new ParseError(`Chain '${name}' does not exist`, span);
    return c;
  }

  /// The chain a command's word names (its span is made only for the error).
  chainOf(table: TableName, word: Token): Chain {
    const last = this.last;
    if (last !== null && this.lastTable === table && last.name === word.text) return last;
    const c = this.table(table).chains.get(word.text);
    if (!c) throw new ParseError(`Chain '${word.text}' does not exist`, word.span);
    this.last = c;
    this.lastTable = table;
    return c;
  }

  /// A table's chains, without creating the table.
  chainsOf(table: TableName): Map<string, Chain> | undefined {
    return this.tables.get(table)?.chains;
  }

  hooksOf(table: TableName, chain: string): readonly Hook[] {
    return (BUILTIN_CHAINS[table] as readonly string[]).includes(chain) ? HOOK_OF[chain as Hook] : NO_HOOKS;
  }

  /// The chain a rule command changes, created in the kernel if it is a built-in one.
  private touched(table: TableName, chain: string, span: Span): Chain {
    const c = this.chain(table, chain, span);
    c.registered = true;
    return c;
  }

  /// -A on a chain already looked up.
  appendTo(c: Chain, rules: Rule[]): void {
    c.registered = true;
    for (const r of rules) c.rules.push(r);
  }

  insert(table: TableName, chain: string, pos: number, rules: Rule[], span: Span): void {
    const c = this.touched(table, chain, span);
    if (pos < 1 || pos > c.rules.length + 1) throw new ParseError('Index of insertion too big.', span);
    c.rules.splice(pos - 1, 0, ...rules);
  }

  replace(table: TableName, chain: string, pos: number, rule: Rule, span: Span): void {
    const c = this.touched(table, chain, span);
    if (pos < 1 || pos > c.rules.length) throw new ParseError('Index of replacement too big.', span);
    c.rules[pos - 1] = rule;
  }

  deleteAt(table: TableName, chain: string, pos: number, span: Span): void {
    const c = this.chain(table, chain, span);
    if (pos < 1 || pos > c.rules.length) throw new ParseError('Index of deletion too big.', span);
    c.rules.splice(pos - 1, 1);
  }

  /// -D by specification: the first rule whose canonical text is the same.
  deleteMatching(table: TableName, chain: string, key: string, keyOf: (r: Rule) => string, span: Span): void {
    const c = this.chain(table, chain, span);
    const i = c.rules.findIndex((r) => keyOf(r) === key);
    if (i < 0) throw new ParseError('Bad rule (does a matching rule exist in that chain?).', span);
    c.rules.splice(i, 1);
  }

  newChain(table: TableName, name: string, span: Span): void {
    const t = this.table(table);
    if (t.chains.has(name)) throw new ParseError('Chain already exists.', span);
    this.create(t, name, span);
  }

  /// A user chain that does not exist yet.
  private create(t: Table, name: string, span: Span): void {
    if (name.length > 28) throw new ParseError(`chain name \`${name}' too long (must be under 29 chars)`, span);
    if (name.startsWith('-') || name === 'ACCEPT' || name === 'DROP' || name === 'RETURN' || name === 'QUEUE')
      throw new ParseError(`Invalid chain name \`${name}'`, span);
    const own = ownString(name);
    t.chains.set(own, { name: own, builtin: false, policy: null, registered: true, counted: false, counters: { packets: 0, bytes: 0 }, rules: [], span });
  }

  /// A restore dump's `:NAME POLICY [p:b]` line.
  declare(table: TableName, name: string, policy: string, counters: Counters | null, span: Span): void {
    const t = this.table(table);
    const existing = t.chains.get(name);
    if (existing?.builtin) {
      if (policy === '-') throw new ParseError(`Built-in chain ${name} needs a policy (ACCEPT or DROP)`, span);
      this.policy(table, name, policy, span);
      // The dump's counters stay on the model; a run counts from zero, as iptables-restore without -c.
      if (counters) existing.counters = counters;
      existing.span = span;
      return;
    }
    if (policy !== '-') throw new ParseError(`Can't set policy \`${policy}' on user-defined chain \`${name}'`, span);
    if (existing) throw new ParseError('Chain already exists.', span);
    this.create(t, name, span);
  }

  deleteChain(table: TableName, name: string | null, span: Span): void {
    const t = this.table(table);
    if (name === null)
      // iptables-nft's -X also removes the built-in chains that hold nothing: no rules, policy ACCEPT.
      for (const c of t.chains.values()) if (c.builtin && !c.rules.length && c.policy === 'ACCEPT') c.registered = c.counted = false;
    const names = name === null ? [...t.chains.values()].filter((c) => !c.builtin).map((c) => c.name) : [name];
    for (const n of names) {
      const c = this.chain(table, n, span);
      if (c.builtin) throw new ParseError(`Can't delete built-in chain ${n}`, span);
      if (c.rules.length) throw new ParseError(`Chain ${n} is not empty (flush it with -F first)`, span);
      if (this.referrers(t, n).length) throw new ParseError(`Chain ${n} is still referenced by other rules`, span);
      t.chains.delete(n);
      this.last = null;
    }
  }

  policy(table: TableName, chain: string, policy: string, span: Span): void {
    const c = this.chain(table, chain, span);
    if (!c.builtin) throw new ParseError('Bad built-in chain name.', span);
    if (policy !== 'ACCEPT' && policy !== 'DROP') throw new ParseError(`Bad policy name \`${policy}' (ACCEPT or DROP)`, span);
    c.policy = policy;
    // Setting a policy (-P, or a restore file's :CHAIN line) gives the chain its counters in the kernel.
    c.registered = c.counted = true;
  }

  flush(table: TableName, chain: string | null, span: Span): void {
    const t = this.table(table);
    for (const c of chain === null ? t.chains.values() : [this.chain(table, chain, span)]) c.rules = [];
  }

  zero(table: TableName, chain: string | null, span: Span): void {
    const t = this.table(table);
    for (const c of chain === null ? t.chains.values() : [this.chain(table, chain, span)]) {
      c.counters = { packets: 0, bytes: 0 };
      for (const r of c.rules) r.counters = { packets: 0, bytes: 0 };
    }
  }

  rename(table: TableName, from: string, to: string, span: Span): void {
    const t = this.table(table);
    const c = this.chain(table, from, span);
    if (c.builtin) throw new ParseError(`Can't rename built-in chain ${from}`, span);
    if (t.chains.has(to)) throw new ParseError('File exists: a chain of that name already exists', span);
    t.chains.delete(from);
    this.last = null;
    c.name = ownString(to);
    t.chains.set(c.name, c);
    for (const ch of t.chains.values())
      for (const r of ch.rules) {
        r.chain = ch.name;
        if (r.target.kind === 'jump' && r.target.chain === from) r.target = { ...r.target, chain: to };
      }
  }

  private referrers(t: Table, name: string): Rule[] {
    const out: Rule[] = [];
    for (const c of t.chains.values()) for (const r of c.rules) if (r.target.kind === 'jump' && r.target.chain === name) out.push(r);
    return out;
  }

  /// Checks what iptables checks when the rules reach the kernel: jump targets exist, jumps form no loop.
  /// Errors go to `errors`; offending rules are removed so the rest still simulates.
  finish(errors: (e: ParseError) => void): Ruleset {
    const tables = new Map<TableName, Table>();
    for (const name of SAVE_ORDER) {
      const t = this.tables.get(name);
      if (!t) continue;
      checkJumps(t, errors);
      // Built-ins first in their fixed order, then user chains sorted as iptables-save lists them (byte
      // order). A dump from iptables-save has them so already: then the map stays as it is.
      let inOrder = true;
      let user: string | null = null;
      for (const c of t.chains.values()) {
        if (c.builtin ? user !== null : user !== null && user > c.name) {
          inOrder = false;
          break;
        }
        if (!c.builtin) user = c.name;
      }
      if (!inOrder) {
        const sorted = new Map<string, Chain>();
        const names: string[] = [];
        for (const c of t.chains.values()) if (c.builtin) sorted.set(c.name, c);
        else names.push(c.name);
        for (const n of names.sort()) sorted.set(n, t.chains.get(n)!);
        t.chains = sorted;
      }
      // Each rule's chain is already its chain's name: rules are made with it, and rename() renames them.
      tables.set(name, t);
    }
    return { family: 4, tables, diagnostics: [] };
  }
}

/// One depth-first walk over the jumps, looking each target up once: a jump to a chain that does not
/// exist (or to a built-in one) is reported, and so is each back edge, a loop, at the rule that closes
/// it. Those rules are removed, as they are found.
function checkJumps(t: Table, errors: (e: ParseError) => void): void {
  // Chains walked to the end; those being walked are on the stack (a few: the depth of the jumps).
  const done = new Set<Chain>();
  const stack: Chain[] = [];
  let seen: TargetUse | null = null;
  let seenChain: Chain | undefined;
  const visit = (c: Chain) => {
    stack.push(c);
    // By index: a rule is removed as it is found (only this call removes rules of c).
    for (let i = 0; i < c.rules.length; i++) {
      const rule = c.rules[i];
      const target = rule.target;
      if (target.kind !== 'jump') continue;
      // Rules in a row that jump to the same chain often share their target: it is looked up once.
      const to = target === seen ? seenChain : t.chains.get(target.chain);
      seen = target;
      seenChain = to;
      if (!to || to.builtin) {
        // iptables-restore --test lets a missing chain pass; loading into the kernel fails with these words.
        errors(new ParseError(to ? `Can't jump to built-in chain ${to.name}` : `Chain '${target.chain}' does not exist (no chain or target of that name)`, rule.targetSpan ?? rule.span));
        c.rules.splice(i--, 1);
        continue;
      }
      if (done.has(to)) continue;
      const at = stack.indexOf(to);
      if (at >= 0) {
        const path = [...stack.slice(at), to].map((x) => x.name);
        errors(new ParseError(`jump loop: ${path.join(' -> ')} (the kernel refuses it: Too many links)`, rule.targetSpan ?? rule.span));
        c.rules.splice(i--, 1);
      } else visit(to);
    }
    stack.pop();
    done.add(c);
  };
  for (const c of t.chains.values()) if (!done.has(c)) visit(c);
}

/// A copy of `s` holding its own characters. A name cut from a dump is a slice of the whole text, and V8
/// compares such slices several times slower than flat strings: sorting a big dump's chain names and
/// looking them up (once per rule) pay for it.
function ownString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
