// One nft rule compiled once into steps run left to right, as the kernel runs a rule's expressions: a
// match that fails ends the rule (statements before it have already acted: a `counter` before a failing
// match counts), a verdict ends the chain's evaluation, anything else goes on.
import { maskToPrefix, parseIPv4 } from '../../engine/model/addr';
import type { Packet } from '../../engine/model/packet';
import type { MatchContext, RejectWith } from '../../engine/modules/types';
import { Bucket } from '../../engine/modules/matches/limit';
import { connlimit } from '../../engine/modules/matches/connlimit';
import { log as LOG, LOG_FLAGS } from '../../engine/modules/targets/log';
import { nflog } from '../../engine/modules/targets/nflog';
import type { NftRule } from '../parse/ruleset';
import { Cursor, lexRule } from './lex';
import * as T from './datatypes';
import type { Datatype, Val } from './datatypes';
import { constant, elemMatches, elemPart, element, expression, keyMatches, partTypes, valuesOf, type Elem, type Expr, type Scope } from './expr';
import { mapData, type MapData, type SimSet } from './sets';
import { TIME } from './selectors';
import { dup, synproxy } from './copies';

export interface Verdict {
  kind: 'accept' | 'drop' | 'continue' | 'return' | 'jump' | 'goto' | 'queue';
  chain?: string;
  /// What the trace calls the rule's verdict when it is not the kernel's own (REJECT, DNAT ...).
  label?: string;
  /// queue without a listener: accepted with `bypass`, else dropped.
  bypass?: boolean;
}

/// true: go on; false: the rule does not match; a verdict: the rule decides.
export type Outcome = boolean | Verdict;
export type Step = (pkt: Packet, ctx: MatchContext) => Outcome;

export interface CompiledRule {
  rule: NftRule;
  steps: Step[];
  /// One per `counter` statement, in order.
  counters: { packets: number; bytes: number }[];
  /// It may rewrite the packet: the trace then shows the header before and after.
  rewrites: boolean;
  /// What it was compiled with: explain.ts compiles it again, statement by statement, when it must say
  /// why the rule did not match (big rulesets never pay for that).
  env?: RuleEnv;
  /// Its statements (only when compiled for explaining).
  clauses?: Clause[];
  /// Why nft would refuse the rule (it then never matches).
  error?: string;
}

/// One statement: its tokens (`from` to `to`, of lexRule(rule.tokens)), its own step, and the step of
/// `steps` it is part of (consecutive plain matches run as one step).
export interface Clause {
  step: Step;
  from: number;
  to: number;
  group: number;
}

export interface RuleEnv extends Scope {
  family: string;
  /// The `ct helper` objects of the table: name -> helper type ("ftp").
  helper(name: string): string | undefined;
  /// A key unique to this rule for state kept across packets.
  key: string;
}

