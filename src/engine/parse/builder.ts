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

/// One depth-first walk over the jumps: a jump to a chain that does not exist (or to a built-in one) is
/// reported, and so is each back edge, a loop, at the rule that closes it; those rules are removed. The
/// walk runs on chain numbers, not on the chains: a big dump's rules lie in memory in the order they were
/// read, and a walk that follows the jumps from object to object waits on memory at every step (90 ms
/// for a 100k-rule kube-proxy dump; these passes in reading order take about a third of that).
function checkJumps(t: Table, errors: (e: ParseError) => void): void {
  const chains = [...t.chains.values()];
  const number = new Map<string, number>();
  for (let k = 0; k < chains.length; k++) number.set(chains[k].name, k);
  // The jumps of chain k are edges first[k] .. first[k + 1] - 1: the chain jumped to (MISSING,
  // BUILTIN) and the rule's place in its chain.
  const first = new Int32Array(chains.length + 1);
  const to: number[] = [];
  const at: number[] = [];
  let seen: TargetUse | null = null;
  let seenTo = MISSING;
  for (let k = 0; k < chains.length; k++) {
    first[k] = to.length;
    const rules = chains[k].rules;
    for (let i = 0; i < rules.length; i++) {
      const target = rules[i].target;
      if (target.kind !== 'jump') continue;
      // Rules in a row that jump to the same chain often share their target: it is looked up once.
      if (target !== seen) {
        const n = number.get(target.chain);
        seen = target;
        seenTo = n === undefined ? MISSING : chains[n].builtin ? BUILTIN : n;
      }
      to.push(seenTo);
      at.push(i);
    }
  }
  first[chains.length] = to.length;
  // 0: not reached; WALKING: on the path; DONE: walked to the end.
  const state = new Uint8Array(chains.length);
  const path: number[] = [];
  const next: number[] = [];
  const removed: number[] = [];
  const fail = (edge: number, message: string) => {
    const rule = chains[path[path.length - 1]].rules[at[edge]];
    errors(new ParseError(message, rule.targetSpan ?? rule.span));
    removed.push(edge);
  };
  for (let root = 0; root < chains.length; root++) {
    if (state[root] !== 0) continue;
    state[root] = WALKING;
    path.push(root);
    next.push(first[root]);
    while (path.length) {
      const c = path[path.length - 1];
      const e = next[next.length - 1]++;
      if (e === first[c + 1]) {
        state[c] = DONE;
        path.pop();
        next.pop();
        continue;
      }
      const d = to[e];
      if (d < 0) {
        // iptables-restore --test lets a missing chain pass; loading into the kernel fails with these words.
        const name = (chains[c].rules[at[e]].target as { chain: string }).chain;
        fail(e, d === BUILTIN ? `Can't jump to built-in chain ${name}` : `Chain '${name}' does not exist (no chain or target of that name)`);
      } else if (state[d] === WALKING) {
        const names = [...path.slice(path.indexOf(d)), d].map((x) => chains[x].name);
        fail(e, `jump loop: ${names.join(' -> ')} (the kernel refuses it: Too many links)`);
      } else if (state[d] === 0) {
        state[d] = WALKING;
        path.push(d);
        next.push(first[d]);
      }
    }
  }
  // Last first, so that the places of the others hold.
  removed.sort((x, y) => y - x);
  let c = chains.length - 1;
  for (const e of removed) {
    while (first[c] > e) c--;
    chains[c].rules.splice(at[e], 1);
  }
}

const MISSING = -1, BUILTIN = -2;
const WALKING = 1, DONE = 2;

/// A copy of `s` holding its own characters. A name cut from a dump is a slice of the whole text, and V8
/// compares such slices several times slower than flat strings: sorting a big dump's chain names and
/// looking them up (once per rule) pay for it.
function ownString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
