// The structure of an nftables ruleset in either form nft reads: declarative blocks
// (`table ip filter { chain INPUT { type filter hook input priority filter; policy drop; ... } }`) and
// command lists (`add table`, `add chain ... { ... }`, `add rule`, `insert rule`, `replace rule`,
// `delete rule`, `add set`, `flush`, `delete table`). Rules are kept as their words, with their place and
// the handle the kernel gives them: the first step toward simulating them.
//
// A file is one transaction, as `nft -f` sends it (checked with nft 1.0.6 on Linux 6.18):
// - handles count per table in the order nft creates things: for a `table { }` block its new chains,
//   then its new stateful objects, then its new sets and maps, then the rules chain by chain, each after
//   its anonymous sets (handles.ts); commands take theirs in file order;
// - nft 1.0.6 keeps a rule cache of its own ("update" mode) when an `add`/`insert rule` with `index`,
//   `position` or `handle` comes after the file's last `replace rule` (a replace resets its cache flags);
// - in that mode `index N` is the N-th rule (from 0) of the cache: the chain's rules as the file made them
//   so far, counting the ones it deleted (`delete rule`, `flush`), and `add` puts the rule after it,
//   `insert` before; `position N` / `handle N` and `replace rule ... handle N` look N up in the cache,
//   which knows no handle of a rule this file adds: "Could not process rule: No such file or directory";
// - otherwise `index` is not looked at (add appends, insert prepends), and `position`/`handle` (after /
//   before the rule with that handle), `replace` and `delete rule ... handle N` reach the kernel, which
//   finds any rule of the chain, also one this file added or deleted before; a replaced rule keeps its
//   handle. (nft 1.1 no longer needs the cache for `position`.)
import { ruleHandles } from './handles';
import { isShellScript, lineStarts, readShellScript, where } from './shell';
import { NftSyntaxError, tokenizeNft, word, type NftToken } from './tokens';
import { checkValue, expandPrefix, expandWord, IDENTIFIER, refusedAfter, Scopes, spreadSets } from './variables';

export const FAMILIES = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'] as const;
export type NftFamily = (typeof FAMILIES)[number];

export interface NftBaseChain {
  type: string;
  hook: string;
  /// A number, or nft's name for one (`filter`, `dstnat`, `mangle + 10`) as written.
  priority: string;
  policy: 'accept' | 'drop';
}

export interface NftRule {
  /// The rule's words, statement by statement, as written (quoted strings without their quotes).
  words: string[];
  /// The same words with their place and whether they were quoted.
  tokens: NftToken[];
  line: number;
  column: number;
  /// The handle the kernel gives the rule (`nft -a list ruleset`).
  handle: number;
}

export interface NftChain {
  name: string;
  base: NftBaseChain | null;
  rules: NftRule[];
  /// Creation order across the whole ruleset: the kernel registers base chains' hooks in this order.
  seq: number;
}

export interface NftTable {
  family: NftFamily;
  name: string;
  chains: Map<string, NftChain>;
  /// Sets, maps and stateful objects (ct helper, counter, quota ...), by kind and name: their definition's words.
  objects: Map<string, string[]>;
  /// The same definitions as tokens (with `add element` tokens appended after an `elements` word).
  objectTokens: Map<string, NftToken[]>;
}

export interface NftDiagnostic {
  line: number;
  column: number;
  message: string;
}

export interface NftRuleset {
  tables: Map<string, NftTable>;
}

const OBJECT_KINDS = new Set(['set', 'map', 'counter', 'quota', 'limit', 'secmark', 'synproxy', 'flowtable']);
/// The order nft creates a table block's objects in: stateful objects, then sets and maps, then flowtables.
const objectRank = (key: string) => (key.startsWith('set ') || key.startsWith('map ') ? 1 : key.startsWith('flowtable ') ? 2 : 0);
const NO_RULE = 'Could not process rule: No such file or directory';
/// nft's message where it looks a handle up in its own cache, with why that cannot work in one file.
const NO_HANDLE = `${NO_RULE} (nft 1.0.6 looks the handle up in its cache, which knows no handle of a rule this file adds)`;
const INCLUDE = 'nfplay cannot read included files: paste their contents in place of the include';
/// Statements nft reads in every block (its common_block).
const COMMON = new Set(['define', 'redefine', 'undefine', 'include']);
/// Whether a text may use variables or includes at all (else the parser skips looking for them).
const mayUseVariables = (text: string) => text.includes('$') || text.includes('define') || text.includes('include');
/// A token as a syntax error names it.
const shown = (t: NftToken | undefined) => (!t ? 'end of file' : t.quoted ? `quoted string "${t.text}"` : t.text === '\n' ? 'newline' : `"${t.text}"`);

