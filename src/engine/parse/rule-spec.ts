// The rule specification after `-A CHAIN`: header options (-s -d -i -o -p -f), matches (-m) with their
// options, and the target (-j / -g), as iptables parses them. One call may yield several rules, since
// `-s a,b` adds one rule per address as iptables does.
import type { Cidr } from '../model/addr';
import type { Chain, Clause, Counters, Iface, MatchUse, Rule, TableName, TargetUse, Hook } from '../model/ruleset';
import { ParseError, type Span } from '../model/span';
import { findMatch, findTarget } from '../modules/registry';
import { parseProtocol } from '../modules/protocols';
import { OptionError, type MatchModule, type Module, type OptionSpec, type Parsed, type RuleHeader } from '../modules/types';
import { parseAddress } from '../modules/values';
import { optionId, optionName, type SpanStore } from './span-store';
import { LineSpan, SpanClause, tokenSpan, type Token } from './tokens';

const HEADER = new Map<string, string>(Object.entries({
  '-s': 'source', '--source': 'source', '--src': 'source',
  '-d': 'destination', '--destination': 'destination', '--dst': 'destination',
  '-i': 'in-interface', '--in-interface': 'in-interface',
  '-o': 'out-interface', '--out-interface': 'out-interface',
  '-p': 'protocol', '--protocol': 'protocol',
  '-f': 'fragment', '--fragment': 'fragment',
  '-m': 'match', '--match': 'match',
  '-j': 'jump', '--jump': 'jump',
  '-g': 'goto', '--goto': 'goto',
  '-c': 'set-counters', '--set-counters': 'set-counters',
  '-4': 'ipv4', '--ipv4': 'ipv4', '-6': 'ipv6', '--ipv6': 'ipv6',
  '-w': 'wait', '--wait': 'wait', '-W': 'wait-interval', '--wait-interval': 'wait-interval',
}));

/// The built-in chains where -i or -o make no sense (iptables: "Can't use -o with INPUT").
const NO_IN: readonly string[] = ['OUTPUT', 'POSTROUTING'];
const NO_OUT: readonly string[] = ['PREROUTING', 'INPUT'];

export interface RuleSpecInput {
  table: TableName;
  chain: string;
  /// The rule's words are tokens[start..].
  tokens: Token[];
  start: number;
  /// The table's chains: a jump names its chain with the chain's own string (one copy per name).
  chains?: Map<string, Chain>;
  /// Span of the whole command, for rule.span.
  span: LineSpan;
  counters: Counters | null;
  /// Hooks the chain runs in (empty for user chains until analysis).
  hooks: readonly Hook[];
  nextId: () => number;
  /// The latest jump target made (targets are never changed in place: rules may share one).
  recent: { jump: JumpTarget | null };
  /// Where the rule's spans and clauses go.
  spans: SpanStore;
}

interface ModuleSlot {
  module: Module;
  parsed: Parsed;
  /// From `-m name` (or the first option of an implicit match) to the end of its latest option.
  first: Token;
  last: Token;
  implicit: boolean;
}

export type JumpTarget = Extract<TargetUse, { kind: 'jump' }>;

export interface RuleSpecResult {
  rules: Rule[];
  /// Set when the command asked for IPv6 only (-6): iptables skips such lines.
  ipv6Only: boolean;
}

export function parseRuleSpec(input: RuleSpecInput): RuleSpecResult {
  return PARSER.reset(input).parse();
}

/// One rule's options, left to right. One instance serves every rule (this runs once per rule of dumps
/// with 100k rules, never inside itself), its lists emptied by count rather than by `length = 0`, which
/// would make V8 give their storage back and grow it again for the next rule.
class RuleSpecParser {
  private input!: RuleSpecInput;
  private tokens: Token[] = [];
  private i = 0;
  private srcs: Cidr[] | null = null;
  private dsts: Cidr[] | null = null;
  private srcInv = false;
  private dstInv = false;
  private iif: Iface | null = null;
  private oif: Iface | null = null;
  private iifInv = false;
  private oifInv = false;
  private proto = 0;
  private protoInv = false;
  private protoSeen = false;
  private fragment: boolean | null = null;
  private counters: Counters | null = null;
  private ipv6Only = false;
  private readonly matches: ModuleSlot[] = [];
  private readonly made: MatchUse[] = [];
  private readonly slots: ModuleSlot[] = [];
  private readonly hdr: RuleHeader = { table: 'filter', chain: '', proto: 0, protoInv: false, hooks: [] };
  private nSlots = 0;
  private nMatches = 0;
  private target: TargetUse = NO_TARGET;
  private targetSlot: ModuleSlot | null = null;
  /// Offsets of `-j X` (or `-g X`), -1 when the rule has none.
  private targetFrom = -1;
  private targetTo = -1;
  /// The rule's clauses as numbers: option (optionId), start and end offsets, three entries each.
  private readonly clauses: number[] = [];
  private nClauses = 0;
  /// Header options seen, as bits (each may be given once).
  private seen = 0;
  /// What findIn found (fields rather than a result object per option).
  private foundSlot: ModuleSlot | null = null;
  private foundSpec: OptionSpec | null = null;
  private foundOption = 0;

