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
import { LineSpan, tokenClause, tokenSpan, type Token } from './tokens';

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
  span: Span;
  counters: Counters | null;
  /// Hooks the chain runs in (empty for user chains until analysis).
  hooks: readonly Hook[];
  nextId: () => number;
}

interface ModuleSlot {
  module: Module;
  parsed: Parsed;
  /// From `-m name` (or the first option of an implicit match) to the end of its latest option.
  first: Token;
  last: Token;
  implicit: boolean;
}

export interface RuleSpecResult {
  rules: Rule[];
  /// Set when the command asked for IPv6 only (-6): iptables skips such lines.
  ipv6Only: boolean;
}

export function parseRuleSpec(input: RuleSpecInput): RuleSpecResult {
  return new RuleSpecParser(input).parse();
}

/// One rule's options, left to right. A class rather than closures: this runs once per rule of dumps with
/// 100k rules, and per-call closures cost more than the parsing itself.
class RuleSpecParser {
  private tokens: Token[];
  private i: number;
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
  private counters: Counters | null;
  private ipv6Only = false;
  private matches: ModuleSlot[] = MATCHES;
  private target: TargetUse = NO_TARGET;
  private targetSlot: ModuleSlot | null = null;
  private targetSpan: Span | null = null;
  private clauses: Clause[] = CLAUSES;
  /// Header options seen, as bits (each may be given once).
  private seen = 0;