/// A statement's words (words()), and the first error its variables made.
interface Words {
  words: string[];
  at: NftToken | undefined;
  tokens: NftToken[];
  error?: NftSyntaxError;
}

/// A rule of a chain as the transaction sees it: deleted rules stay in place until the end (the kernel
/// unlinks them at commit, and nft's cache keeps counting them for `index`).
interface Entry {
  rule: NftRule;
  deleted: boolean;
  /// The transaction that added it (a script's nft commands are one each).
  txn: number;
}

/// Where a rule command puts its rule: `index N`, `position N` or `handle N`.
interface Place {
  kind: 'index' | 'position' | 'handle';
  n: number;
  /// Where nft reports a reference it cannot follow: the word `index`/`position`, or the handle's number.
  at: NftToken;
}

class Parser {
  private i = 0;
  private seq = 0;
  readonly rs: NftRuleset = { tables: new Map() };
  /// Each table's handle counter.
  private handles = new Map<NftTable, number>();
  private entries = new Map<NftChain, Entry[]>();
  /// Chains with rules deleted in this transaction (they go at its commit).
  private deleting = new Set<NftChain>();
  /// The transaction being read (1: the first).
  private txn = 0;
  /// nft keeps its own rule cache for this file (an `add`/`insert rule` with a place after the last replace).
  private ruleCache: boolean;
  /// The transaction's variables (variables.ts), and whether its text may use any.
  private scopes = new Scopes();
  private variables: boolean;
  /// Where statements that fail on their own (a define, a rule with an unknown variable) report, the
  /// rest of their block going on as nft goes on.
  private diagnostics: NftDiagnostic[] = [];
  constructor(private toks: NftToken[], variables = true) {
    this.ruleCache = needsRuleCache(toks);
    this.variables = variables;
  }

  private peek(): NftToken | undefined {
    return this.toks[this.i];
  }
  /// The next word; a statement's end is left in place for error recovery.
  private next(what: string): NftToken {
    const t = this.toks[this.i];
    if (!t || (!t.quoted && (t.text === '\n' || t.text === ';' || t.text === '}' || t.text === '{')))
      throw this.error(`${what} expected`, t ?? this.toks[this.toks.length - 1]);
    this.i++;
    return t;
  }
  /// A name (of a table, chain, set ...): nft takes no variable there.
  private name(what: string): NftToken {
    const t = this.next(what);
    if (!t.quoted && t.text.startsWith('$')) throw this.error(`syntax error, unexpected '$', expecting string: a ${what} cannot be a variable`, t);
    return t;
  }
  private error(message: string, t: NftToken | undefined): NftSyntaxError {
    return new NftSyntaxError(message, t?.line ?? 1, t?.column ?? 1);
  }
  private is(text: string): boolean {
    return word(this.peek(), text);
  }
  private skipEnds(): void {
    while (this.is('\n') || this.is(';')) this.i++;
  }
  private endOfStatement(): void {
    if (this.i >= this.toks.length || this.is('}')) return;
    if (!this.is('\n') && !this.is(';')) throw this.error(`unexpected "${this.peek()!.text}"`, this.peek());
    this.i++;
  }

  /// `FAMILY NAME`, the family defaulting to ip as nft does.
  private tableRef(): NftTable {
    let fam: NftFamily = 'ip';
    const first = this.name('table name');
    let name = first.text;
    if ((FAMILIES as readonly string[]).includes(first.text) && !first.quoted && this.peek() && !['{', '\n', ';'].includes(this.peek()!.text)) {
      fam = first.text as NftFamily;
      name = this.name('table name').text;
    }
    const key = `${fam} ${name}`;
    let t = this.rs.tables.get(key);
    if (!t) this.rs.tables.set(key, (t = { family: fam, name, chains: new Map(), objects: new Map(), objectTokens: new Map() }));
    return t;
  }

  private chainIn(t: NftTable, name: string): NftChain {
    let c = t.chains.get(name);
    if (!c) t.chains.set(name, (c = { name, base: null, rules: [], seq: this.seq++ }));
    return c;
  }

