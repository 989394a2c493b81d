// The rule specification after `-A CHAIN`: header options (-s -d -i -o -p -f), matches (-m) with their
// options, and the target (-j / -g), as iptables parses them. One call may yield several rules, since
// `-s a,b` adds one rule per address as iptables does.
import type { Cidr } from '../model/addr';
import type { Clause, Counters, Iface, MatchUse, Rule, TableName, TargetUse, Hook } from '../model/ruleset';
import { ParseError, type Span } from '../model/span';
import { findMatch, findTarget } from '../modules/registry';
import { parseProtocol } from '../modules/protocols';
import { OptionError, type MatchModule, type Module, type OptionSpec, type Parsed, type RuleHeader } from '../modules/types';
import { parseAddress } from '../modules/values';
import { joinSpans, type Token } from './tokens';

const HEADER: Record<string, string> = {
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
};

/// The built-in chains where -i or -o make no sense (iptables: "Can't use -o with INPUT").
const NO_IN: readonly string[] = ['OUTPUT', 'POSTROUTING'];
const NO_OUT: readonly string[] = ['PREROUTING', 'INPUT'];

export interface RuleSpecInput {
  table: TableName;
  chain: string;
  tokens: Token[];
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
  span: Span;
  implicit: boolean;
}

export interface RuleSpecResult {
  rules: Rule[];
  /// Set when the command asked for IPv6 only (-6): iptables skips such lines.
  ipv6Only: boolean;
}