  constructor(private input: RuleSpecInput) {
    this.tokens = input.tokens;
    this.i = input.start;
    this.counters = input.counters;
    MATCHES.length = CLAUSES.length = 0;
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
        const list = arg.text.split(',').map((a) => guard(parseAddress, a, arg));
        // iptables-nft stores nothing for 0.0.0.0/0, and refuses its negation (it could never match).
        if (inv && list.some((c) => c.mask === 0)) throw new ParseError(`"! ${tok.text} 0.0.0.0/0" can never match: iptables-nft refuses it`, arg.span);
        if (header === 'source') {
          this.srcs = list;
          this.srcInv = inv;
        } else {
          this.dsts = list;
          this.dstInv = inv;
        }
        this.clauses.push(tokenClause(header === 'source' ? '-s' : '-d', tok, arg));
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
        this.clauses.push(tokenClause(header === 'in-interface' ? '-i' : '-o', tok, arg));
        return;
      }
      case 'protocol': {
        inv = this.argInv(tok, inv);
        const arg = this.next(tok, 'protocol');
        this.proto = guard(parseProtocol, arg.text, arg);
        this.protoInv = inv;
        this.protoSeen = true;
        if (this.proto === 0 && inv) throw new ParseError('rule would never match protocol', arg.span);
        this.clauses.push(tokenClause('-p', tok, arg));
        return;
      }
      case 'fragment':
        this.fragment = !inv;
        this.clauses.push(tokenClause('-f', tok, tok));
        return;
      case 'match': {
        if (inv) throw new ParseError('unexpected ! flag before --match', tok.span);
        const arg = this.next(tok, 'match name');
        const m = findMatch(arg.text);
        if (!m) throw new ParseError(`Couldn't load match \`${arg.text}': No such file or directory`, arg.span);
        this.matches.push({ module: m, parsed: {}, first: tok, last: arg, implicit: false });
        return;
      }
      case 'jump':
      case 'goto': {
        if (inv) throw new ParseError(`cannot have ! before -${header[0]}`, tok.span);
        if (this.seen & ONCE.jump && this.seen & ONCE.goto) throw new ParseError('Cannot use -j and -g together', tok.span);
        const arg = this.next(tok, 'target');
        this.targetSpan = tokenSpan(tok, arg);
        const name = arg.text;
        if (header === 'goto') this.target = { kind: 'jump', chain: this.chainName(name), goto: true };
        else if (name === 'ACCEPT' || name === 'DROP' || name === 'RETURN') this.target = { kind: 'verdict', verdict: name };
        else {
          const t = findTarget(name);
          if (t) {
            this.targetSlot = { module: t, parsed: {}, first: tok, last: arg, implicit: false };
            this.target = { kind: 'module', module: t, options: null };
          } else this.target = { kind: 'jump', chain: this.chainName(name), goto: false };
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

  /// The chain's own name string when the chain exists (most jumps), else the word as written.
  private chainName(name: string): string {
    return this.input.chains?.get(name)?.name ?? name;
  }

  /// A module option: the target's, then the latest-loaded match that knows it, then the match iptables
  /// loads by itself for the protocol (`-p tcp --dport 22`).
  private moduleOption(tok: Token, inv: boolean): void {
    const text = tok.text;
    if (text.length < 2 || text.charCodeAt(0) !== 45 /* - */ || tok.quoted) throw new ParseError(`Bad argument \`${text}'`, tok.span);
    let found = this.targetSlot ? findIn(this.targetSlot, text) : null;
    for (let k = this.matches.length - 1; !found && k >= 0; k--) found = findIn(this.matches[k], text);
    if (!found && this.protoSeen && !this.protoInv) {
      const implicit = findMatch(protocolModule(this.proto));
      if (implicit && !this.matches.some((m) => m.module === implicit)) {
        const slot: ModuleSlot = { module: implicit, parsed: {}, first: tok, last: tok, implicit: true };
        found = findIn(slot, text);
        if (found) this.matches.push(slot);
      }
    }
    if (!found) found = findPrefix(this.targetSlot ? [this.targetSlot, ...this.matches] : this.matches, text.startsWith('--') ? text.slice(2) : text.slice(1));
    if (!found) throw new ParseError(`unknown option "${text}"`, tok.span);
    const { slot, spec } = found;
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
    } else args = [];
    const clause = tokenClause(found.option, tok, last);
    // Without a parser an option keeps its argument as given (a flag, just true).
    const value = spec.parse ? guard(spec.parse, args, first ?? tok) : nargs === 0 ? true : nargs === 1 ? args[0] : args;
    const prev = slot.parsed[spec.name];
    if (prev && !spec.repeat) throw new ParseError(`${slot.module.name}: "--${spec.name}" option may only be specified once`, tok.span);
    slot.parsed[spec.name] = spec.repeat ? { value: [...((prev?.value as unknown[]) ?? []), value], inv, span: clause } : { value, inv, span: clause };
    slot.last = last;
    this.clauses.push(clause);
  }

  private finish(): Rule[] {
    const { input } = this;
    const hdr: RuleHeader = { table: input.table, chain: input.chain, proto: this.proto, protoInv: this.protoInv, hooks: input.hooks };
    const uses: MatchUse[] = this.matches.map((m) => new ParsedMatch(m.module as MatchModule, finalize(m, hdr), m.implicit, m.first, m.last));
    let target = this.target;
    const slot = this.targetSlot;
    if (slot && slot.module.kind === 'target') {
      const t = slot.module;
      if (t.tables && !t.tables.includes(input.table))
        throw new ParseError(`${t.name} target is only valid in the ${t.tables.join('/')} table, not ${input.table}`, this.targetSpan!);
      if (t.hooks && input.hooks.length && !input.hooks.every((h) => t.hooks!.includes(h)))
        throw new ParseError(`${t.name} target is only valid in ${t.hooks.join(', ')}`, this.targetSpan!);
      target = { kind: 'module', module: t, options: finalize(slot, hdr) };
    }
    // The parser's list is reused by the next rule: the rule keeps an exact copy.
    const clauses = this.clauses.slice();
    const { srcs, dsts } = this;
    // One rule per source and destination address (nearly always one of each, or none).
    if ((!srcs || srcs.length === 1) && (!dsts || dsts.length === 1)) return [this.rule(srcs?.[0] ?? null, dsts?.[0] ?? null, uses, target, clauses)];
    const rules: Rule[] = [];
    for (const src of srcs ?? [null]) for (const dst of dsts ?? [null]) rules.push(this.rule(src, dst, uses, target, clauses));
    return rules;
  }

  private rule(src: Cidr | null, dst: Cidr | null, matches: MatchUse[], target: TargetUse, clauses: Clause[]): Rule {
    const { input } = this;
    return {
      id: input.nextId(), table: input.table, chain: input.chain,
      src: src && (src.mask || this.srcInv) ? src : null, srcInv: this.srcInv,
      dst: dst && (dst.mask || this.dstInv) ? dst : null, dstInv: this.dstInv,
      iif: this.iif, iifInv: this.iifInv, oif: this.oif, oifInv: this.oifInv,
      proto: this.proto, protoInv: this.protoInv, fragment: this.fragment,
      matches, target, targetSpan: this.targetSpan,
      counters: this.counters ? { ...this.counters } : { packets: 0, bytes: 0 },
      span: input.span, clauses,
    };
  }
}

/// A match as the rule uses it; its span is made when read.
class ParsedMatch implements MatchUse {
  private readonly line: number;
  private readonly base: number;
  private readonly from: number;
  private readonly to: number;
  constructor(readonly module: MatchModule, readonly options: unknown, readonly implicit: boolean, first: Token, last: Token) {
    this.line = first.src.line;
    this.base = first.src.offset;
    this.from = first.src.offset + first.start;
    this.to = first.src.offset + last.end;
  }
  get span(): Span {
    return new LineSpan(this.line, this.base, this.from, this.to);
  }
}

/// Lists every rule's parse fills and empties again (it runs once per rule, never inside another).
const MATCHES: ModuleSlot[] = [];
const CLAUSES: Clause[] = [];
/// The target of a rule without -j or -g.
const NO_TARGET: TargetUse = { kind: 'none' };

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

interface Found {
  slot: ModuleSlot;
  spec: OptionSpec;
  /// `--name`, as the clause records it.
  option: string;
}

/// A module's options by the words that name them (`--dport`, `--destination-port`, `-dport`), each
/// with its clause name: one lookup per option instead of a walk over the specs and a new string.
const OPTION_WORDS = new Map<Module, Map<string, { spec: OptionSpec; option: string }>>();

function optionWords(module: Module): Map<string, { spec: OptionSpec; option: string }> {
  let words = OPTION_WORDS.get(module);
  if (!words) {
    words = new Map();
    // The first spec naming a word wins, as a walk over the specs in order finds it.
    for (const spec of module.options) {
      const hit = { spec, option: `--${spec.name}` };
      for (const name of [spec.name, ...(spec.aliases ?? [])])
        for (const word of [`--${name}`, `-${name}`]) if (!words.has(word)) words.set(word, hit);
    }
    OPTION_WORDS.set(module, words);
  }
  return words;
}

/// The option `word` (`--name` or `-name`) names in the slot's module.
function findIn(slot: ModuleSlot, word: string): Found | null {
  const hit = optionWords(slot.module).get(word);
  return hit ? { slot, spec: hit.spec, option: hit.option } : null;
}

/// getopt_long accepts an unambiguous prefix of a long option.
function findPrefix(slots: ModuleSlot[], name: string): Found | null {
  if (name.length < 3) return null;
  const hits: Found[] = [];
  for (const slot of slots) for (const spec of slot.module.options) if (spec.name.startsWith(name)) hits.push({ slot, spec, option: `--${spec.name}` });
  return hits.length === 1 ? hits[0] : null;
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