  /// The words up to the end of a statement (a newline, `;`, or the closing brace of its block), its
  /// variables replaced (expandedWords). `block`: the statement declares an object (`set s { ... }`),
  /// whose braces hold statements, defines among them, rather than elements.
  private words(block = false): Words {
    if (this.variables) return this.expandedWords(block);
    const at = this.peek();
    const words: string[] = [];
    const tokens: NftToken[] = [];
    let depth = 0;
    for (let t = this.peek(); t; t = this.peek()) {
      if (!t.quoted && depth === 0 && (t.text === '\n' || t.text === ';' || t.text === '}')) break;
      if (!t.quoted && t.text === '{') depth++;
      if (!t.quoted && t.text === '}') depth--;
      // Sets and maps may span lines inside their braces.
      if (!(t.text === '\n' && !t.quoted)) {
        words.push(t.text);
        tokens.push(t);
      }
      this.i++;
    }
    return { words, at, tokens };
  }

  /// words() in a text that may use variables. The first error a variable makes is returned with the
  /// words, read to the statement's end all the same.
  private expandedWords(block: boolean): Words {
    const at = this.peek();
    const start = this.i;
    let tokens: NftToken[] = [];
    const words: string[] = [];
    let error: NftSyntaxError | undefined;
    let depth = 0;
    // Set values among a set's elements (spreadSets).
    let spread: Set<NftToken> | undefined;
    for (let t = this.peek(); t; t = this.peek()) {
      if (!t.quoted) {
        if (depth === 0 && (t.text === '\n' || t.text === ';' || t.text === '}')) break;
        if (t.text === '{') depth++;
        else if (t.text === '}') depth--;
        else if (t.text === '\n') {
          this.i++;
          continue;
        }
        // A define among an object's statements: it binds in the table's scope.
        if (block && depth === 1 && COMMON.has(t.text)) {
          const prev = this.toks[this.i - 1];
          if (word(prev, '{') || word(prev, ';') || word(prev, '\n')) {
            this.common();
            continue;
          }
        }
      }
      this.i++;
      if (!t.text.includes('$')) {
        tokens.push(t);
        words.push(t.text);
        continue;
      }
      const prev = this.toks[this.i - 2];
      const before = tokens.length;
      try {
        if (t.quoted) tokens.push(word(prev, 'prefix') && word(this.toks[this.i - 3], 'log') ? expandPrefix(t, this.scopes) : t);
        else {
          const inSet = depth > (block ? 1 : 0);
          const refused = refusedAfter(prev, this.toks[this.i - 3], inSet, inSet && this.inVmap(start, this.i - 1));
          if (refused) throw this.error(refused, t);
          for (const x of this.expandOne(t, inSet ? (spread ??= new Set()) : undefined)) tokens.push(x);
        }
      } catch (e) {
        if (!(e instanceof NftSyntaxError)) throw e;
        error ??= e;
      }
      for (let k = before; k < tokens.length; k++) words.push(tokens[k].text);
    }
    if (spread?.size) {
      tokens = spreadSets(tokens, spread);
      return { words: tokens.map((t) => t.text), at, tokens, error };
    }
    return { words, at, tokens, error };
  }

  /// Whether the innermost brace open at token `end` (read from `start`) is a verdict map's.
  private inVmap(start: number, end: number): boolean {
    let depth = 0;
    for (let k = end - 1; k >= start; k--) {
      const t = this.toks[k];
      if (word(t, '}')) depth++;
      else if (word(t, '{') && depth-- === 0) return word(this.toks[k - 1], 'vmap');
    }
    return false;
  }

  /// The word `t` just read, its `$NAME`s replaced; `$ NAME` takes the next word too.
  private expandOne(t: NftToken, spread?: Set<NftToken>): NftToken[] {
    if (t.text === '$') {
      const n = this.peek();
      if (!n || n.quoted || n.text === '\n' || n.text === ';' || n.text === '{' || n.text === '}')
        throw this.error(`syntax error, unexpected ${n ? (n.text === '\n' ? 'newline' : `"${n.text}"`) : 'end of file'} after "$": a variable's name must follow it`, n ?? t);
      this.i++;
      t = { ...t, text: `$${n.text}` };
    }
    return expandWord(t, this.scopes, spread);
  }