  reset(input: RuleSpecInput): this {
    this.input = input;
    this.tokens = input.tokens;
    this.i = input.start;
    this.counters = input.counters;
    this.srcs = this.dsts = null;
    this.srcInv = this.dstInv = this.iifInv = this.oifInv = this.protoInv = this.protoSeen = this.ipv6Only = false;
    this.iif = this.oif = null;
    this.proto = 0;
    this.fragment = null;
    this.nMatches = this.nClauses = this.seen = this.nSlots = 0;
    this.target = NO_TARGET;
    this.targetSlot = null;
    this.targetFrom = this.targetTo = -1;
    return this;
  }

  /// Records the clause from token `a` to token `b`.
  private clause(option: number, a: Token, b: Token): void {
    const { clauses } = this;
    const n = this.nClauses;
    clauses[n] = option;
    clauses[n + 1] = a.src.offset + a.start;
    clauses[n + 2] = a.src.offset + b.end;
    this.nClauses = n + 3;
  }

  /// A module's slot for this rule, from the parser's pool (an unused one is only left for the next rule).
  private slot(module: Module, first: Token, last: Token, implicit: boolean): ModuleSlot {
    let s = this.slots[this.nSlots];
    if (s) {
      s.module = module;
      s.parsed = {};
      s.first = first;
      s.last = last;
      s.implicit = implicit;
    } else this.slots.push((s = { module, parsed: {}, first, last, implicit }));
    this.nSlots++;
    return s;
  }

  private addMatch(slot: ModuleSlot): void {
    this.matches[this.nMatches++] = slot;
  }

  parse(): RuleSpecResult {
    const { tokens } = this;
    while (this.i < tokens.length) {
      let tok = tokens[this.i];
      let inv = false;
      // The shell and iptables-restore both unquote: '!' is the same word as !.
      if (tok.text === '!') {
        inv = true;
        tok = tokens[++this.i];
        if (!tok) throw new ParseError('"!" must be followed by an option', tokens[this.i - 1].span);
        if (tok.text === '!') throw new ParseError('multiple "!" flags not allowed', tok.span);
      }
      const header = HEADER.get(tok.text);
      if (header) this.header(header, tok, inv);
      else this.moduleOption(tok, inv);
      this.i++;
    }
    return { rules: this.finish(), ipv6Only: this.ipv6Only };
  }

  private next(opt: Token, what: string): Token {
    const t = this.tokens[++this.i];
    if (!t) throw new ParseError(`option "${opt.text}" requires an ${what}`, opt.span);
    return t;
  }

  /// Old iptables accepted the `!` after the option (`-s ! 10.0.0.0/8`); iptables 1.8 refuses it, and
  /// so does nfplay, saying where the `!` goes now.
  private argInv(opt: Token, inv: boolean): boolean {
    const t = this.tokens[this.i + 1];
    if (t && t.text === '!') {
      const arg = this.tokens[this.i + 2]?.text ?? '';
      throw new ParseError(`Bad argument \`${arg}': iptables 1.8 takes "!" before the option only: write "! ${opt.text} ${arg}"`, t.span);
    }
    return inv;
  }

  private once(header: string, tok: Token): void {
    const bit = ONCE[header];
    if (!bit) return;
    if (this.seen & bit) throw new ParseError(`multiple -${header[0]} flags not allowed`, tok.span);
    this.seen |= bit;
  }