/// Steps that only test the packet (true or false, no verdict, no effect).
const matches = new WeakSet<Step>();
/// The statement just compiled from token `from` was a relation: an expression and a comparison, no `set`,
/// `vmap` or statement keyword.
function isMatch(c: Cursor, from: number): boolean {
  const w = c.toks[from];
  if (!w || w.quoted || !MATCH_STARTS.has(w.text)) return false;
  for (let i = from; i < c.i; i++) {
    const t = c.toks[i];
    // A draw (`meta random`, numgen) is no plain match: explaining a rule runs plain matches again.
    if (!t.quoted && (t.text === 'set' || t.text === 'vmap' || t.text === 'map' || t.text === 'count' || t.text === 'random' || t.text === 'numgen')) return false;
  }
  return true;
}
const MATCH_STARTS = new Set(['ip', 'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'esp', 'ah', 'iifgroup', 'oifgroup', 'rtclassid', 'cgroup', 'cpu', 'th', 'icmp', 'meta', 'iifname', 'oifname', 'iif', 'oif', 'mark', 'l4proto', 'pkttype', 'ct', 'fib', 'ether', 'skuid', 'skgid']);

const V = (kind: Verdict['kind'], extra: Partial<Verdict> = {}): Verdict => ({ kind, ...extra });
const RELOPS = new Set(['==', '!=', '<', '>', '<=', '>=', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', '!']);
const OPNAME: Record<string, string> = { eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=' };

/// With `clauses`, each statement is also kept on its own (for explain.ts).
export function compileRule(rule: NftRule, env: RuleEnv, clauses = false): CompiledRule {
  const toks = lexRule(rule.tokens);
  const c = new Cursor(toks, { line: rule.line, column: rule.column });
  const out: CompiledRule = { rule, steps: [], counters: [], rewrites: false, env };
  if (clauses) out.clauses = [];
  while (!c.done()) {
    const before = c.i;
    const step = statement(c, env, out);
    // Consecutive plain matches become one step: a 10k-rule chain runs them for every packet.
    const prev = out.steps[out.steps.length - 1];
    if (isMatch(c, before) && prev && matches.has(prev)) {
      const both: Step = (p, ctx) => prev(p, ctx) === true && step(p, ctx) === true;
      matches.add(both);
      out.steps[out.steps.length - 1] = both;
    } else {
      if (isMatch(c, before)) matches.add(step);
      out.steps.push(step);
    }
    out.clauses?.push({ step, from: before, to: c.i, group: out.steps.length - 1 });
  }
  return out;
}

function statement(c: Cursor, env: RuleEnv, out: CompiledRule): Step {
  const t = c.peek()!;
  const w = t.quoted ? '' : t.text;
  switch (w) {
    // `continue` goes on with the rule's next statement (NFT_CONTINUE), as a rule without a verdict.
    case 'continue':
      c.i++;
      return () => true;
    case 'accept': case 'drop': case 'return': {
      c.i++;
      const v = V(w);
      return () => v;
    }
    case 'jump': case 'goto': {
      c.i++;
      const v = V(w, { chain: c.next('chain name').text });
      return () => v;
    }
    case 'queue': return queue(c, env);
    case 'counter': {
      c.i++;
      if (c.eat('packets')) {
        c.next('packets');
        c.expect('bytes');
        c.next('bytes');
      }
      const n = { packets: 0, bytes: 0 };
      out.counters.push(n);
      return (p) => {
        n.packets++;
        n.bytes += p.length;
        return true;
      };
    }
    case 'comment':
      c.i++;
      c.next('comment');
      return () => true;
    case 'log': return log(c);
    case 'limit': {
      c.i++;
      return limit(c, env);
    }
    case 'quota': return quota(c);
    case 'notrack':
      c.i++;
      return (_p, ctx) => {
        ctx.notrack();
        return true;
      };
    case 'reject': return reject(c, env);
    case 'dnat': case 'snat': case 'masquerade': case 'redirect':
      out.rewrites = true;
      return nat(c, env);
    case 'add': case 'update': case 'delete':
      if (c.peek(1)?.text.startsWith('@')) return dynset(c, env);
      break;
    case 'meter': return meter(c, env);
    case 'dup': return dup(c, env.unsimulated);
    case 'synproxy': return synproxy(c, env.unsimulated);
    case 'tproxy': case 'fwd': case 'xt': case 'flow': case 'osf': {
      const what = w === 'xt' ? `xt ${c.peek(1)?.text ?? ''} ${c.peek(2)?.text ?? ''}`.trim() : w;
      c.i = c.toks.length;
      const why = w === 'xt' ? 'an iptables extension nft cannot show as nftables: the kernel runs it, nfplay does not' : `the ${w} statement is not modelled: nfplay goes on as if it did nothing`;
      return () => {
        env.unsimulated(what, why);
        return true;
      };
    }
  }
  if (c.is('ct') && c.is('count', 1)) {
    c.i += 2;
    return ctCount(c, env, null);
  }
  const e = expression(c);
  if (!e) throw c.error(`unknown statement "${t.text}"`, t);
  if (c.eat('set')) {
    out.rewrites = true;
    return setStatement(c, e, env);
  }
  if (c.eat('vmap')) return vmap(c, e, env);
  return relation(c, e, env);
}

// ------------------------------------------------------------------ matches

/// `EXPR [op] RHS`: the comparisons nft makes, with its implicit flag test for flag types.
function relation(c: Cursor, e: Expr, env: RuleEnv): Step {
  let op = 'implicit';
  const t = c.peek();
  if (t && !t.quoted && RELOPS.has(t.text)) {
    op = OPNAME[t.text] ?? t.text;
    c.i++;
  }
  if (c.done()) throw c.error(`a value expected after "${e.text}"`);
  const note = e.unsimulated;
  const neg = op === '!=';
  if (e.parts) {
    // A concatenation: its values as a tuple.
    const vals = valuesOf(e);
    const test = tupleRhs(c, e, op, env);
    return (p, ctx) => {
      if (note) env.unsimulated(e.text, note);
      const v = vals(p, ctx);
      return v !== null && test(v) !== neg;
    };
  }
  const get = e.get;
  const plain = !note && e.plain && plainTest(c, e.plain, e.dt, op);
  if (plain) return plain;
  const test = rhs(c, e, op, env);
  if (note)
    return (p, ctx) => {
      env.unsimulated(e.text, note);
      const v = get(p, ctx);
      return v !== null && test(v) !== neg;
    };
  // The hot path: one read, one test, no allocation.
  return neg ? (p, ctx) => {
    const v = get(p, ctx);
    return v !== null && !test(v);
  } : (p, ctx) => {
    const v = get(p, ctx);
    return v !== null && test(v);
  };
}

/// `ip saddr 10.0.0.0/8`, `tcp dport != 22`, `tcp dport 1000-2000`: a read of the field and a compare,
/// in one closure (a 10k-rule chain is mostly these). null when the right-hand side is anything else.
function plainTest(c: Cursor, f: NonNullable<Expr['plain']>, dt: Datatype, op: string): Step | null {
  if (op !== 'implicit' && op !== '==' && op !== '!=') return null;
  const t = c.peek();
  if (!t || t.quoted || t.text.startsWith('@') || t.text === '{' || t.text === '(' || dt.bitmask) return null;
  const start = c.i;
  let e: Elem;
  try {
    e = elemPart(c, dt);
  } catch {
    c.i = start;
    return null;
  }
  if (c.is(',') || c.is('/') || !('lo' in e)) {
    c.i = start;
    return null;
  }
  const { key, proto } = f;
  const { lo, hi } = e;
  const neg = op === '!=';
  if (proto === undefined) {
    if (lo === hi) return neg ? (p) => p[key] !== lo : (p) => p[key] === lo;
    return neg ? (p) => p[key] < lo || p[key] > hi : (p) => p[key] >= lo && p[key] <= hi;
  }
  // Ports of their protocol only, never of a later fragment.
  if (lo === hi) return neg ? (p) => p.proto === proto && p.fragOffset === 0 && p[key] !== lo : (p) => p.proto === proto && p.fragOffset === 0 && p[key] === lo;
  return neg ? (p) => p.proto === proto && p.fragOffset === 0 && (p[key] < lo || p[key] > hi) : (p) => p.proto === proto && p.fragOffset === 0 && p[key] >= lo && p[key] <= hi;
}

function tupleRhs(c: Cursor, e: Expr, op: string, env: RuleEnv): (v: Val[]) => boolean {
  const dts = partTypes(e);
  if (op !== 'implicit' && op !== '==' && op !== '!=') throw c.error(`"${op}" cannot compare a concatenation`);
  if (c.is('{')) return setTest(anonymousSet(c, dts));
  const at = c.peek()!;
  if (!at.quoted && at.text.startsWith('@')) {
    c.i++;
    const s = env.set(at.text.slice(1), at);
    if (s.kind === 'map') throw c.error(`@${s.name} is a map: use it with "map" or "vmap"`, at);
    return (v) => (s.foreign ? false : s.lookup(v, nowOf()) !== undefined);
  }
  // A single concatenated value: `ip saddr . tcp dport 10.0.0.1 . 22`.
  const key = element(c, dts);
  return (v) => keyMatches(key, v);
}

/// The right-hand side as a test of the expression's value (before a `!=`).
function rhs(c: Cursor, e: Expr, op: string, env: RuleEnv): (v: Val) => boolean {
  const dt = e.dt;
  if (c.is('{')) {
    if (op !== 'implicit' && op !== '==' && op !== '!=') throw c.error(`"${op}" cannot compare with a set`);
    const test = setTest(anonymousSet(c, [dt]));
    return (v) => test([v]);
  }
  const at = c.peek()!;
  if (!at.quoted && at.text.startsWith('@')) {
    c.i++;
    const s = env.set(at.text.slice(1), at);
    if (s.kind === 'map') throw c.error(`@${s.name} is a map: use it with "map" or "vmap"`, at);
    return (v) => (s.foreign ? false : s.lookup([v], nowOf()) !== undefined);
  }
  if (dt.bitmask && (op === 'implicit' || op === '!' || op === '==' || op === '!=')) {
    const value = constant(c, dt);
    if (c.eat('/')) {
      const mask = constant(c, dt);
      return (v) => ((v as number) & mask) >>> 0 === value;
    }
    if (op === 'implicit') return (v) => ((v as number) & value) !== 0;
    if (op === '!') return (v) => ((v as number) & value) === 0;
    return (v) => v === value;
  }
  if (op === '!') throw c.error(`"!" needs a flag type, and ${e.text} is ${dt.name}`);
  const first = elemPart(c, dt);
  if (c.is(',') && !dt.bitmask) {
    // `icmp type echo-request, echo-reply`: a list without braces is a set.
    const elems: Elem[][] = [[first]];
    while (c.eat(',')) elems.push([elemPart(c, dt)]);
    const test = setTest(elems);
    return (v) => test([v]);
  }
  if (c.eat('/')) {
    const mask = constant(c, dt);
    if (!('lo' in first) || first.lo !== first.hi) throw c.error('a masked comparison needs one value');
    const want = first.lo;
    return (v) => ((v as number) & mask) >>> 0 === want;
  }
  if (op === '<' || op === '>' || op === '<=' || op === '>=') {
    if (!('lo' in first) || first.lo !== first.hi) throw c.error(`"${op}" needs one number`);
    const k = first.lo;
    switch (op) {
      case '<': return (v) => (v as number) < k;
      case '>': return (v) => (v as number) > k;
      case '<=': return (v) => (v as number) <= k;
      default: return (v) => (v as number) >= k;
    }
  }
  if ('lo' in first && first.lo === first.hi) {
    const k = first.lo;
    return (v) => v === k;
  }
  if ('lo' in first) {
    const { lo, hi } = first;
    return (v) => (v as number) >= lo && (v as number) <= hi;
  }
  return (v) => elemMatches(first, v);
}

let currentNow = 0;
/// The scenario clock of the packet being evaluated (set by the walker), for expiring set elements.
export function setNow(now: number): void {
  currentNow = now;
}
const nowOf = () => currentNow;

function anonymousSet(c: Cursor, dts: Datatype[]): Elem[][] {
  c.expect('{');
  const out: Elem[][] = [];
  while (!c.eat('}')) {
    if (c.eat(',')) continue;
    out.push(element(c, dts, true));
  }
  return out;
}

function setTest(elems: Elem[][]): (v: Val[]) => boolean {
  const exact = new Set<Val>();
  const rest: Elem[][] = [];
  for (const k of elems) {
    if (k.length === 1 && 'lo' in k[0] && k[0].lo === k[0].hi) exact.add(k[0].lo);
    else if (k.length === 1 && 's' in k[0] && !k[0].wild) exact.add(k[0].s);
    else rest.push(k);
  }
  if (!rest.length) return (v) => exact.has(v[0]);
  return (v) => {
    if (v.length === 1 && exact.has(v[0])) return true;
    for (const k of rest) if (keyMatches(k, v)) return true;
    return false;
  };
}

function vmap(c: Cursor, e: Expr, env: RuleEnv): Step {
  const vals = valuesOf(e);
  const note = e.unsimulated;
  const find = mapLookup(c, e, env, 'verdict');
  return (p, ctx) => {
    if (note) env.unsimulated(e.text, note);
    const v = vals(p, ctx);
    if (v === null) return false;
    const d = find(v);
    if (d === undefined) return false;
    const { verdict, chain } = d as { verdict: string; chain?: string };
    // A `continue` element goes on with the rule's next statement.
    if (verdict === 'continue') return true;
    return V(verdict as Verdict['kind'], chain ? { chain } : {});
  };
}

/// `map { k : v, ... }` or `map @m` / `vmap ...`: the data for a key, undefined when none.
function mapLookup(c: Cursor, e: Expr, env: RuleEnv, data: Datatype | 'verdict'): (v: Val[]) => MapData | undefined {
  const dts = partTypes(e);
  const at = c.peek();
  if (at && !at.quoted && at.text.startsWith('@')) {
    c.i++;
    const s: SimSet = env.set(at.text.slice(1), at);
    return (v) => {
      const hit = s.lookup(v, nowOf());
      return hit && 'data' in hit ? hit.data : undefined;
    };
  }
  c.expect('{');
  const entries: [Elem[], MapData][] = [];
  while (!c.eat('}')) {
    if (c.eat(',')) continue;
    const key = element(c, dts, true);
    c.expect(':');
    entries.push([key, mapData(c, data)]);
  }
  const exact = new Map<Val, MapData>();
  for (const [k, d] of entries) if (k.length === 1 && 'lo' in k[0] && k[0].lo === k[0].hi && !exact.has(k[0].lo)) exact.set(k[0].lo, d);
  return (v) => {
    if (v.length === 1) {
      const hit = exact.get(v[0]);
      if (hit !== undefined) return hit;
    }
    for (const [k, d] of entries) if (keyMatches(k, v)) return d;
    return undefined;
  };
}

// ------------------------------------------------------------------ statements

/// A value for a `set` statement or a NAT address: a constant, an expression, or `EXPR map {...}`.
function valueExpr(c: Cursor, dt: Datatype, env: RuleEnv): (p: Packet, ctx: MatchContext) => Val | null {
  const e = expression(c);
  if (e) {
    if (c.eat('map')) {
      const vals = valuesOf(e);
      const find = mapLookup(c, e, env, dt);
      return (p, ctx) => {
        const v = vals(p, ctx);
        const d = v === null ? undefined : find(v);
        return d === undefined || typeof d === 'object' ? null : d;
      };
    }
    if (e.unsimulated) {
      const note = e.unsimulated;
      return (p, ctx) => {
        env.unsimulated(e.text, note);
        return e.get(p, ctx);
      };
    }
    return e.get;
  }
  if (dt.string) {
    const t = c.next('value');
    const v = dt.parse(t.text, t.quoted);
    return () => v;
  }
  const k = constant(c, dt);
  return () => k;
}

function setStatement(c: Cursor, e: Expr, env: RuleEnv): Step {
  const field = e.field;
  if (!field || e.parts) throw c.error(`${e.text} cannot be set`);
  if (field === 'ct helper') {
    const t = c.next('helper name');
    const type = env.helper(t.text);
    if (type === undefined) throw c.error(`no ct helper object "${t.text}" in this table`, t);
    return (_p, ctx) => {
      ctx.setCtHelper(type);
      return true;
    };
  }
  const value = valueExpr(c, e.dt, env);
  const num = (p: Packet, ctx: MatchContext) => {
    const v = value(p, ctx);
    return typeof v === 'number' ? v : null;
  };
  // A value that cannot be read (`ct mark` without a connection) breaks the rule.
  const set = (f: (p: Packet, ctx: MatchContext, v: number) => void): Step => (p, ctx) => {
    const v = num(p, ctx);
    if (v === null) return false;
    f(p, ctx, v);
    return true;
  };
  switch (field) {
    case 'meta mark': return set((p, _c, v) => { p.mark = v >>> 0; });
    case 'ct mark': return set((_p, ctx, v) => { if (ctx.ct) ctx.ct.mark = v >>> 0; });
    case 'ip dscp': return set((p, _c, v) => { p.tos = ((v & 63) << 2) | (p.tos & 3); });
    case 'ip ecn': return set((p, _c, v) => { p.tos = (p.tos & ~3) | (v & 3); });
    case 'ip tos': return set((p, _c, v) => { p.tos = v & 0xff; });
    case 'ip ttl': return set((p, _c, v) => { p.ttl = v & 0xff; });
    case 'ct zone': return set((_p, ctx, v) => ctx.setCtZone(v));
    case 'ct original zone': case 'ct reply zone':
      // As the engine's CT --zone-orig/--zone-reply: a zone for one direction only is not modelled.
      return (p, ctx) => {
        env.unsimulated(field, 'a zone for one direction is not modelled: the connection stays in zone 0');
        return num(p, ctx) !== null;
      };
    case 'meta nftrace': return () => true;
    case 'meta pkttype': return set((p, _c, v) => { p.pkttype = (['host', 'broadcast', 'multicast', 'otherhost'] as const)[v & 3]; });
    // The kernel rewrites an MSS option the segment has, and only to lower it.
    case 'tcp option maxseg size': return set((p, _c, v) => { if (p.mss !== null && p.mss > v) p.mss = v; });
  }
  const what = `${field} set`;
  return (p, ctx) => {
    env.unsimulated(what, `${field} is not modelled: setting it changes nothing nfplay shows`);
    void value(p, ctx);
    return true;
  };
}

function queue(c: Cursor, env: RuleEnv): Step {
  c.i++;
  let bypass = false;
  while (!c.done()) {
    if (c.eat('flags')) {
      do bypass = c.next('queue flag').text === 'bypass' || bypass;
      while (c.eat(','));
    } else if (c.eat('num') || c.eat('to')) c.next('queue number');
    else if (c.eat('bypass')) bypass = true;
    else if (c.eat('fanout')) continue;
    else break;
  }
  const v = V('queue', { bypass });
  return () => {
    env.unsimulated('queue', 'no userspace program listens on a queue in the simulation: the packet is dropped, or accepted with bypass, as the kernel does without a listener');
    return v;
  };
}

const LOG_FLAG_WORDS: Record<string, number> = {
  'tcp sequence': LOG_FLAGS['log-tcp-sequence'], 'tcp options': LOG_FLAGS['log-tcp-options'],
  'ip options': LOG_FLAGS['log-ip-options'], skuid: LOG_FLAGS['log-uid'], ether: LOG_FLAGS['log-macdecode'],
};

function log(c: Cursor): Step {
  c.i++;
  let prefix = '', flags = 0, group: number | null = null, level = 4;
  const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit'];
  for (;;) {
    if (c.eat('prefix')) prefix = c.next('prefix').text;
    else if (c.eat('level')) {
      const l = c.next('level');
      level = LEVELS.indexOf(l.text);
      if (level < 0) throw c.error(`unknown log level "${l.text}"`, l);
    } else if (c.eat('group')) group = Number(c.next('group').text);
    else if (c.eat('snaplen') || c.eat('queue-threshold')) c.next('number');
    else if (c.eat('flags')) {
      const f = c.next('flag').text;
      if (f === 'all') flags |= Object.values(LOG_FLAG_WORDS).reduce((a, b) => a | b, 0);
      else if (f === 'tcp' || f === 'ip') {
        do flags |= LOG_FLAG_WORDS[`${f} ${c.next('flag').text}`] ?? 0;
        while (c.eat(','));
      } else flags |= LOG_FLAG_WORDS[f] ?? 0;
    } else break;
  }
  if (group !== null) {
    const o = { group, prefix: prefix || null, size: null, threshold: null };
    return (p, ctx) => {
      nflog.apply(p, o, ctx);
      return true;
    };
  }
  const o = { level, prefix, flags };
  return (p, ctx) => {
    LOG.apply(p, o, ctx);
    return true;
  };
}

const UNIT: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800 };
const BYTES: Record<string, number> = { bytes: 1, kbytes: 1024, mbytes: 1024 * 1024 };

/// `rate [over] N/unit [burst B packets]`: nft's token bucket, full at start (burst 5 when not given).
function limitSpec(c: Cursor): { over: boolean; period: number; burst: number; bytes: boolean } {
  c.expect('rate');
  const over = c.eat('over');
  const t = c.next('rate');
  let m = /^(\d+)\/(\w+)$/.exec(t.text);
  let bytes = false;
  let count: number, unit: string;
  if (m) [count, unit] = [Number(m[1]), m[2]];
  else if (/^\d+$/.test(t.text) && c.peek() && /^(k|m)?bytes\/\w+$/.test(c.peek()!.text)) {
    const [b, u] = c.next('unit').text.split('/');
    [count, unit, bytes] = [Number(t.text) * BYTES[b], u, true];
  } else if ((m = /^(\d+)((?:k|m)?bytes)\/(\w+)$/.exec(t.text))) [count, unit, bytes] = [Number(m[1]) * BYTES[m[2]], m[3], true];
  else throw c.error(`"${t.text}" is not a rate like 10/second`, t);
  if (!Object.hasOwn(UNIT, unit) || !(count > 0)) throw c.error(`"${t.text}" is not a rate like 10/second`, t);
  let burst = bytes ? 0 : 5;
  if (c.eat('burst')) {
    burst = Number(c.next('burst').text);
    const u = c.next('packets or bytes').text;
    if (u !== 'packets' && !Object.hasOwn(BYTES, u)) throw c.error(`"${u}" is not packets or bytes`);
    if (Object.hasOwn(BYTES, u)) burst *= BYTES[u];
  }
  return { over, period: UNIT[unit] / count, burst, bytes };
}

function limit(c: Cursor, env: RuleEnv): Step {
  const l = limitSpec(c);
  if (l.bytes) {
    return () => {
      env.unsimulated('limit rate ... bytes', 'byte-rate limits are not simulated: nfplay lets every packet through');
      return true;
    };
  }
  const bucket = new Bucket(l.period, l.period * Math.max(1, l.burst));
  return (_p, ctx) => bucket.take(ctx.now) !== l.over;
}

function quota(c: Cursor): Step {
  c.i++;
  const over = c.eat('over') || (c.eat('until'), false);
  const n = Number(c.next('quota').text);
  const u = c.next('unit').text;
  if (!Object.hasOwn(BYTES, u)) throw c.error(`"${u}" is not bytes, kbytes or mbytes`);
  if (c.eat('used')) {
    c.next('used');
    c.next('unit');
  }
  const max = n * BYTES[u];
  let used = 0;
  return (p) => {
    used += p.length;
    return (used > max) === over;
  };
}

const ICMP_REJECT: Record<string, RejectWith> = {
  'net-unreachable': 'icmp-net-unreachable', 'host-unreachable': 'icmp-host-unreachable', 'prot-unreachable': 'icmp-proto-unreachable',
  'port-unreachable': 'icmp-port-unreachable', 'net-prohibited': 'icmp-net-prohibited', 'host-prohibited': 'icmp-host-prohibited',
  'admin-prohibited': 'icmp-admin-prohibited', 'no-route': 'icmp-net-unreachable',
};

function reject(c: Cursor, env: RuleEnv): Step {
  c.i++;
  let kind: RejectWith = 'icmp-port-unreachable';
  if (c.eat('with')) {
    const w = c.next('reject type');
    if (w.text === 'tcp') {
      c.expect('reset');
      kind = 'tcp-reset';
    } else if (w.text === 'icmp' || w.text === 'icmpx') {
      c.eat('type');
      const t = c.next('icmp type');
      if (!Object.hasOwn(ICMP_REJECT, t.text)) throw c.error(`unknown ${w.text} reject type "${t.text}"`, t);
      kind = ICMP_REJECT[t.text];
    } else if (w.text === 'icmpv6') {
      c.eat('type');
      c.next('icmpv6 type');
      return () => false;
    } else throw c.error(`unknown reject type "${w.text}"`, w);
  }
  void env;
  const v = V('drop', { label: 'REJECT' });
  // A TCP reset needs TCP: nft adds that match to the rule.
  if (kind === 'tcp-reset')
    return (p, ctx) => {
      if (p.proto !== 6) return false;
      ctx.reject(kind);
      return v;
    };
  return (_p, ctx) => {
    ctx.reject(kind);
    return v;
  };
}

const NAT_FLAGS = new Set(['random', 'fully-random', 'persistent', 'prefix', 'netmap']);

function nat(c: Cursor, env: RuleEnv): Step {
  const verb = c.next('nat').text as 'dnat' | 'snat' | 'masquerade' | 'redirect';
  if (c.is('ip') && (c.is('to', 1) || c.is('addr', 1))) c.i++;
  else if (c.is('ip6')) {
    c.i = c.toks.length;
    return () => false;
  }
  let minAddr: number | null = null, maxAddr: number | null = null, minPort = 0, maxPort = 0;
  let dynamic: ((p: Packet, ctx: MatchContext) => Val | null) | null = null;
  // `dnat prefix to 10.0.0.0/24`: the address's host bits are kept (NETMAP).
  const prefix = (verb === 'dnat' || verb === 'snat') && c.eat('prefix');
  if (c.eat('to')) {
    const t = c.peek();
    const m = t && !t.quoted ? /^(\d+\.\d+\.\d+\.\d+)?(?:-(\d+\.\d+\.\d+\.\d+))?(?:\/(\d+))?(?::(\d+)(?:-(\d+))?)?$/.exec(t.text) : null;
    if (m && t!.text !== '') {
      c.i++;
      if (m[1]) {
        minAddr = parseIPv4(m[1]);
        maxAddr = m[2] ? parseIPv4(m[2]) : minAddr;
        if (m[3] !== undefined && minAddr !== null) {
          const r = T.ipv4Prefix(`${m[1]}/${m[3]}`)!;
          [minAddr, maxAddr] = r;
        }
        if (minAddr === null || maxAddr === null) throw c.error(`"${t!.text}" is not an address range`, t);
      }
      if (m[4]) [minPort, maxPort] = [Number(m[4]), Number(m[5] ?? m[4])];
      else if (!m[1] && /^\d+(-\d+)?$/.test(t!.text)) {
        // `redirect to 8080`
        const [a, b] = t!.text.split('-').map(Number);
        [minPort, maxPort] = [a, b ?? a];
      }
      if (c.eat(':')) {
        const pt = c.next('port');
        const [a, b] = pt.text.split('-').map(Number);
        [minPort, maxPort] = [a, b ?? a];
      }
    } else if (t && /^:\d+(-\d+)?$/.test(t.text)) {
      c.i++;
      const [a, b] = t.text.slice(1).split('-').map(Number);
      [minPort, maxPort] = [a, b ?? a];
    } else {
      dynamic = valueExpr(c, T.IPV4, env);
    }
  }
  let random = false, persistent = false;
  while (!c.done() && NAT_FLAGS.has(c.peek()!.text)) {
    do {
      const f = c.next('flag').text;
      if (f === 'random' || f === 'fully-random') random = true;
      if (f === 'persistent') persistent = true;
    } while (c.eat(','));
  }
  const label = verb === 'dnat' ? 'DNAT' : verb === 'snat' ? 'SNAT' : verb === 'masquerade' ? 'MASQUERADE' : 'REDIRECT';
  const v = V('accept', { label });
  const ports = minPort !== 0;
  const needsPorts = (p: Packet) => p.proto === 6 || p.proto === 17 || p.proto === 132 || p.proto === 136 || p.proto === 33;
  if (prefix) {
    if (minAddr === null || maxAddr === null) throw c.error(`${verb} prefix needs an address prefix`);
    const mask = ~(minAddr ^ maxAddr) >>> 0;
    const req = { kind: 'netmap' as const, addr: minAddr, mask };
    return (_p, ctx) => {
      ctx.nat(req);
      return v;
    };
  }
  return (p, ctx) => {
    if (ports && !needsPorts(p)) return false;
    if (verb === 'masquerade' || verb === 'redirect') ctx.nat({ kind: verb, minPort, maxPort, random });
    else {
      let lo = minAddr, hi = maxAddr;
      if (dynamic) {
        const a = dynamic(p, ctx);
        if (typeof a !== 'number') return false;
        lo = hi = a;
      }
      const keep = verb === 'dnat' ? p.dst : p.src;
      ctx.nat({ kind: verb, minAddr: lo ?? keep, maxAddr: hi ?? keep, minPort, maxPort, random, persistent });
    }
    return v;
  };
}

/// Stateful statements inside a set element: `limit rate ...`, `ct count [over] N`, `counter`.
type ElementStmt = (p: Packet, ctx: MatchContext, state: Map<number, unknown>) => boolean;

function elementStatements(c: Cursor, env: RuleEnv, key: Expr): { timeout: number | null; stmts: ElementStmt[] } {
  let timeout: number | null = null;
  const stmts: ElementStmt[] = [];
  for (;;) {
    if (c.eat('timeout')) timeout = (TIME.parse(c.next('timeout').text, false) as number) / 1000;
    else if (c.eat('expires')) c.next('time');
    else if (c.eat('counter')) {
      if (c.eat('packets')) c.i += 3;
    } else if (c.eat('limit')) {
      const l = limitSpec(c);
      const i = stmts.length;
      if (l.bytes) stmts.push(() => { env.unsimulated('limit rate ... bytes', 'byte-rate limits are not simulated'); return true; });
      else stmts.push((_p, ctx, st) => {
        let b = st.get(i) as Bucket | undefined;
        if (!b) st.set(i, (b = new Bucket(l.period, l.period * Math.max(1, l.burst))));
        return b.take(ctx.now) !== l.over;
      });
    } else if (c.is('ct') && c.is('count', 1)) {
      c.i += 2;
      const count = ctCount(c, env, key);
      stmts.push(count);
    } else return { timeout, stmts };
  }
}

/// `ct count [over] N`: connections counted per key as nf_conncount counts them (the connlimit match's
/// own counting); a key of `ip saddr`/`ip daddr`, with an optional `and MASK`, or none.
function ctCount(c: Cursor, env: RuleEnv, key: Expr | null): Step & ElementStmt {
  const over = c.eat('over');
  const n = Number(c.next('count').text);
  if (!Number.isInteger(n)) throw c.error('a connection count expected');
  const opts = { limit: n, upto: !over, mask: 32, side: 'saddr' as 'saddr' | 'daddr' };
  if (key) {
    const m = /^ip (saddr|daddr)(?: (?:and|&) (\S+))?$/.exec(key.text);
    const mask = m?.[2] ? Number(m[2]) >>> 0 : 0xffffffff;
    if (!m) {
      return ((_p: Packet) => {
        env.unsimulated(`ct count per ${key.text}`, 'ct count is simulated per ip saddr or ip daddr only');
        return true;
      }) as Step & ElementStmt;
    }
    opts.side = m[1] as 'saddr' | 'daddr';
    opts.mask = maskToPrefix(mask);
    if (opts.mask < 0) throw c.error(`${key.text}: the mask is not a prefix`);
  }
  const shared = new Map();
  return ((p: Packet, ctx: MatchContext, st?: Map<number, unknown>) => {
    let seen = shared;
    if (st) {
      seen = (st.get(-1) as Map<number, never>) ?? new Map();
      st.set(-1, seen);
    }
    return connlimit.match(p, opts, ctx, seen);
  }) as Step & ElementStmt;
}

function dynset(c: Cursor, env: RuleEnv): Step {
  const op = c.next('op').text;
  const at = c.next('set');
  const s = env.set(at.text.slice(1), at);
  c.expect('{');
  const { vals, timeout, stmts } = updateElement(c, env);
  if (op !== 'delete') return touching(s, vals, timeout, stmts, op === 'update');
  return (p, ctx) => {
    const v = vals(p, ctx);
    if (v === null) return false;
    s.remove(v);
    return true;
  };
}

/// `meter NAME [size N] { KEY [timeout T] STMT }`: an update of a set made for the rule.
function meter(c: Cursor, env: RuleEnv): Step {
  c.i++;
  const name = c.next('meter name').text;
  if (c.eat('size')) c.next('size');
  c.expect('{');
  const { vals, timeout, stmts } = updateElement(c, env);
  return touching(env.set(name, c.toks[0], true), vals, timeout, stmts, true);
}

/// The `KEY [timeout T] STMT ... }` of a set update, up to and including its closing brace.
function updateElement(c: Cursor, env: RuleEnv) {
  const key = expression(c);
  if (!key) throw c.error('a key expression expected');
  const vals = valuesOf(key);
  const { timeout, stmts } = elementStatements(c, env, key);
  c.expect('}');
  return { vals, timeout, stmts };
}

/// Adds the packet's key to the set (`refresh`: its timeout starts over if it is there) and runs the
/// element's statements on its state; false when the set is full or a statement says no.
function touching(s: ReturnType<RuleEnv['set']>, vals: ReturnType<typeof valuesOf>, timeout: number | null, stmts: ElementStmt[], refresh: boolean): Step {
  return (p, ctx) => {
    const v = vals(p, ctx);
    if (v === null) return false;
    const d = s.touch(v, ctx.now, timeout, refresh);
    if (!d) return false;
    for (const f of stmts) if (!f(p, ctx, d.state)) return false;
    return true;
  };
}