  /// A statement of every block: `define`, `redefine`, `undefine` (variables.ts) or `include`. Its error
  /// is reported, and the statement skipped: nft goes on after it.
  private common(): void {
    const kw = this.toks[this.i++];
    try {
      if (kw.text === 'include') throw this.error(INCLUDE, kw);
      const nameTok = this.next('variable name');
      const m = nameTok.quoted ? null : IDENTIFIER.exec(nameTok.text);
      if (!m) throw this.error(`syntax error, unexpected ${shown(nameTok)}, expecting a variable's name`, nameTok);
      const name = m[0];
      let rest = nameTok.text.slice(name.length);
      let restAt: NftToken = { ...nameTok, column: nameTok.column + name.length };
      if (kw.text === 'undefine') {
        if (rest) throw this.error(`syntax error, unexpected "${rest}"`, restAt);
        this.scopes.unbind(name);
        this.endOfStatement();
        return;
      }
      if (!rest) {
        const eq = this.peek();
        if (!eq || eq.quoted || !eq.text.startsWith('=')) throw this.error(`syntax error, unexpected ${shown(eq)}, expecting "="`, eq ?? nameTok);
        this.i++;
        [rest, restAt] = [eq.text, eq];
      }
      if (!rest.startsWith('=')) throw this.error(`syntax error, unexpected "${rest}", expecting "="`, restAt);
      // `A=1`, `=1`: the value's start sticks to the "=".
      const value = rest.length > 1 ? this.expandOne({ ...restAt, text: rest.slice(1), column: restAt.column + 1 }) : [];
      const more = this.words();
      if (more.error) throw more.error;
      for (const t of more.tokens) value.push(t);
      if (!value.length) throw this.error(`syntax error, unexpected ${shown(this.peek())}: ${kw.text} ${name} needs a value`, this.peek() ?? restAt);
      checkValue(value);
      if (kw.text === 'define' && this.scopes.lookup(name)) throw this.error(`redefinition of symbol '${name}'`, nameTok);
      this.scopes.bind(name, value);
      this.endOfStatement();
    } catch (e) {
      if (!(e instanceof NftSyntaxError)) throw e;
      this.report(e);
      this.skipStatement();
    }
  }

  /// At a statement's start: a define, undefine, redefine or include (common()).
  private atCommon(): boolean {
    const t = this.peek();
    return this.variables && !!t && !t.quoted && COMMON.has(t.text);
  }

  private report(e: NftSyntaxError): void {
    this.diagnostics.push({ line: e.line, column: e.column, message: e.message });
  }

  /// Skips the rest of a failed statement up to its end (a newline, `;`, or its block's `}`, left there).
  private skipStatement(): void {
    let depth = 0;
    for (let t = this.peek(); t; t = this.peek()) {
      if (!t.quoted) {
        if (depth === 0 && (t.text === '\n' || t.text === ';' || t.text === '}')) return;
        if (t.text === '{') depth++;
        else if (t.text === '}') depth--;
      }
      this.i++;
    }
  }

  /// A chain body: the base chain line, policy, rules (into `rules`, numbered later).
  private chainBody(c: NftChain, rules: NftRule[]): void {
    // A chain block is a scope of its own for variables.
    this.scopes.open();
    try {
      this.chainStatements(c, rules);
    } finally {
      this.scopes.close();
    }
  }

  private chainStatements(c: NftChain, rules: NftRule[]): void {
    for (this.skipEnds(); !this.is('}'); this.skipEnds()) {
      if (!this.peek()) throw this.error('"}" expected', this.toks[this.toks.length - 1]);
      if (this.atCommon()) {
        this.common();
        continue;
      }
      if (this.is('type')) {
        this.i++;
        const type = this.next('chain type').text;
        if (!this.is('hook')) throw this.error('"hook" expected', this.peek());
        this.i++;
        const hook = this.next('hook').text;
        if (this.is('device')) {
          this.i++;
          this.value('device');
        }
        if (!this.is('priority')) throw this.error('"priority" expected', this.peek());
        this.i++;
        const prio: string[] = [];
        while (this.peek() && !this.is(';') && !this.is('\n') && !this.is('}')) for (const t of this.value('priority')) prio.push(t.text);
        c.base = { type, hook, priority: prio.join(' '), policy: c.base?.policy ?? 'accept' };
      } else if (this.is('policy')) {
        this.i++;
        const v = this.value('policy');
        const p = v[0];
        if (v.length !== 1 || (p.text !== 'accept' && p.text !== 'drop')) throw this.error(`policy must be accept or drop, not "${v.map((t) => t.text).join(' ')}"`, p);
        if (!c.base) throw this.error('a policy needs a base chain (type ... hook ...)', p);
        c.base.policy = p.text;
      } else if (this.is('comment')) {
        const { error } = this.words();
        if (error) this.report(error);
      } else {
        const { words, at, tokens, error } = this.words();
        // nft drops a rule whose variable it cannot replace (and refuses the file).
        if (error) this.report(error);
        else if (words.length) rules.push({ words, tokens, line: at!.line, column: at!.column, handle: 0 });
      }
      this.endOfStatement();
    }
    this.i++;
  }

