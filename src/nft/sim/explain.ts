// Why an nft rule did not match a packet, in the words of its failing expression: "tcp dport 8443 is not
// in { 22, 80 }", "ct state new is not in established,related", with where that expression is written.
// Only for display (the walker's `explain`): the rule ran as compiled; this reads the failed statement
// again and runs nothing that keeps state (limits, quotas, set updates, draws are described, not re-run).
import type { Packet } from '../../engine/model/packet';
import type { MatchContext } from '../../engine/modules/types';
import { formatProto } from '../../engine/print/save';
import { formatVal, type Datatype } from './datatypes';
import { expression, type Expr } from './expr';
import { Cursor, lexRule, type Tok } from './lex';
import { compileRule, type Clause, type CompiledRule } from './rule';
import { endColumn, word } from '../parse/tokens';

/// Where an expression is written: 1-based, the end exclusive.
export interface TextSpan {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Skip {
  why: string;
  span?: TextSpan;
}

const article = (w: string) => `${/^[aeiou]/.test(w) ? 'an' : 'a'} ${w}`;
const shown = (t: Tok) => (t.quoted ? `"${t.text}"` : t.text);

/// Tokens as written: a space wherever the text had one (or a line break).
function text(toks: readonly Tok[]): string {
  let out = '';
  toks.forEach((t, i) => {
    const p = toks[i - 1];
    if (p && (t.spaced ?? (p.line !== t.line || t.column > endColumn(p)))) out += ' ';
    out += shown(t);
  });
  return out;
}

function spanOf(toks: readonly Tok[]): TextSpan | undefined {
  if (!toks.length) return undefined;
  const [a, b] = [toks[0], toks[toks.length - 1]];
  return { line: a.line, column: a.column, endLine: b.line, endColumn: endColumn(b) };
}

/// A long set or map shown by its start: `{ 22, 80, 443, … }`.
function short(s: string): string {
  if (s.length <= 60 || !s.startsWith('{')) return s;
  const cut = s.lastIndexOf(',', 56);
  return `${s.slice(0, cut > 0 ? cut + 1 : 56)} … }`;
}

const RELOPS: Record<string, string> = { '==': '==', eq: '==', '!=': '!=', ne: '!=', '<': '<', lt: '<', '>': '>', gt: '>', '<=': '<=', le: '<=', '>=': '>=', ge: '>=', '!': '!' };
const BINOP = new Set(['&', '|', '^', '<<', '>>', 'and', 'or', 'xor', 'lshift', 'rshift']);
const HEADERS = new Set(['ip6', 'icmpv6', 'arp', 'vlan', 'ah', 'esp', 'comp', 'dst', 'frag', 'hbh', 'mh', 'rt0', 'srh', 'gre', 'geneve', 'vxlan']);
const PORTS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp']);

/// Each explained rule's tokens, as compileRule cut them (clauses count in them).
const lexed = new WeakMap<CompiledRule, Tok[]>();

/// How many more rules are explained in full; past it whyNot says nothing (the rule is only counted).
let budget = Infinity;

/// Runs `f` explaining at most `n` rules in full: a step of a 100k-rule chain is shown by its first
/// passed-over rules and a count.
export function withExplainBudget<T>(n: number, f: () => T): T {
  const before = budget;
  budget = n;
  try {
    return f();
  } finally {
    budget = before;
  }
}

/// Why the rule, whose step `failed` said no, did not match.
export function whyNot(r: CompiledRule, failed: number, pkt: Packet, ctx: MatchContext): Skip {
  if (budget <= 0) return { why: '' };
  budget--;
  let toks = lexed.get(r);
  if (!toks) lexed.set(r, (toks = lexRule(r.rule.tokens)));
  if (r.error !== undefined || !r.env) return { why: `nft would refuse this rule: ${r.error}`, span: spanOf(toks) };
  // Compiled again for its statements: new state for limits and the like, which explaining never runs.
  r.clauses ??= compileRule(r.rule, r.env, true).clauses!;
  const group = r.clauses.filter((c) => c.group === failed);
  // Plain matches run as one step: find the first of them that fails (they keep no state).
  const clause: Clause | undefined = group.length > 1 ? group.find((c) => c.step(pkt, ctx) === false) ?? group[group.length - 1] : group[0];
  if (!clause) return { why: 'did not match' };
  const own = toks.slice(clause.from, clause.to);
  let why: string;
  try {
    why = describe(toks, clause, pkt, ctx);
  } catch {
    // An explanation must never break a run.
    why = `${text(own)}: did not match`;
  }
  return { why, span: spanOf(own) };
}

function describe(toks: Tok[], clause: Clause, pkt: Packet, ctx: MatchContext): string {
  const own = toks.slice(clause.from, clause.to);
  const all = text(own);
  const w = own[0].quoted ? '' : own[0].text;
  const proto = formatProto(pkt.proto);
  const over = own.some((t) => word(t, 'over'));
  switch (w) {
    case 'limit':
      return over ? `${all}: the packet is within the rate` : `${all}: over the rate, the bucket is empty`;
    case 'quota':
      return over ? `${all}: not used up yet` : `${all}: used up`;
    case 'reject':
      return own.some((t) => word(t, 'icmpv6')) ? `${all}: an IPv6 reject never answers an IPv4 packet` : `${all}: the packet is ${proto}, not tcp`;
    case 'dnat': case 'snat': case 'masquerade': case 'redirect':
      if (word(own[1], 'ip6')) return `${all}: an IPv6 NAT statement never applies to an IPv4 packet`;
      if (own.some((t) => word(t, 'map'))) return `${all}: the map has no address for this packet`;
      return `${all}: ${article(proto)} packet has no ports to map`;
    case 'meter': case 'add': case 'update': case 'delete':
      return `${all}: the set is full, or a limit or count of its element said no`;
  }
  if (own.some((t) => word(t, 'random') || word(t, 'numgen'))) return `${all}: the draw did not match`;
  if (word(own[0], 'ct') && word(own[1], 'count')) return over ? `${all}: not over the limit` : `${all}: over the limit`;
  const c = new Cursor(toks.slice(0, clause.to), own[0]);
  c.i = clause.from;
  const e = expression(c);
  if (!e) return `${all}: did not match`;
  const lhsToks = toks.slice(clause.from, c.i);
  const lhs = text(lhsToks);
  const absent = missing(e, pkt, ctx);
  if (absent) return absent;
  if (c.is('set')) return `${all}: no value to set for this packet`;
  const vmap = c.eat('vmap');
  const op = vmap ? '==' : RELOPS[c.peek()?.quoted ? '' : c.peek()?.text ?? ''] ?? 'implicit';
  if (!vmap && op !== 'implicit') c.i++;
  const rhsToks = toks.slice(c.i, clause.to);
  const rhs = short(text(rhsToks));
  const val = value(e, pkt, ctx);
  // `tcp flags & (syn|ack)`: the value shown is the result.
  const binop = lhsToks.some((t) => !t.quoted && BINOP.has(t.text));
  const neg = op === '!=' || op === '!';
  if (op === '<' || op === '>' || op === '<=' || op === '>=') return binop ? `${lhs} is ${val}, not ${op} ${rhs}` : `${lhs} ${val} is not ${op} ${rhs}`;
  const within = inWords(e.dt, op, rhsToks) ? 'in ' : '';
  if (binop) return neg ? `${lhs} is ${val}, which is ${within}${rhs}` : `${lhs} is ${val}, not ${within}${rhs}`;
  return `${lhs} ${val} is ${neg ? '' : 'not '}${within}${rhs}`;
}

/// The packet's value of the expression, as nft writes values of its type.
function value(e: Expr, pkt: Packet, ctx: MatchContext): string {
  const parts = e.parts ?? [e];
  return parts.map((p) => formatVal(p.dt, p.get(pkt, ctx)!)).join(' . ');
}

/// Whether the right-hand side is more than one value: a set, a range, a prefix, a list, any of flags.
function inWords(dt: Datatype, op: string, rhs: readonly Tok[]): boolean {
  const first = rhs[0];
  if (!first) return false;
  if (word(first, '{') || (!first.quoted && first.text.startsWith('@'))) return true;
  if (rhs.some((t) => word(t, '/'))) return false;
  if (dt.bitmask) return op === 'implicit' && rhs.some((t) => word(t, ',') || word(t, '|'));
  if (rhs.some((t) => word(t, ',') || word(t, '-'))) return true;
  if (rhs.length !== 1 || first.quoted || dt.string) return false;
  if (first.text.includes('/')) return true;
  if (!first.text.includes('-')) return false;
  // `1000-2000` is a range, `echo-request` a name.
  try {
    dt.parse(first.text, false);
    return false;
  } catch {
    return true;
  }
}

/// Why the expression has no value for this packet (the kernel then breaks off the rule); null when it has one.
function missing(e: Expr, pkt: Packet, ctx: MatchContext): string | null {
  for (const p of e.parts ?? [e]) {
    const v = p.get(pkt, ctx);
    const w = p.text.split(' ')[0];
    if (v === '' && (p.text === 'meta iifname' || p.text === 'meta oifname')) {
      if (p.text === 'meta iifname' && pkt.iif === null) return 'a locally generated packet has no input interface';
      if (p.text === 'meta oifname' && pkt.oif === null) return 'the packet has no output interface yet';
    }
    if (v !== null) continue;
    if (p.unsimulated) return p.unsimulated;
    if (PORTS.has(w) || w === 'th' || w === 'icmp') {
      if (p.text === 'icmp id' && pkt.proto === 1) return 'icmp id: the packet is not an echo request or reply';
      if (pkt.fragOffset !== 0) return `a later fragment has no ${w === 'th' ? 'transport' : w} header`;
      if (p.text.startsWith('tcp option') && pkt.proto === 6) return `the packet has no ${p.text.split(' ').slice(0, 3).join(' ')}`;
      return w === 'th' ? `${article(formatProto(pkt.proto))} packet has no ports` : `the packet is ${formatProto(pkt.proto)}, not ${w}`;
    }
    if (w === 'ct') return `the packet has no connection (ct state ${ctx.ctState.toLowerCase()})`;
    if (p.text === 'meta iif') return 'a locally generated packet has no input interface';
    if (p.text === 'meta oif') return 'the packet has no output interface yet';
    if (p.text === 'meta skuid' || p.text === 'meta skgid') return 'the packet has no local socket';
    if (w === 'ether') return 'the packet has no Ethernet header here';
    if (HEADERS.has(w)) return `an IPv4 packet has no ${w} header`;
    if (w.startsWith('@')) return `the packet is too short for ${w}`;
    if (w === 'fib') return `${p.text}: the packet has no device to look the route up with`;
    return `${p.text}: the packet has no such value`;
  }
  return null;
}