  private header(header: string, tok: Token, inv: boolean): void {
    this.once(header, tok);
    const { input } = this;
    switch (header) {
      case 'source':
      case 'destination': {
        inv = this.argInv(tok, inv);
        const arg = this.next(tok, 'address');
        const text = arg.text;
        const list = text.includes(',') ? text.split(',').map((a) => guard(parseAddress, a, arg)) : [guard(parseAddress, text, arg)];
        // iptables-nft stores nothing for 0.0.0.0/0, and refuses its negation (it could never match).
        if (inv) for (const c of list) if (c.mask === 0) throw new ParseError(`"! ${tok.text} 0.0.0.0/0" can never match: iptables-nft refuses it`, arg.span);
        if (header === 'source') {
          this.srcs = list;
          this.srcInv = inv;
        } else {
          this.dsts = list;
          this.dstInv = inv;
        }
        this.clause(header === 'source' ? SRC : DST, tok, arg);
        return;
      }
      case 'in-interface':
      case 'out-interface': {
        inv = this.argInv(tok, inv);
        const arg = this.next(tok, 'interface name');
        const name = arg.text;
        if (name.length === 0 || name.length > 15 || /[\s/]/.test(name) || (name.includes('+') && !name.endsWith('+')))
          throw new ParseError(`Warning: weird character in interface \`${name}' ('/' and ' ' are not allowed by the kernel).`, arg.span);
        const ifc: Iface = name.endsWith('+') ? { name: name.slice(0, -1), wildcard: true } : { name, wildcard: false };
        if (header === 'in-interface') {
          if (NO_IN.includes(input.chain)) throw new ParseError(`Can't use -i with ${input.chain}`, tok.span);
          this.iif = ifc;
          this.iifInv = inv;
        } else {
          if (NO_OUT.includes(input.chain)) throw new ParseError(`Can't use -o with ${input.chain}`, tok.span);
          this.oif = ifc;
          this.oifInv = inv;
        }
        this.clause(header === 'in-interface' ? IIF : OIF, tok, arg);
        return;
      }
      case 'protocol': {
        inv = this.argInv(tok, inv);
        const arg = this.next(tok, 'protocol');
        this.proto = guard(parseProtocol, arg.text, arg);
        this.protoInv = inv;
        this.protoSeen = true;
        if (this.proto === 0 && inv) throw new ParseError('rule would never match protocol', arg.span);
        this.clause(PROTO, tok, arg);
        return;
      }
      case 'fragment':
        this.fragment = !inv;
        this.clause(FRAGMENT, tok, tok);
        return;
      case 'match': {
        if (inv) throw new ParseError('unexpected ! flag before --match', tok.span);
        const arg = this.next(tok, 'match name');
        const m = findMatch(arg.text);
        if (!m) throw new ParseError(`Couldn't load match \`${arg.text}': No such file or directory`, arg.span);
        this.addMatch(this.slot(m, tok, arg, false));
        return;
      }
      case 'jump':
      case 'goto': {
        if (inv) throw new ParseError(`cannot have ! before -${header[0]}`, tok.span);
        if (this.seen & ONCE.jump && this.seen & ONCE.goto) throw new ParseError('Cannot use -j and -g together', tok.span);
        const arg = this.next(tok, 'target');
        this.targetFrom = tok.src.offset + tok.start;
        this.targetTo = arg.src.offset + arg.end;
        const name = arg.text;
        if (header === 'goto') this.target = this.jumpTo(name, true);
        else if (name === 'ACCEPT' || name === 'DROP' || name === 'RETURN') this.target = VERDICTS[name];
        else {
          const t = findTarget(name);
          if (t) {
            this.targetSlot = this.slot(t, tok, arg, false);
            // Made in finish, with its options.
            this.target = NO_TARGET;
          } else this.target = this.jumpTo(name, false);
        }
        return;
      }
      case 'set-counters': {
        const p = this.next(tok, 'packet count');
        const b = this.next(tok, 'byte count');
        if (!/^\d+$/.test(p.text)) throw new ParseError(`Bad argument \`${p.text}'`, p.span);
        if (!/^\d+$/.test(b.text)) throw new ParseError(`Bad argument \`${b.text}'`, b.span);
        this.counters = { packets: Number(p.text), bytes: Number(b.text) };
        return;
      }
      case 'ipv6':
        this.ipv6Only = true;
        return;
      case 'wait':
      case 'wait-interval': {
        const t = this.tokens[this.i + 1];
        if (t && /^\d+$/.test(t.text)) this.i++;
        return;
      }
    }
  }

  /// The target of `-j NAME` (or `-g NAME`), naming the chain with the chain's own string when it
  /// exists; the same object as the latest rule's when that jumped there too.
  private jumpTo(name: string, goto: boolean): TargetUse {
    const { recent } = this.input;
    const last = recent.jump;
    if (last !== null && last.goto === goto && last.chain === name) return last;
    return (recent.jump = { kind: 'jump', chain: this.input.chains?.get(name)?.name ?? name, goto });
  }