  /// The next word, a variable in it replaced: the value's words.
  private value(what: string): NftToken[] {
    const t = this.next(what);
    return this.variables && !t.quoted && t.text.includes('$') ? this.expandOne(t) : [t];
  }

  /// Takes `n` handles of the table; the last one.
  private take(t: NftTable, n = 1): number {
    const h = (this.handles.get(t) ?? 0) + n;
    this.handles.set(t, h);
    return h;
  }

  private chainEntries(c: NftChain): Entry[] {
    let e = this.entries.get(c);
    if (!e) this.entries.set(c, (e = []));
    return e;
  }

  /// A new rule in the chain: its anonymous sets' handles and its own, at the end, the start, or the
  /// place a rule command (`cmd`) gives.
  private placeRule(t: NftTable, c: NftChain, rule: NftRule, insert: boolean, place: Place | null, cmd?: NftToken): void {
    const list = this.chainEntries(c);
    let at = insert ? 0 : list.length;
    if (place && this.ruleCache) {
      // nft's cache: `index` counts every rule; it knows no handle of this transaction's rules.
      if (place.kind !== 'index') {
        const ref = this.cached(list, place.n, place.at);
        at = insert ? ref : ref + 1;
      } else if (place.n >= list.length) throw this.error(NO_RULE, place.at);
      else at = insert ? place.n : place.n + 1;
    } else if (place && place.kind !== 'index') {
      // The kernel's lookup: any rule of the chain, deleted or not; a miss fails the whole command.
      const ref = list.findIndex((e) => e.rule.handle === place.n);
      if (ref < 0) throw this.error(NO_RULE, cmd ?? place.at);
      at = insert ? ref : ref + 1;
    }
    rule.handle = this.take(t, ruleHandles(rule.tokens));
    if (at === list.length) list.push({ rule, deleted: false, txn: this.txn });
    else list.splice(at, 0, { rule, deleted: false, txn: this.txn });
  }

  /// Where nft's cache finds the rule with handle `n`: among those earlier transactions committed.
  private cached(list: readonly Entry[], n: number, at: NftToken): number {
    const ref = list.findIndex((e) => e.rule.handle === n);
    if (ref >= 0 && list[ref].txn < this.txn) return ref;
    throw this.error(ref >= 0 || this.txn === 1 ? NO_HANDLE : NO_RULE, at);
  }

  private tableBody(t: NftTable): void {
    // nft creates the block's new chains first, then its new objects, then the rules chain by chain.
    const chains: NftChain[] = [];
    const objects: string[] = [];
    const rules: { chain: NftChain; rules: NftRule[] }[] = [];
    // A table block is a scope of its own for variables.
    this.scopes.open();
    try {
      this.blockStatements(t, chains, objects, rules);
    } finally {
      this.scopes.close();
      // After an error too: what the block made so far stays, numbered, as the rest of the file goes on.
      this.take(t, chains.length);
      for (const rank of [0, 1, 2]) this.take(t, objects.filter((k) => objectRank(k) === rank).length);
      for (const b of rules) for (const r of b.rules) this.placeRule(t, b.chain, r, false, null);
    }
  }

  private blockStatements(t: NftTable, chains: NftChain[], objects: string[], rules: { chain: NftChain; rules: NftRule[] }[]): void {
    for (this.skipEnds(); !this.is('}'); this.skipEnds()) {
      if (this.atCommon()) {
        this.common();
        continue;
      }
      const kw = this.next('chain, set or object');
      if (kw.text === 'chain') {
        const name = this.name('chain name').text;
        const fresh = !t.chains.has(name);
        const c = this.chainIn(t, name);
        if (fresh) chains.push(c);
        if (!this.is('{')) throw this.error('"{" expected', this.peek());
        this.i++;
        const block: { chain: NftChain; rules: NftRule[] } = { chain: c, rules: [] };
        rules.push(block);
        this.chainBody(c, block.rules);
      } else if (OBJECT_KINDS.has(kw.text) || (kw.text === 'ct' && this.is('helper'))) {
        const kind = kw.text === 'ct' ? `ct ${this.next('helper').text}` : kw.text;
        const name = this.name(`${kind} name`).text;
        // An unknown variable leaves its element out; the object stays for the rules that use it.
        const { words, tokens, error } = this.words(true);
        if (error) this.report(error);
        const key = `${kind} ${name}`;
        if (!t.objects.has(key)) objects.push(key);
        t.objects.set(key, words);
        t.objectTokens.set(key, tokens);
      } else if (kw.text === 'flags' || kw.text === 'comment') {
        const { error } = this.words();
        if (error) this.report(error);
      } else throw this.error(`unknown table statement "${kw.text}"`, kw);
      this.endOfStatement();
    }
    this.i++;
  }

