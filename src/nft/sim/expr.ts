// Expressions with their operators (`meta mark and 0xff`, `ip saddr . tcp dport`) and the right-hand
// sides nft compares them with: values, ranges, prefixes, flag lists, anonymous and named sets.
import type { Cursor, Tok } from './lex';
import { primary, type Getter, type Selector } from './selectors';
import { ipv4Prefix, IPV4, type Datatype, type Val } from './datatypes';
import type { SimSet } from './sets';

export interface Expr extends Selector {
  /// The parts of a concatenation (`ip saddr . tcp dport`); absent for a single expression.
  parts?: Expr[];
}

/// What a rule may refer to: the named sets and maps of its table.
export interface Scope {
  /// A named set or map (`create`: a meter's set, made on first use).
  set(name: string, at: Tok, create?: boolean): SimSet;
  /// Records a part of the ruleset the run cannot simulate (shown as `unsimulated`).
  unsimulated(what: string, why: string): void;
}

const BINOPS: Record<string, (a: number, b: number) => number> = {
  '&': (a, b) => (a & b) >>> 0, and: (a, b) => (a & b) >>> 0,
  '|': (a, b) => (a | b) >>> 0, or: (a, b) => (a | b) >>> 0,
  '^': (a, b) => (a ^ b) >>> 0, xor: (a, b) => (a ^ b) >>> 0,
  '<<': (a, b) => (a << b) >>> 0, lshift: (a, b) => (a << b) >>> 0,
  '>>': (a, b) => a >>> b, rshift: (a, b) => a >>> b,
};

/// A primary with its bit operations; null when the words do not start an expression.
function operand(c: Cursor): Expr | null {
  const p = primary(c);
  if (!p) return null;
  let e: Expr = p;
  for (let t = c.peek(); t && !t.quoted && Object.hasOwn(BINOPS, t.text); t = c.peek()) {
    // `ct mark and 0xff == 0x1`: a binop needs a constant after it; `tcp flags & (syn|ack)`.
    c.i++;
    const f = BINOPS[t.text];
    const k = constant(c, t.text === '<<' || t.text === '>>' || t.text === 'lshift' || t.text === 'rshift' ? INT : e.dt);
    const inner = e.get;
    const get: Getter = (pkt, ctx) => {
      const v = inner(pkt, ctx);
      return typeof v === 'number' ? f(v, k) : null;
    };
    e = { ...e, get, text: `${e.text} ${t.text} ${k}`, field: undefined, plain: undefined };
  }
  return e;
}

const INT: Datatype = { name: 'integer', parse: (t) => { if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) throw new Error(`"${t}" is not a number`); return Number(t); } };

/// An expression, possibly a concatenation.
export function expression(c: Cursor): Expr | null {
  const first = operand(c);
  if (!first) return null;
  if (!c.is('.')) return first;
  const parts = [first];
  while (c.eat('.')) {
    const next = operand(c);
    if (!next) throw c.error('an expression expected after "."');
    parts.push(next);
  }
  return {
    parts, dt: first.dt, text: parts.map((p) => p.text).join(' . '),
    unsimulated: parts.find((p) => p.unsimulated)?.unsimulated,
    // Concatenations are read part by part (see valuesOf()).
    get: () => null,
  };
}

/// The values of an expression for a lookup: one per part; null when a part is missing.
export function valuesOf(e: Expr): (pkt: Parameters<Getter>[0], ctx: Parameters<Getter>[1]) => Val[] | null {
  if (!e.parts) {
    const g = e.get;
    return (p, c) => {
      const v = g(p, c);
      return v === null ? null : [v];
    };
  }
  const gets = e.parts.map((x) => x.get);
  return (p, c) => {
    const out: Val[] = [];
    for (const g of gets) {
      const v = g(p, c);
      if (v === null) return null;
      out.push(v);
    }
    return out;
  };
}

/// One element part: a number range, or a string (a name ending in `*` is a prefix).
export type Elem = { lo: number; hi: number } | { s: string; wild: boolean };

export function elemMatches(e: Elem, v: Val): boolean {
  if ('s' in e) return typeof v === 'string' && (e.wild ? v.startsWith(e.s) : v === e.s);
  return typeof v === 'number' && v >= e.lo && v <= e.hi;
}

