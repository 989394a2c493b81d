// The structure of an nftables ruleset in either form nft reads: declarative blocks
// (`table ip filter { chain INPUT { type filter hook input priority filter; policy drop; ... } }`) and
// command lists (`add table`, `add chain ... { ... }`, `add rule`, `insert rule`, `add set`, `flush`,
// `delete table`). Rules are kept as their words, with their place: the first step toward simulating
// them.
import { NftSyntaxError, tokenizeNft, type NftToken } from './tokens';

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

class Parser {
  private i = 0;
  private seq = 0;
  readonly rs: NftRuleset = { tables: new Map() };
  constructor(private toks: NftToken[]) {}

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
  private error(message: string, t: NftToken | undefined): NftSyntaxError {
    return new NftSyntaxError(message, t?.line ?? 1, t?.column ?? 1);
  }
  private is(text: string): boolean {
    const t = this.peek();
    return !!t && !t.quoted && t.text === text;
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
    const first = this.next('table name');
    let name = first.text;
    if ((FAMILIES as readonly string[]).includes(first.text) && !first.quoted && this.peek() && !['{', '\n', ';'].includes(this.peek()!.text)) {
      fam = first.text as NftFamily;
      name = this.next('table name').text;
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

  /// The words up to the end of a statement (a newline, `;`, or the closing brace of its block).
  private words(): { words: string[]; at: NftToken | undefined; tokens: NftToken[] } {
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

  /// A chain body: the base chain line, policy, rules.
  private chainBody(c: NftChain): void {
    for (this.skipEnds(); !this.is('}'); this.skipEnds()) {
      if (!this.peek()) throw this.error('"}" expected', this.toks[this.toks.length - 1]);
      if (this.is('type')) {
        this.i++;
        const type = this.next('chain type').text;
        if (!this.is('hook')) throw this.error('"hook" expected', this.peek());
        this.i++;
        const hook = this.next('hook').text;
        if (this.is('device')) {
          this.i++;
          this.next('device');
        }
        if (!this.is('priority')) throw this.error('"priority" expected', this.peek());
        this.i++;
        const prio: string[] = [];
        while (this.peek() && !this.is(';') && !this.is('\n') && !this.is('}')) prio.push(this.next('priority').text);
        c.base = { type, hook, priority: prio.join(' '), policy: c.base?.policy ?? 'accept' };
      } else if (this.is('policy')) {
        this.i++;
        const p = this.next('policy');
        if (p.text !== 'accept' && p.text !== 'drop') throw this.error(`policy must be accept or drop, not "${p.text}"`, p);
        if (!c.base) throw this.error('a policy needs a base chain (type ... hook ...)', p);
        c.base.policy = p.text;
      } else if (this.is('comment')) {
        this.words();
      } else {
        const { words, at, tokens } = this.words();
        if (words.length) c.rules.push({ words, tokens, line: at!.line, column: at!.column });
      }
      this.endOfStatement();
    }
    this.i++;
  }

  private tableBody(t: NftTable): void {
    for (this.skipEnds(); !this.is('}'); this.skipEnds()) {
      const kw = this.next('chain, set or object');
      if (kw.text === 'chain') {
        const c = this.chainIn(t, this.next('chain name').text);
        if (!this.is('{')) throw this.error('"{" expected', this.peek());
        this.i++;
        this.chainBody(c);
      } else if (OBJECT_KINDS.has(kw.text) || (kw.text === 'ct' && this.is('helper'))) {
        const kind = kw.text === 'ct' ? `ct ${this.next('helper').text}` : kw.text;
        const name = this.next(`${kind} name`).text;
        const { words, tokens } = this.words();
        t.objects.set(`${kind} ${name}`, words);
        t.objectTokens.set(`${kind} ${name}`, tokens);
      } else if (kw.text === 'flags' || kw.text === 'comment') this.words();
      else throw this.error(`unknown table statement "${kw.text}"`, kw);
      this.endOfStatement();
    }
    this.i++;
  }

  /// One top-level statement: a declarative block or a command.
  statement(): void {
    const kw = this.next('command');
    const cmd = kw.text;
    if (cmd === 'flush' && this.is('ruleset')) {
      this.i++;
      this.rs.tables.clear();
    } else if (cmd === 'table') {
      const t = this.tableRef();
      if (this.is('{')) {
        this.i++;
        this.tableBody(t);
      }
    } else if (cmd === 'add' || cmd === 'create' || cmd === 'insert' || cmd === 'delete' || cmd === 'flush' || cmd === 'destroy') {
      const what = this.next('object kind');
      if (what.text === 'table') {
        const t = this.tableRef();
        if (cmd === 'delete' || cmd === 'destroy') this.rs.tables.delete(`${t.family} ${t.name}`);
        else if (cmd === 'flush') for (const c of t.chains.values()) c.rules = [];
        else if (this.is('{')) {
          this.i++;
          this.tableBody(t);
        }
      } else if (what.text === 'chain') {
        const t = this.tableRef();
        const name = this.next('chain name').text;
        if (cmd === 'delete' || cmd === 'destroy') t.chains.delete(name);
        else {
          const c = this.chainIn(t, name);
          if (cmd === 'flush') c.rules = [];
          else if (this.is('{')) {
            this.i++;
            this.chainBody(c);
          }
        }
      } else if (what.text === 'rule' && (cmd === 'add' || cmd === 'insert')) {
        const t = this.tableRef();
        const c = this.chainIn(t, this.next('chain name').text);
        let at: number | null = null;
        let index = false;
        if (this.is('position') || this.is('index') || this.is('handle')) {
          index = this.is('index');
          this.i++;
          at = Number(this.next('position').text);
        }
        const { words, at: first, tokens } = this.words();
        if (!words.length) throw this.error('a rule needs statements', first ?? kw);
        const rule = { words, tokens, line: first!.line, column: first!.column };
        // Without a place, insert puts the rule first and add last; `index N` is the N-th rule (from 0), which
        // add puts the rule after and insert before. (Handles are the kernel's numbers: not followed.)
        if (index && at !== null && at < c.rules.length) c.rules.splice(cmd === 'insert' ? at : at + 1, 0, rule);
        else if (cmd === 'insert' && at === null) c.rules.unshift(rule);
        else c.rules.push(rule);
      } else if (OBJECT_KINDS.has(what.text) || what.text === 'element' || (what.text === 'ct' && this.is('helper'))) {
        const kind = what.text === 'ct' ? `ct ${this.next('helper').text}` : what.text;
        const t = this.tableRef();
        const name = this.next(`${kind} name`).text;
        const { words, tokens, at } = this.words();
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
          t.objects.set(`${kind} ${name}`, words);
          t.objectTokens.set(`${kind} ${name}`, tokens);
        }
      } else throw this.error(`unsupported command "${cmd} ${what.text}"`, what);
    } else throw this.error(`unknown command "${cmd}"`, kw);
    this.endOfStatement();
  }

  parse(diagnostics: NftDiagnostic[]): NftRuleset {
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
    return this.rs;
  }
}

/// Parses an nftables ruleset file (what `nft -f` reads); errors are collected with line and column.
export function parseNft(text: string): { ruleset: NftRuleset; diagnostics: NftDiagnostic[] } {
  const diagnostics: NftDiagnostic[] = [];
  let toks: NftToken[];
  try {
    toks = tokenizeNft(text);
  } catch (e) {
    if (!(e instanceof NftSyntaxError)) throw e;
    return { ruleset: { tables: new Map() }, diagnostics: [{ line: e.line, column: e.column, message: e.message }] };
  }
  const ruleset = new Parser(toks).parse(diagnostics);
  return { ruleset, diagnostics };
}