  /// `handle N` of `delete rule` / `replace rule`.
  private handleWord(cmd: NftToken): NftToken {
    if (!this.is('handle')) throw this.error('"handle" expected', this.peek() ?? cmd);
    this.i++;
    const at = this.next('handle');
    if (!/^\d+$/.test(at.text)) throw this.error(`"${at.text}" is not a rule handle`, at);
    return at;
  }

  /// The place of the rule with handle `at` in the chain, as the kernel finds it.
  private ruleByHandle(c: NftChain, at: NftToken, cmd: NftToken): number {
    const list = this.chainEntries(c);
    const index = list.findIndex((e) => e.rule.handle === Number(at.text));
    if (index < 0) throw this.error(NO_RULE, at);
    // Deleted earlier in this file: the kernel refuses the whole command.
    if (list[index].deleted) throw this.error(NO_RULE, cmd);
    return index;
  }

  /// One top-level statement: a declarative block or a command.
  statement(): void {
    if (this.atCommon()) return this.common();
    const kw = this.next('command');
    const cmd = kw.text;
    if (cmd === 'flush' && this.is('ruleset')) {
      this.i++;
      this.rs.tables.clear();
    } else if (cmd === 'list') {
      // Prints; changes nothing.
      this.words();
    } else if (cmd === 'table') {
      const t = this.tableRef();
      if (this.is('{')) {
        this.i++;
        this.tableBody(t);
      }
    } else if (cmd === 'add' || cmd === 'create' || cmd === 'insert' || cmd === 'replace' || cmd === 'delete' || cmd === 'flush' || cmd === 'destroy') {
      const what = this.next('object kind');
      if (cmd === 'replace' && what.text !== 'rule') throw this.error(`unsupported command "replace ${what.text}"`, what);
      if (what.text === 'table') {
        const t = this.tableRef();
        if (cmd === 'delete' || cmd === 'destroy') this.rs.tables.delete(`${t.family} ${t.name}`);
        else if (cmd === 'flush') for (const c of t.chains.values()) this.flushChain(c);
        else if (this.is('{')) {
          this.i++;
          this.tableBody(t);
        }
      } else if (what.text === 'chain') {
        const t = this.tableRef();
        const name = this.name('chain name').text;
        if (cmd === 'delete' || cmd === 'destroy') t.chains.delete(name);
        else {
          const fresh = !t.chains.has(name);
          const c = this.chainIn(t, name);
          if (fresh && cmd !== 'flush') this.take(t);
          if (cmd === 'flush') this.flushChain(c);
          else if (this.is('{')) {
            this.i++;
            const rules: NftRule[] = [];
            this.chainBody(c, rules);
            for (const r of rules) this.placeRule(t, c, r, false, null);
          }
        }
      } else if (what.text === 'rule' && (cmd === 'add' || cmd === 'insert' || cmd === 'replace')) {
        const t = this.tableRef();
        const c = this.chainIn(t, this.name('chain name').text);
        if (cmd === 'replace') {
          const at = this.handleWord(kw);
          const rule = this.ruleWords(kw);
          const list = this.chainEntries(c);
          // With a rule cache, nft looks the handle up there, where no rule of this transaction has one.
          const index = this.ruleCache ? this.cached(list, Number(at.text), at) : this.ruleByHandle(c, at, kw);
          this.take(t, ruleHandles(rule.tokens) - 1);
          rule.handle = list[index].rule.handle;
          list[index] = { rule, deleted: false, txn: this.txn };
        } else {
          let place: Place | null = null;
          const p = this.peek();
          if (p && !p.quoted && (p.text === 'position' || p.text === 'index' || p.text === 'handle')) {
            this.i++;
            const num = this.next(p.text);
            if (!/^\d+$/.test(num.text)) throw this.error(`"${num.text}" is not a number`, num);
            place = { kind: p.text as Place['kind'], n: Number(num.text), at: p.text === 'handle' ? num : p };
          }
          this.placeRule(t, c, this.ruleWords(kw), cmd === 'insert', place, kw);
        }
      } else if (what.text === 'rule' && (cmd === 'delete' || cmd === 'destroy')) {
        const t = this.tableRef();
        const c = this.chainIn(t, this.name('chain name').text);
        this.chainEntries(c)[this.ruleByHandle(c, this.handleWord(kw), kw)].deleted = true;
        this.deleting.add(c);
      } else if (OBJECT_KINDS.has(what.text) || what.text === 'element' || (what.text === 'ct' && this.is('helper'))) {
        const kind = what.text === 'ct' ? `ct ${this.next('helper').text}` : what.text;
        const t = this.tableRef();
        const name = this.name(`${kind} name`).text;
        // An element's braces hold elements; a set's, map's or object's hold statements.
        const { words, tokens, at, error } = this.words(kind !== 'element');
        if (error) throw error;
        if (kind === 'element') {
          // An element of a set or of a map, whichever the table declares.
          const key = t.objects.has(`map ${name}`) ? `map ${name}` : `set ${name}`;
          t.objects.set(key, [...(t.objects.get(key) ?? []), 'elements', ...words]);
          const word: NftToken = { text: 'elements', quoted: false, line: at?.line ?? what.line, column: at?.column ?? what.column };
          t.objectTokens.set(key, [...(t.objectTokens.get(key) ?? []), word, ...tokens]);
        } else if (cmd === 'delete' || cmd === 'destroy') {
          t.objects.delete(`${kind} ${name}`);
          t.objectTokens.delete(`${kind} ${name}`);
        } else {
          if (!t.objects.has(`${kind} ${name}`)) this.take(t);
          t.objects.set(`${kind} ${name}`, words);
          t.objectTokens.set(`${kind} ${name}`, tokens);
        }
      } else throw this.error(`unsupported command "${cmd} ${what.text}"`, what);
    } else throw this.error(`unknown command "${cmd}"`, kw);
    this.endOfStatement();
  }

