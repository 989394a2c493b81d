// One iptables command (-A, -I, -D, -R, -N, -X, -P, -F, -Z, -E; -L, -S, -C read and change nothing)
// applied to the builder. Restore dumps and scripts both come through here.
import { TABLES, type Counters, type TableName } from '../model/ruleset';
import { ParseError, type Span } from '../model/span';
import { formatRuleSpec } from '../print/save';
import type { RulesetBuilder } from './builder';
import { parseRuleSpec } from './rule-spec';
import { joinSpans, type Token } from './tokens';

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

export function runCommand(tokens: Token[], ctx: CommandContext): void {
  // getopt permutes: -t may stand anywhere on the line. Most lines have none, and are used as they are.
  const hasTable = tokens.some((t) => (t.text === '-t' || t.text === '--table') && !t.quoted);
  const { table, rest } = hasTable ? takeTable(tokens, ctx) : { table: ctx.table, rest: tokens };
  let ci = -1;
  for (let k = 0; k < rest.length && ci < 0; k++) if (!rest[k].quoted && COMMANDS.has(rest[k].text)) ci = k;
  if (ci < 0) throw new ParseError('no command specified (-A, -I, -D, -N, -P ...)', rest[0]?.span ?? tokens[0].span);
  const cmdTok = rest[ci];
  const cmd = COMMANDS.get(cmdTok.text)!;
  // Options given before the command (iptables -p tcp -A INPUT ...) belong to the rule too.
  const before = rest.slice(0, ci);
  const args = rest.slice(ci + 1);
  const span = joinSpans(tokens[0].span, tokens[tokens.length - 1].span);
  const b = ctx.builder;
  const chainArg = (): Token => {
    const t = args[0];
    if (!t || (t.text.startsWith('-') && !t.quoted)) throw new ParseError(`option "${cmdTok.text}" requires a chain name`, cmdTok.span);
    return t;
  };
  const optionalChain = (): string | null => (args[0] && !args[0].text.startsWith('-') ? args[0].text : null);
  const rules = (chain: string, spec: Token[]) => {
    const res = parseRuleSpec({ table, chain, tokens: before.length ? [...before, ...spec] : spec, span, counters: ctx.counters, hooks: b.hooksOf(table, chain), nextId: b.nextId });
    if (res.ipv6Only) {
      ctx.onIpv6Only?.(span);
      return null;
    }
    return res.rules;
  };
  const num = (t: Token | undefined): number | null => (t && /^\d+$/.test(t.text) ? Number(t.text) : null);

  switch (cmd) {
    case 'A': {
      const chain = chainArg();
      b.chain(table, chain.text, chain.span);
      const r = rules(chain.text, args.slice(1));
      if (r) b.append(table, chain.text, r, chain.span);
      return;
    }
    case 'I': {
      const chain = chainArg();
      b.chain(table, chain.text, chain.span);
      const n = num(args[1]);
      const r = rules(chain.text, args.slice(n === null ? 1 : 2));
      if (r) b.insert(table, chain.text, n ?? 1, r, args[1]?.span ?? chain.span);
      return;
    }
    case 'R': {
      const chain = chainArg();
      const n = num(args[1]);
      if (n === null) throw new ParseError('-R needs a rule number', args[1]?.span ?? chain.span);
      const r = rules(chain.text, args.slice(2));
      if (r && r.length !== 1) throw new ParseError('-R replaces one rule: the source or destination names more than one address', span);
      if (r) b.replace(table, chain.text, n, r[0], args[1].span);
      return;
    }
    case 'D': {
      const chain = chainArg();
      const n = num(args[1]);
      if (n !== null && args.length === 2) return b.deleteAt(table, chain.text, n, args[1].span);
      b.chain(table, chain.text, chain.span);
      for (const r of rules(chain.text, args.slice(1)) ?? []) b.deleteMatching(table, chain.text, formatRuleSpec(r), formatRuleSpec, span);
      return;
    }
    case 'N':
      return b.newChain(table, chainArg().text, chainArg().span);
    case 'X':
      return b.deleteChain(table, optionalChain(), args[0]?.span ?? cmdTok.span);
    case 'P': {
      const chain = chainArg();
      const p = args[1];
      if (!p) throw new ParseError('-P needs a policy (ACCEPT or DROP)', chain.span);
      return b.policy(table, chain.text, p.text, p.span);
    }
    case 'F':
      return b.flush(table, optionalChain(), args[0]?.span ?? cmdTok.span);
    case 'Z':
      return b.zero(table, optionalChain(), args[0]?.span ?? cmdTok.span);
    case 'E': {
      const from = chainArg();
      const to = args[1];
      if (!to) throw new ParseError('-E needs the old and the new chain name', from.span);
      return b.rename(table, from.text, to.text, to.span);
    }
    default:
      return; // -L, -S, -C: they read the ruleset and change nothing
  }
}
