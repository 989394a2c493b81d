// One iptables command (-A, -I, -D, -R, -N, -X, -P, -F, -Z, -E; -L, -S, -C read and change nothing)
// applied to the builder. Restore dumps and scripts both come through here.
import { TABLES, type Counters, type Rule, type TableName } from '../model/ruleset';
import { ParseError, type Span } from '../model/span';
import { formatRuleSpec } from '../print/save';
import type { RulesetBuilder } from './builder';
import { parseRuleSpec, type RuleSpecInput } from './rule-spec';
import { tokenSpan, type LineSpan, type Token } from './tokens';

const COMMANDS = new Map<string, string>(Object.entries({
  '-A': 'A', '--append': 'A', '-I': 'I', '--insert': 'I', '-D': 'D', '--delete': 'D', '-R': 'R', '--replace': 'R',
  '-N': 'N', '--new-chain': 'N', '--new': 'N', '-X': 'X', '--delete-chain': 'X', '-P': 'P', '--policy': 'P',
  '-F': 'F', '--flush': 'F', '-Z': 'Z', '--zero': 'Z', '-E': 'E', '--rename-chain': 'E',
  '-L': 'L', '--list': 'L', '-S': 'L', '--list-rules': 'L', '-C': 'C', '--check': 'C', '-h': 'L', '--help': 'L', '-V': 'L', '--version': 'L',
}));

export interface CommandContext {
  builder: RulesetBuilder;
  /// The table in force: a dump's `*table`, or filter in scripts unless `-t` says otherwise.
  table: TableName;
  /// Dumps refuse `-t` on rule lines.
  allowTable: boolean;
  counters: Counters | null;
  /// Set when the command was skipped because it asked for IPv6 only.
  onIpv6Only?: (span: Span) => void;
}

export function parseTable(tok: { text: string; span: Span }): TableName {
  if (!(TABLES as readonly string[]).includes(tok.text))
    throw new ParseError(`table '${tok.text}' does not exist (raw, mangle, nat, filter or security)`, tok.span);
  return tok.text as TableName;
}

/// The table a command names with -t, and its other words.
function takeTable(tokens: Token[], ctx: CommandContext): { table: TableName; rest: Token[] } {
  let table = ctx.table;
  const rest: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if ((tokens[i].text === '-t' || tokens[i].text === '--table') && !tokens[i].quoted) {
      if (!ctx.allowTable) throw new ParseError('-t is not allowed inside a table section; start a new *table instead', tokens[i].span);
      const arg = tokens[++i];
      if (!arg) throw new ParseError(`option "${tokens[i - 1].text}" requires an argument`, tokens[i - 1].span);
      table = parseTable(arg);
    } else rest.push(tokens[i]);
  }
  return { table, rest };
}

/// Runs the command in tokens[first..] (a dump's `[p:b]` prefix stays before `first`).
export function runCommand(all: Token[], ctx: CommandContext, first = 0): void {
  // getopt permutes: -t may stand anywhere on the line. Most lines have none, and are used as they are.
  let hasTable = false;
  for (let k = first; k < all.length && !hasTable; k++) hasTable = (all[k].text === '-t' || all[k].text === '--table') && !all[k].quoted;
  const tokens = first && hasTable ? all.slice(first) : all;
  const lo = first && hasTable ? 0 : first;
  const { table, rest } = hasTable ? takeTable(tokens, ctx) : { table: ctx.table, rest: tokens };
  const restLo = hasTable ? 0 : lo;
  let ci = -1;
  for (let k = restLo; k < rest.length && ci < 0; k++) if (!rest[k].quoted && COMMANDS.has(rest[k].text)) ci = k;
  if (ci < 0) throw new ParseError('no command specified (-A, -I, -D, -N, -P ...)', rest[restLo]?.span ?? (tokens[lo] ?? all[all.length - 1]).span);
  const cmdTok = rest[ci];
  const cmd = COMMANDS.get(cmdTok.text)!;
  const span = tokenSpan(tokens[lo], tokens[tokens.length - 1]);
  // -A with nothing before it: nearly every line of a dump, done here without the helpers below.
  if (cmd === 'A' && ci === restLo) {
    const chain = rest[ci + 1] as Token | undefined;
    if (!chain || (chain.text.startsWith('-') && !chain.quoted)) throw new ParseError(`option "${cmdTok.text}" requires a chain name`, cmdTok.span);
    // The chain's own name: every rule of the chain shares that one string.
    const c = ctx.builder.chainOf(table, chain);
    const r = ruleSpec(ctx, table, c.name, rest, ci + 2, span);
    if (r) ctx.builder.appendTo(c, r);
    return;
  }
  otherCommand(ctx, table, cmd, cmdTok, rest, restLo, ci, span);
}