  /// The rest of a rule command: its statements.
  private ruleWords(cmd: NftToken): NftRule {
    const { words, at, tokens, error } = this.words();
    if (error) throw error;
    if (!words.length) throw this.error('a rule needs statements', at ?? cmd);
    return { words, tokens, line: at!.line, column: at!.column, handle: 0 };
  }

  private flushChain(c: NftChain): void {
    for (const e of this.chainEntries(c)) e.deleted = true;
    this.deleting.add(c);
  }

  /// One transaction: a file for `nft -f`, or one nft command of a shell script (parseScript).
  transaction(toks: NftToken[], diagnostics: NftDiagnostic[], variables = true): void {
    this.txn++;
    this.variables = variables;
    this.toks = toks;
    this.i = 0;
    this.ruleCache = needsRuleCache(toks);
    // Each nft command of a script is a process of its own: its variables start afresh.
    this.scopes = new Scopes();
    this.diagnostics = diagnostics;
    this.statements(diagnostics);
    // The commit: deleted rules go.
    for (const c of this.deleting) this.entries.set(c, this.chainEntries(c).filter((e) => !e.deleted));
    this.deleting.clear();
  }

  /// The ruleset as the transactions so far left it.
  finish(): NftRuleset {
    for (const t of this.rs.tables.values()) for (const c of t.chains.values()) c.rules = (this.entries.get(c) ?? []).map((e) => e.rule);
    return this.rs;
  }

  /// Everything but the tables' handle counters as they are now, to put back (`nft -c` uses up handles
  /// and changes nothing else).
  snapshot(): () => void {
    const tables = new Map(this.rs.tables);
    const saved = [...tables.values()].map((t) => ({
      t, chains: new Map(t.chains), objects: new Map(t.objects), objectTokens: new Map(t.objectTokens),
      bases: [...t.chains.values()].map((c) => ({ c, base: c.base && { ...c.base }, entries: this.entries.get(c)?.map((e) => ({ ...e })) })),
    }));
    return () => {
      this.rs.tables.clear();
      for (const [k, t] of tables) this.rs.tables.set(k, t);
      for (const s of saved) {
        Object.assign(s.t, { chains: s.chains, objects: s.objects, objectTokens: s.objectTokens });
        for (const b of s.bases) {
          b.c.base = b.base;
          if (b.entries) this.entries.set(b.c, b.entries);
          else this.entries.delete(b.c);
        }
      }
    };
  }

  parse(diagnostics: NftDiagnostic[]): NftRuleset {
    this.transaction(this.toks, diagnostics, this.variables);
    return this.finish();
  }