  /// A module option: the target's, then the latest-loaded match that knows it, then the match iptables
  /// loads by itself for the protocol (`-p tcp --dport 22`).
  private moduleOption(tok: Token, inv: boolean): void {
    const text = tok.text;
    if (text.length < 2 || text.charCodeAt(0) !== 45 /* - */ || tok.quoted) throw new ParseError(`Bad argument \`${text}'`, tok.span);
    const { matches } = this;
    let found = this.targetSlot !== null && this.findIn(this.targetSlot, text);
    for (let k = this.nMatches - 1; !found && k >= 0; k--) found = this.findIn(matches[k], text);
    if (!found && this.protoSeen && !this.protoInv) {
      const implicit = findMatch(protocolModule(this.proto));
      if (implicit && !this.uses(implicit)) {
        const slot = this.slot(implicit, tok, tok, true);
        found = this.findIn(slot, text);
        if (found) this.addMatch(slot);
      }
    }
    if (!found) {
      const slots = matches.slice(0, this.nMatches);
      if (this.targetSlot) slots.unshift(this.targetSlot);
      found = this.findPrefix(slots, text.startsWith('--') ? text.slice(2) : text.slice(1));
    }
    if (!found) throw new ParseError(`unknown option "${text}"`, tok.span);
    const slot = this.foundSlot!, spec = this.foundSpec!;
    const nargs = spec.args ?? 1;
    if (nargs > 0) inv = this.argInv(tok, inv);
    if (inv && !spec.invert) throw new ParseError(`unexpected \`!' flag before --${spec.name}`, tok.span);
    // Arrays of the exact size (one pushed to grows to 17 slots).
    let first: Token | null = null, last: Token = tok, args: string[];
    if (nargs === 1) {
      first = last = this.next(tok, 'argument');
      args = [last.text];
    } else if (nargs === 2) {
      first = this.next(tok, 'argument');
      last = this.next(tok, 'additional argument');
      args = [first.text, last.text];
    } else args = NO_ARGS;
    // Without a parser an option keeps its argument as given (a flag, just true).
    const value = spec.parse ? guard(spec.parse, args, first ?? tok) : nargs === 0 ? true : nargs === 1 ? args[0] : args;
    const prev = slot.parsed[spec.name];
    if (prev && !spec.repeat) throw new ParseError(`${slot.module.name}: "--${spec.name}" option may only be specified once`, tok.span);
    slot.parsed[spec.name] = spec.repeat ? { value: [...((prev?.value as unknown[]) ?? []), value], inv } : { value, inv };
    slot.last = last;
    this.clause(this.foundOption, tok, last);
  }

  private uses(module: Module): boolean {
    for (let k = 0; k < this.nMatches; k++) if (this.matches[k].module === module) return true;
    return false;
  }

  /// Whether the option `word` (`--name` or `-name`) names one of the slot's module's; what it names
  /// goes to the found* fields.
  private findIn(slot: ModuleSlot, word: string): boolean {
    const hit = optionWords(slot.module).get(word);
    if (!hit) return false;
    this.foundSlot = slot;
    this.foundSpec = hit.spec;
    this.foundOption = hit.id;
    return true;
  }

  /// getopt_long accepts an unambiguous prefix of a long option.
  private findPrefix(slots: ModuleSlot[], name: string): boolean {
    if (name.length < 3) return false;
    let hits = 0;
    for (const slot of slots)
      for (const spec of slot.module.options)
        if (spec.name.startsWith(name)) {
          hits++;
          this.foundSlot = slot;
          this.foundSpec = spec;
          this.foundOption = optionId(`--${spec.name}`);
        }
    return hits === 1;
  }