function parseOne(c: Cursor, dt: Datatype, t: Tok): number | string {
  try {
    return dt.parse(t.text, t.quoted);
  } catch (e) {
    throw c.error((e as Error).message, t);
  }
}

/// A constant of the type (a flag list `fin,syn` or `(syn|ack)` for flag types).
export function constant(c: Cursor, dt: Datatype): number {
  if (c.eat('(')) {
    let v = 0;
    do v |= num(c, dt, c.next('value'));
    while (c.eat('|'));
    c.expect(')');
    return v >>> 0;
  }
  let v = num(c, dt, c.next('value'));
  while (dt.bitmask && (c.is(',') || c.is('|'))) {
    c.i++;
    v |= num(c, dt, c.next('flag'));
  }
  return v >>> 0;
}

function num(c: Cursor, dt: Datatype, t: Tok): number {
  const v = parseOne(c, dt, t);
  if (typeof v !== 'number') throw c.error(`"${t.text}" is not a number`, t);
  return v;
}

/// One element part as written: a value, a range `a-b`, a prefix `a/n`, or for names `"eth*"`. Within
/// braces (`inSet`) a comma separates elements: `{ syn, ack }` is two flags, `syn,ack` outside one value.
export function elemPart(c: Cursor, dt: Datatype, inSet = false): Elem {
  if (c.is('(')) {
    const v = constant(c, dt);
    return { lo: v, hi: v };
  }
  const t = c.next('value');
  if (dt.string) {
    const w = t.quoted ? null : dt.wildcard?.(t.text);
    if (w) return w;
    const v = parseOne(c, dt, t) as string;
    if (c.is('-') && c.peek(1)?.quoted) throw c.error('ranges of names are not supported', t);
    return t.text.endsWith('*') && dt.name === 'ifname' ? { s: v.slice(0, -1), wild: true } : { s: v, wild: false };
  }
  if (c.is('-')) {
    // `"10:00"-"12:00"`: a range written across tokens.
    c.i++;
    const hi = c.next('range end');
    return { lo: num(c, dt, t), hi: num(c, dt, hi) };
  }
  if (dt === IPV4 && t.text.includes('/')) {
    const r = ipv4Prefix(t.text);
    if (!r) throw c.error(`"${t.text}" is not an IPv4 prefix`, t);
    return { lo: r[0], hi: r[1] };
  }
  try {
    const v = dt.parse(t.text, t.quoted) as number;
    let bits = v;
    // A flag list without parentheses: `fin,syn,rst,ack`.
    while (dt.bitmask && !inSet && c.is(',') && c.peek(1) && !c.peek(1)!.quoted && isFlag(dt, c.peek(1)!.text)) {
      c.i++;
      bits |= num(c, dt, c.next('flag'));
    }
    return { lo: bits >>> 0, hi: bits >>> 0 };
  } catch (e) {
    // `1000-2000`, `10.0.0.1-10.0.0.9`: split at the dash that leaves two values.
    for (let i = t.text.indexOf('-'); i > 0; i = t.text.indexOf('-', i + 1)) {
      try {
        const lo = dt.parse(t.text.slice(0, i), false) as number, hi = dt.parse(t.text.slice(i + 1), false) as number;
        if (lo > hi) throw c.error(`range ${t.text} goes down`, t);
        return { lo, hi };
      } catch (err) {
        if (err instanceof Error && err.name === 'NftRuleError') throw err;
      }
    }
    throw c.error((e as Error).message, t);
  }
}

function isFlag(dt: Datatype, text: string): boolean {
  try {
    dt.parse(text, false);
    return true;
  } catch {
    return false;
  }
}

/// One element of a set: its parts for each part of the key.
export function element(c: Cursor, dts: readonly Datatype[], inSet = false): Elem[] {
  const out: Elem[] = [];
  dts.forEach((dt, i) => {
    if (i) c.expect('.');
    out.push(elemPart(c, dt, inSet));
  });
  return out;
}

export function keyMatches(key: readonly Elem[], vals: readonly Val[]): boolean {
  for (let i = 0; i < key.length; i++) if (!elemMatches(key[i], vals[i])) return false;
  return true;
}

/// The datatypes of an expression's parts.
export const partTypes = (e: Expr): Datatype[] => (e.parts ? e.parts.map((p) => p.dt) : [e.dt]);