/// A command other than a plain -A (or with options before it): rest[ci] is the command word.
function otherCommand(ctx: CommandContext, table: TableName, cmd: string, cmdTok: Token, rest: Token[], restLo: number, ci: number, span: LineSpan): void {
  const b = ctx.builder;
  // The command's arguments are rest[ci + 1 ..]; options given before the command (iptables -p tcp -A
  // INPUT ...) belong to the rule too.
  const a0 = rest[ci + 1] as Token | undefined, a1 = rest[ci + 2] as Token | undefined;
  const nargs = rest.length - ci - 1;
  const chainArg = (): Token => {
    if (!a0 || (a0.text.startsWith('-') && !a0.quoted)) throw new ParseError(`option "${cmdTok.text}" requires a chain name`, cmdTok.span);
    return a0;
  };
  const optionalChain = (): string | null => (a0 && !a0.text.startsWith('-') ? a0.text : null);
  /// The rules of the spec starting at rest[ci + 1 + skip].
  const rules = (chain: string, skip: number) => {
    const from = ci + 1 + skip;
    return ci > restLo ? ruleSpec(ctx, table, chain, [...rest.slice(restLo, ci), ...rest.slice(from)], 0, span) : ruleSpec(ctx, table, chain, rest, from, span);
  };
  const num = (t: Token | undefined): number | null => (t && /^\d+$/.test(t.text) ? Number(t.text) : null);

  switch (cmd) {
    case 'A': {
      const chain = chainArg();
      const c = b.chainOf(table, chain);
      const r = rules(c.name, 1);
      if (r) b.appendTo(c, r);
      return;
    }
    case 'I': {
      const chain = chainArg();
      b.chainOf(table, chain);
      const n = num(a1);
      const r = rules(chain.text, n === null ? 1 : 2);
      if (r) b.insert(table, chain.text, n ?? 1, r, a1?.span ?? chain.span);
      return;
    }
    case 'R': {
      const chain = chainArg();
      const n = num(a1);
      if (n === null) throw new ParseError('-R needs a rule number', a1?.span ?? chain.span);
      const r = rules(chain.text, 2);
      if (r && r.length !== 1) throw new ParseError('-R replaces one rule: the source or destination names more than one address', span);
      if (r) b.replace(table, chain.text, n, r[0], a1!.span);
      return;
    }
    case 'D': {
      const chain = chainArg();
      const n = num(a1);
      if (n !== null && nargs === 2) return b.deleteAt(table, chain.text, n, a1!.span);
      b.chainOf(table, chain);
      for (const r of rules(chain.text, 1) ?? []) b.deleteMatching(table, chain.text, formatRuleSpec(r), formatRuleSpec, span);
      return;
    }
    case 'N':
      return b.newChain(table, chainArg().text, chainArg().span);
    case 'X':
      return b.deleteChain(table, optionalChain(), a0?.span ?? cmdTok.span);
    case 'P': {
      const chain = chainArg();
      const p = a1;
      if (!p) throw new ParseError('-P needs a policy (ACCEPT or DROP)', chain.span);
      return b.policy(table, chain.text, p.text, p.span);
    }
    case 'F':
      return b.flush(table, optionalChain(), a0?.span ?? cmdTok.span);
    case 'Z':
      return b.zero(table, optionalChain(), a0?.span ?? cmdTok.span);
    case 'E': {
      const from = chainArg();
      const to = a1;
      if (!to) throw new ParseError('-E needs the old and the new chain name', from.span);
      return b.rename(table, from.text, to.text, to.span);
    }
    default:
      return; // -L, -S, -C: they read the ruleset and change nothing
  }
}

/// One input for every rule spec: the parser reads it only while it runs (once per rule of 100k-rule dumps).
const INPUT = {} as RuleSpecInput;

/// The rules of the spec in tokens[start..]; null when iptables would skip the command (-6).
function ruleSpec(ctx: CommandContext, table: TableName, chain: string, tokens: Token[], start: number, span: LineSpan): Rule[] | null {
  const b = ctx.builder;
  const input = INPUT;
  input.table = table;
  input.chain = chain;
  input.tokens = tokens;
  input.start = start;
  input.chains = b.chainsOf(table);
  input.span = span;
  input.counters = ctx.counters;
  input.hooks = b.hooksOf(table, chain);
  input.nextId = b.nextId;
  input.recent = b.recent;
  input.spans = b.spans;
  const res = parseRuleSpec(input);
  if (res.ipv6Only) {
    ctx.onIpv6Only?.(span);
    return null;
  }
  return res.rules;
}