  private finish(): Rule[] {
    const { input } = this;
    // What the modules' finalize checks the rule against (they read it, never keep it).
    const hdr = this.hdr;
    hdr.table = input.table;
    hdr.chain = input.chain;
    hdr.proto = this.proto;
    hdr.protoInv = this.protoInv;
    hdr.hooks = input.hooks;
    // The store's record of the rule: its span, its target's, its clauses, then each match's span.
    const { spans, span } = input;
    const nc = this.nClauses, nm = this.nMatches;
    const at = spans.reserve(RULE_CLAUSES + nc + 4 * nm);
    let d = spans.data;
    d[at] = span.line;
    d[at + 1] = span.base;
    d[at + 2] = span.from;
    d[at + 3] = span.to;
    d[at + 4] = this.targetFrom;
    d[at + 5] = this.targetTo;
    d[at + 6] = nc;
    for (let k = 0; k < nc; k++) d[at + RULE_CLAUSES + k] = this.clauses[k];
    const uses = this.made;
    for (let k = 0, m_at = at + RULE_CLAUSES + nc; k < nm; k++, m_at += 4) {
      const m = this.matches[k];
      const first = m.first, src = first.src;
      d[m_at] = src.line;
      d[m_at + 1] = src.offset;
      d[m_at + 2] = src.offset + first.start;
      d[m_at + 3] = src.offset + m.last.end;
      uses[k] = { module: m.module as MatchModule, options: finalize(m, hdr), implicit: m.implicit };
      d = spans.data;
    }
    // An array literal of the exact size: V8 learns that these survive and makes them in the old
    // generation at once, where a `new Array(n)` would be copied by two young-generation collections.
    const matches = nm === 0 ? [] : nm === 1 ? [uses[0]] : nm === 2 ? [uses[0], uses[1]] : nm === 3 ? [uses[0], uses[1], uses[2]] : uses.slice(0, nm);
    let target = this.target;
    const slot = this.targetSlot;
    if (slot && slot.module.kind === 'target') {
      const t = slot.module;
      if (t.tables && !t.tables.includes(input.table))
        throw new ParseError(`${t.name} target is only valid in the ${t.tables.join('/')} table, not ${input.table}`, this.targetSpan());
      if (t.hooks && input.hooks.length && !input.hooks.every((h) => t.hooks!.includes(h)))
        throw new ParseError(`${t.name} target is only valid in ${t.hooks.join(', ')}`, this.targetSpan());
      target = { kind: 'module', module: t, options: finalize(slot, hdr) };
    }
    const { srcs, dsts } = this;
    // One rule per source and destination address (nearly always one of each, or none), all of them
    // with the same record.
    if ((!srcs || srcs.length === 1) && (!dsts || dsts.length === 1)) return [this.rule(srcs?.[0] ?? null, dsts?.[0] ?? null, matches, target, at)];
    const rules: Rule[] = [];
    for (const src of srcs ?? [null]) for (const dst of dsts ?? [null]) rules.push(this.rule(src, dst, matches, target, at));
    return rules;
  }

  private targetSpan(): Span {
    return new LineSpan(this.input.span.line, this.input.span.base, this.targetFrom, this.targetTo);
  }

  private rule(src: Cidr | null, dst: Cidr | null, matches: MatchUse[], target: TargetUse, at: number): Rule {
    const { input } = this;
    const c = this.counters;
    const r: ParsedRule = {
      __proto__: RULE,
      id: input.nextId(),
      table: input.table,
      chain: input.chain,
      src: src && (src.mask || this.srcInv) ? src : null,
      dst: dst && (dst.mask || this.dstInv) ? dst : null,
      iif: this.iif,
      oif: this.oif,
      proto: this.proto,
      fragment: this.fragment,
      matches,
      target,
      inv: (this.srcInv ? SRC_INV : 0) | (this.dstInv ? DST_INV : 0) | (this.iifInv ? IIF_INV : 0) | (this.oifInv ? OIF_INV : 0) | (this.protoInv ? PROTO_INV : 0),
      counts: c && { packets: c.packets, bytes: c.bytes },
      store: input.spans,
      at,
    } as unknown as ParsedRule;
    return r;
  }
}

const SRC_INV = 1, DST_INV = 2, IIF_INV = 4, OIF_INV = 8, PROTO_INV = 16;
const SRC = optionId('-s'), DST = optionId('-d'), IIF = optionId('-i'), OIF = optionId('-o'), PROTO = optionId('-p'), FRAGMENT = optionId('-f');

/// A rule's record in the store: line, line start, from, to, target from, target to (-1 without a
/// target), the number of clause entries, then three per clause (option, from, to), then four per match
/// (line, line start, from, to).
const RULE_CLAUSES = 7;

/// A rule as parsed: an object literal (V8 learns that the objects of a literal survive and makes them in
/// the old generation at once; instances of a class are copied by two young-generation collections
/// first) over RULE, which makes its spans and clauses from the numbers in the parse's store when they
/// are read: few are (errors, the analysis, editor marks), and a 100k-rule dump would otherwise keep
/// half a million more objects alive.
interface ParsedRule extends Rule {
  /// The header's `!`s, as bits (SRC_INV ...): one field instead of five.
  inv: number;
  /// The dump's `[p:b]`, made when first read when the dump gives none (most rules).
  counts: Counters | null;
  store: SpanStore;
  /// The rule's record in the store.
  at: number;
}