export function parseRuleSpec(input: RuleSpecInput): RuleSpecResult {
  const { tokens } = input;
  let srcs: Cidr[] | null = null, dsts: Cidr[] | null = null;
  let srcInv = false, dstInv = false;
  let iif: Iface | null = null, oif: Iface | null = null, iifInv = false, oifInv = false;
  let proto = 0, protoInv = false, protoSeen = false;
  let fragment: boolean | null = null;
  let counters = input.counters;
  let ipv6Only = false;
  const matches: ModuleSlot[] = [];
  let target: TargetUse = { kind: 'none' };
  let targetSlot: ModuleSlot | null = null;
  let targetSpan: Span | null = null;
  const clauses: Clause[] = [];
  const seen = new Set<string>();

  let i = 0;
  const next = (opt: Token, what = 'argument'): Token => {
    const t = tokens[++i];
    if (!t) throw new ParseError(`option "${opt.text}" requires an ${what}`, opt.span);
    return t;
  };

  while (i < tokens.length) {
    let tok = tokens[i];
    let inv = false;
    if (tok.text === '!' && !tok.quoted) {
      inv = true;
      tok = tokens[++i];
      if (!tok) throw new ParseError('"!" must be followed by an option', tokens[i - 1].span);
      if (tok.text === '!') throw new ParseError('multiple "!" flags not allowed', tok.span);
    }
    const header = HEADER[tok.text];
    if (header) {
      if (header !== 'match' && header !== 'ipv4' && header !== 'ipv6' && header !== 'wait' && header !== 'wait-interval') {
        if (seen.has(header)) throw new ParseError(`multiple -${header[0]} flags not allowed`, tok.span);
        seen.add(header);
      }
      const start = tok;
      // Old iptables accepted the `!` after the option: `-s ! 10.0.0.0/8`.
      const argInv = () => {
        if (tokens[i + 1]?.text === '!' && !tokens[i + 1].quoted) {
          i++;
          inv = true;
        }
      };
      switch (header) {
        case 'source':
        case 'destination': {
          argInv();
          const arg = next(tok, 'address');
          const list = arg.text.split(',').map((a) => withSpan(() => parseAddress(a), arg.span));
          if (header === 'source') [srcs, srcInv] = [list, inv];
          else [dsts, dstInv] = [list, inv];
          clauses.push({ option: tok.text.startsWith('--') ? (header === 'source' ? '-s' : '-d') : tok.text, span: joinSpans(start.span, arg.span) });
          break;
        }
        case 'in-interface':
        case 'out-interface': {
          argInv();
          const arg = next(tok, 'interface name');
          const name = arg.text;
          if (name.length === 0 || name.length > 15 || /[\s/]/.test(name) || (name.includes('+') && !name.endsWith('+')))
            throw new ParseError(`Warning: weird character in interface \`${name}' ('/' and ' ' are not allowed by the kernel).`, arg.span);
          const ifc: Iface = name.endsWith('+') ? { name: name.slice(0, -1), wildcard: true } : { name, wildcard: false };
          if (header === 'in-interface') {
            if (NO_IN.includes(input.chain)) throw new ParseError(`Can't use -i with ${input.chain}`, tok.span);
            [iif, iifInv] = [ifc, inv];
          } else {
            if (NO_OUT.includes(input.chain)) throw new ParseError(`Can't use -o with ${input.chain}`, tok.span);
            [oif, oifInv] = [ifc, inv];
          }
          clauses.push({ option: header === 'in-interface' ? '-i' : '-o', span: joinSpans(start.span, arg.span) });
          break;
        }
        case 'protocol': {
          argInv();
          const arg = next(tok, 'protocol');
          proto = withSpan(() => parseProtocol(arg.text), arg.span);
          protoInv = inv;
          protoSeen = true;
          if (proto === 0 && inv) throw new ParseError('rule would never match protocol', arg.span);
          clauses.push({ option: '-p', span: joinSpans(start.span, arg.span) });
          break;
        }
        case 'fragment':
          fragment = !inv;
          clauses.push({ option: '-f', span: tok.span });
          break;
        case 'match': {
          if (inv) throw new ParseError('unexpected ! flag before --match', tok.span);
          const arg = next(tok, 'match name');
          const m = findMatch(arg.text);
          if (!m) throw new ParseError(`Couldn't load match \`${arg.text}': No such file or directory`, arg.span);
          matches.push({ module: m, parsed: {}, span: joinSpans(start.span, arg.span), implicit: false });
          break;
        }
        case 'jump':
        case 'goto': {
          if (inv) throw new ParseError(`cannot have ! before -${header[0]}`, tok.span);
          if (seen.has(header === 'jump' ? 'goto' : 'jump')) throw new ParseError('Cannot use -j and -g together', tok.span);
          const arg = next(tok, 'target');
          targetSpan = joinSpans(start.span, arg.span);
          const name = arg.text;
          if (header === 'goto') target = { kind: 'jump', chain: name, goto: true };
          else if (name === 'ACCEPT' || name === 'DROP' || name === 'RETURN') target = { kind: 'verdict', verdict: name };
          else {
            const t = findTarget(name);
            if (t) {
              targetSlot = { module: t, parsed: {}, span: targetSpan, implicit: false };
              target = { kind: 'module', module: t, options: null };
            } else target = { kind: 'jump', chain: name, goto: false };
          }
          break;
        }
        case 'set-counters': {
          const p = next(tok, 'packet count');
          const b = next(tok, 'byte count');
          if (!/^\d+$/.test(p.text)) throw new ParseError(`Bad argument \`${p.text}'`, p.span);
          if (!/^\d+$/.test(b.text)) throw new ParseError(`Bad argument \`${b.text}'`, b.span);
          counters = { packets: Number(p.text), bytes: Number(b.text) };
          break;
        }
        case 'ipv6':
          ipv6Only = true;
          break;
        case 'wait':
        case 'wait-interval':
          if (tokens[i + 1] && /^\d+$/.test(tokens[i + 1].text)) i++;
          break;
      }
      i++;
      continue;
    }

    if (!tok.text.startsWith('-') || tok.text === '-' || tok.quoted) throw new ParseError(`Bad argument \`${tok.text}'`, tok.span);
    // A module option: the target's, then the latest-loaded match that knows it, then the match iptables
    // loads by itself for the protocol (`-p tcp --dport 22`).
    const name = tok.text.replace(/^--?/, '');
    let found = findOption(targetSlot ? [targetSlot, ...[...matches].reverse()] : [...matches].reverse(), name);
    if (!found && protoSeen && !protoInv) {
      const implicit = findMatch(protocolModule(proto));
      if (implicit && !matches.some((m) => m.module === implicit)) {
        const slot: ModuleSlot = { module: implicit, parsed: {}, span: tok.span, implicit: true };
        matches.push(slot);
        found = findOption([slot], name);
      }
    }
    if (!found) throw new ParseError(`unknown option "${tok.text}"`, tok.span);
    const { slot, spec } = found;
    const nargs = spec.args ?? 1;
    if (tokens[i + 1]?.text === '!' && !tokens[i + 1].quoted && nargs > 0) {
      i++;
      inv = true;
    }
    if (inv && !spec.invert) throw new ParseError(`unexpected \`!' flag before --${spec.name}`, tok.span);
    const args: Token[] = [];
    for (let k = 0; k < nargs; k++) args.push(next(tok, nargs === 2 && k === 1 ? 'additional argument' : 'argument'));
    const last = args.length ? args[args.length - 1].span : tok.span;
    const span = joinSpans(tok.span, last);
    const value = spec.parse ? withSpan(() => spec.parse!(args.map((a) => a.text)), args[0]?.span ?? tok.span) : true;
    const prev = slot.parsed[spec.name];
    if (prev && !spec.repeat) throw new ParseError(`${slot.module.name}: "--${spec.name}" option may only be specified once`, tok.span);
    slot.parsed[spec.name] = spec.repeat ? { value: [...((prev?.value as unknown[]) ?? []), value], inv, span } : { value, inv, span };
    slot.span = joinSpans(slot.span, span);
    clauses.push({ option: `--${spec.name}`, span });
    i++;
  }

  const hdr: RuleHeader = { table: input.table, chain: input.chain, proto, protoInv, hooks: input.hooks };
  const finalize = (slot: ModuleSlot): unknown => {
    try {
      return slot.module.finalize(slot.parsed, hdr);
    } catch (e) {
      if (e instanceof OptionError) throw new ParseError(e.message, slot.span);
      throw e;
    }
  };
  const uses: MatchUse[] = matches.map((m) => ({ module: m.module as MatchModule, options: finalize(m), span: m.span, implicit: m.implicit }));
  if (targetSlot) {
    const t = (targetSlot as ModuleSlot).module;
    if (t.kind === 'target') {
      if (t.tables && !t.tables.includes(input.table))
        throw new ParseError(`${t.name} target is only valid in the ${t.tables.join('/')} table, not ${input.table}`, targetSpan!);
      if (t.hooks && input.hooks.length && !input.hooks.every((h) => t.hooks!.includes(h)))
        throw new ParseError(`${t.name} target is only valid in ${t.hooks.join(', ')}`, targetSpan!);
      target = { kind: 'module', module: t, options: finalize(targetSlot) };
    }
  }

  const rules: Rule[] = [];
  for (const src of srcs ?? [null]) {
    for (const dst of dsts ?? [null]) {
      rules.push({
        id: input.nextId(), table: input.table, chain: input.chain,
        src, srcInv, dst, dstInv, iif, iifInv, oif, oifInv, proto, protoInv, fragment,
        matches: uses, target, targetSpan,
        counters: counters ? { ...counters } : { packets: 0, bytes: 0 },
        span: input.span, clauses,
      });
    }
  }
  return { rules, ipv6Only };
}

function findOption(slots: ModuleSlot[], name: string): { slot: ModuleSlot; spec: OptionSpec } | null {
  for (const slot of slots) {
    const spec = slot.module.options.find((o) => o.name === name || o.aliases?.includes(name));
    if (spec) return { slot, spec };
  }
  // getopt_long accepts an unambiguous prefix of a long option.
  const hits: { slot: ModuleSlot; spec: OptionSpec }[] = [];
  for (const slot of slots)
    for (const spec of slot.module.options) if (name.length >= 3 && spec.name.startsWith(name)) hits.push({ slot, spec });
  return hits.length === 1 ? hits[0] : null;
}

/// The match iptables loads for `-p NAME` options (icmp for 1, tcp for 6 ...).
function protocolModule(proto: number): string {
  return ({ 1: 'icmp', 6: 'tcp', 17: 'udp', 132: 'sctp', 136: 'udplite', 33: 'dccp' } as Record<number, string>)[proto] ?? '';
}

function withSpan<T>(f: () => T, span: Span): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof OptionError) throw new ParseError(e.message, span);
    throw e;
  }
}