  private statements(diagnostics: NftDiagnostic[]): void {
    for (this.skipEnds(); this.i < this.toks.length; this.skipEnds()) {
      const start = this.i;
      try {
        this.statement();
      } catch (e) {
        if (!(e instanceof NftSyntaxError)) throw e;
        diagnostics.push({ line: e.line, column: e.column, message: e.message });
        // Resume after the statement that failed: at the next line that starts at depth 0.
        let depth = 0;
        for (this.i = Math.max(this.i, start + 1); this.i < this.toks.length; this.i++) {
          const t = this.toks[this.i];
          if (t.quoted) continue;
          if (t.text === '{') depth++;
          if (t.text === '}') depth = Math.max(0, depth - 1);
          if (t.text === '\n' && depth === 0) break;
        }
      }
    }
  }
}

/// nft 1.0.6 keeps its own rule cache for the file when an `add`/`insert rule [FAMILY] TABLE CHAIN
/// index|position|handle N` comes after the last `replace rule` (which sets the cache flags anew).
function needsRuleCache(toks: readonly NftToken[]): boolean {
  let depth = 0, start = true, update = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.quoted) {
      start = false;
      continue;
    }
    if (t.text === '{') depth++;
    else if (t.text === '}') depth = Math.max(0, depth - 1);
    if (t.text === '\n' || t.text === ';') {
      start = true;
      continue;
    }
    if (start && depth === 0 && toks[i + 1]?.text === 'rule') {
      if (t.text === 'replace') update = false;
      else if (t.text === 'add' || t.text === 'insert') {
        let j = i + 2;
        if ((FAMILIES as readonly string[]).includes(toks[j]?.text) && toks[j + 3] && !['\n', ';', '{'].includes(toks[j + 1]?.text)) j++;
        const w = toks[j + 2];
        if (w && !w.quoted && (w.text === 'index' || w.text === 'position' || w.text === 'handle')) update = true;
      }
    }
    start = false;
  }
  return update;
}

/// Parses an nftables ruleset file (what `nft -f` reads), or a shell script of nft commands (shell.ts);
/// errors are collected with line and column.
export function parseNft(text: string): { ruleset: NftRuleset; diagnostics: NftDiagnostic[] } {
  if (isShellScript(text)) return parseScript(text);
  const diagnostics: NftDiagnostic[] = [];
  let toks: NftToken[];
  try {
    toks = tokenizeNft(text);
  } catch (e) {
    if (!(e instanceof NftSyntaxError)) throw e;
    return { ruleset: { tables: new Map() }, diagnostics: [{ line: e.line, column: e.column, message: e.message }] };
  }
  const ruleset = new Parser(toks, mayUseVariables(text)).parse(diagnostics);
  return { ruleset, diagnostics };
}

/// A shell script: each nft command is a transaction of its own, its positions those of the script.
function parseScript(text: string): { ruleset: NftRuleset; diagnostics: NftDiagnostic[] } {
  const script = readShellScript(text);
  const starts = lineStarts(text);
  const found: NftDiagnostic[] = [];
  const parser = new Parser([]);
  let failed = false;
  let stop: NftDiagnostic | null = null;
  for (const cmd of script.commands) {
    // `a && b`: b runs only when a succeeded.
    if (cmd.andThen && failed) continue;
    const local = lineStarts(cmd.text);
    const place = (line: number, column: number) => {
      const offset = Math.min(local[line - 1] + column - 1, cmd.at.length - 1);
      return where(starts, offset < 0 ? 0 : cmd.at[offset]);
    };
    const mine: NftDiagnostic[] = [];
    try {
      const toks = tokenizeNft(cmd.text);
      for (const t of toks) Object.assign(t, place(t.line, t.column));
      const undo = cmd.check ? parser.snapshot() : null;
      parser.transaction(toks, mine, mayUseVariables(cmd.text));
      undo?.();
    } catch (e) {
      if (!(e instanceof NftSyntaxError)) throw e;
      mine.push({ message: e.message, ...place(e.line, e.column) });
    }
    found.push(...mine);
    failed = mine.length > 0;
    if (failed && cmd.errexit) {
      stop = mine[mine.length - 1];
      stop.message += ' (set -e: the script stops here)';
      break;
    }
  }
  const before = (a: NftDiagnostic, b: NftDiagnostic) => a.line - b.line || a.column - b.column;
  // The shell's own errors past a stop were never reached.
  const shell = script.diagnostics.filter((d) => !stop || before(d, stop) < 0);
  return { ruleset: parser.finish(), diagnostics: [...shell, ...found].sort(before) };
}