const RULE: ThisType<ParsedRule> & Pick<Rule, 'srcInv' | 'dstInv' | 'iifInv' | 'oifInv' | 'protoInv' | 'counters' | 'span' | 'targetSpan' | 'clauses' | 'matchSpan'> = {
  get srcInv(): boolean {
    return (this.inv & SRC_INV) !== 0;
  },
  get dstInv(): boolean {
    return (this.inv & DST_INV) !== 0;
  },
  get iifInv(): boolean {
    return (this.inv & IIF_INV) !== 0;
  },
  get oifInv(): boolean {
    return (this.inv & OIF_INV) !== 0;
  },
  get protoInv(): boolean {
    return (this.inv & PROTO_INV) !== 0;
  },
  get counters(): Counters {
    return (this.counts ??= { packets: 0, bytes: 0 });
  },
  set counters(c: Counters) {
    this.counts = c;
  },
  get span(): Span {
    const d = this.store.data, at = this.at;
    return new LineSpan(d[at], d[at + 1], d[at + 2], d[at + 3]);
  },
  get targetSpan(): Span | null {
    const d = this.store.data, at = this.at;
    return d[at + 4] < 0 ? null : new LineSpan(d[at], d[at + 1], d[at + 4], d[at + 5]);
  },
  get clauses(): Clause[] {
    const d = this.store.data, at = this.at;
    const out: Clause[] = [];
    for (let k = at + RULE_CLAUSES, end = k + d[at + 6]; k < end; k += 3) out.push(new SpanClause(optionName(d[k]), d[at], d[at + 1], d[k + 1], d[k + 2]));
    return out;
  },
  matchSpan(k: number): Span {
    const d = this.store.data;
    const at = this.at + RULE_CLAUSES + d[this.at + 6] + 4 * k;
    return new LineSpan(d[at], d[at + 1], d[at + 2], d[at + 3]);
  },
};

/// The target of a rule without -j or -g.
const NO_TARGET: TargetUse = { kind: 'none' };
const NO_ARGS: string[] = [];
const VERDICTS = {
  ACCEPT: { kind: 'verdict', verdict: 'ACCEPT' },
  DROP: { kind: 'verdict', verdict: 'DROP' },
  RETURN: { kind: 'verdict', verdict: 'RETURN' },
} as const satisfies Record<string, TargetUse>;
const PARSER = new RuleSpecParser();

const ONCE: Record<string, number> = {
  source: 1, destination: 2, 'in-interface': 4, 'out-interface': 8, protocol: 16, fragment: 32, jump: 64, goto: 128, 'set-counters': 256,
};

function finalize(slot: ModuleSlot, hdr: RuleHeader): unknown {
  try {
    return slot.module.finalize(slot.parsed, hdr);
  } catch (e) {
    if (e instanceof OptionError) throw new ParseError(e.message, tokenSpan(slot.first, slot.last));
    throw e;
  }
}

/// A module's options by the words that name them (`--dport`, `--destination-port`, `-dport`), each
/// with its clause name: one lookup per option instead of a walk over the specs and a new string.
const OPTION_WORDS = new Map<Module, Map<string, { spec: OptionSpec; id: number }>>();

function optionWords(module: Module): Map<string, { spec: OptionSpec; id: number }> {
  let words = OPTION_WORDS.get(module);
  if (!words) {
    words = new Map();
    // The first spec naming a word wins, as a walk over the specs in order finds it.
    for (const spec of module.options) {
      const hit = { spec, id: optionId(`--${spec.name}`) };
      for (const name of [spec.name, ...(spec.aliases ?? [])])
        for (const word of [`--${name}`, `-${name}`]) if (!words.has(word)) words.set(word, hit);
    }
    OPTION_WORDS.set(module, words);
  }
  return words;
}

/// The match iptables loads for `-p NAME` options (icmp for 1, tcp for 6 ...).
function protocolModule(proto: number): string {
  return PROTOCOL_MODULES[proto] ?? '';
}

const PROTOCOL_MODULES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 132: 'sctp', 136: 'udplite', 33: 'dccp' };

/// Runs a value parser, turning its OptionError into a ParseError at the argument's span.
function guard<A, T>(f: (a: A) => T, arg: A, at: Token): T {
  try {
    return f(arg);
  } catch (e) {
    if (e instanceof OptionError) throw new ParseError(e.message, at.span);
    throw e;
  }
}
