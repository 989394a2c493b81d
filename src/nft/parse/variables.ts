// nft's variables: `define NAME = VALUE`, `redefine NAME = VALUE`, `undefine NAME`, and `$NAME` where a
// value stands. Facts checked with `nft -c -f` (nft 1.0.6, Linux 6.18, a throwaway network namespace):
// - a define binds in the scope it is written in: the file, a table block or a chain block (also of
//   `add table`/`add chain`); a set's, map's or other object's block belongs to its table's scope;
//   `$NAME` looks in its scope, then outward;
// - `define` of a name an enclosing scope knows is "redefinition of symbol"; `redefine` binds the name
//   anew in the current scope (an outer one keeps its value); `undefine` forgets it in the current scope
//   only, and says nothing when it is not there;
// - a value is read where it is defined: `$A` in it is A's value at that moment (a later redefine of A
//   does not change it), so a name used before its define, or in its own define, is unknown;
// - the name after `$` is nft's identifier, [A-Za-z_.][A-Za-z0-9/_.-]*: `$A.$B` names "A." and
//   `$LO-$HI` names "LO-" (nft wants `$A . $B`, `$LO - $HI`); `$ A` with a space is `$A`;
// - a set held in a variable and written among a set's elements (`{ $A, 10.0.0.1 }`) adds its elements;
// - quoted strings keep a `$` as written, except a `log prefix`, where `$NAME` (letters, digits, `_`)
//   is replaced by the value as text (a number in nft's notation: `0x10` and `020` print as 16);
// - no variable can stand for a table, chain or set name (`@$S`; `define S = @s` may), a comment, or a
//   verdict (`define V = accept` is a syntax error, so is a vmap's `: $V`); `jump $C` can, outside a vmap.
// A replaced `$NAME` takes the place of the `$` in the rule: errors in its value point there.
import { NftSyntaxError, endColumn, word, type NftToken } from './tokens';

/// The name after `$` (or `define`): nft's identifier.
export const IDENTIFIER = /^[A-Za-z_.][A-Za-z0-9/_.-]*/;
/// The same, read at a place in a word (lastIndex).
const NAME_AT = /[A-Za-z_.][A-Za-z0-9/_.-]*/y;
/// A variable's name inside a log prefix string.
const PREFIX_NAME = /^[A-Za-z0-9_]*/;
/// Words nft's grammar never reads as a value.
const VERDICTS = new Set(['accept', 'drop', 'continue', 'return', 'jump', 'goto', 'queue']);


/// The optimal string alignment distance (edits, and swaps of neighbours) between two names.
function distance(a: string, b: string): number {
  const w = b.length + 1;
  const d = new Uint32Array((a.length + 1) * w);
  for (let i = 0; i <= a.length; i++) d[i * w] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * w + j - 2] + 1);
      d[i * w + j] = v;
    }
  return d[a.length * w + b.length];
}

/// nft's bound for a misspelling worth suggesting: about a third of the longer name.
function close(a: string, b: string): number | null {
  const long = Math.max(a.length, b.length), short = Math.min(a.length, b.length);
  if (long <= 1) return null;
  const bound = long - short <= 1 ? Math.max(Math.ceil(long / 3), 1) : Math.ceil((long + 2) / 3);
  const d = distance(a, b);
  return d <= bound ? d : null;
}

/// The variables in scope while a file is read: one map per open scope, innermost last.
export class Scopes {
  private stack: Map<string, NftToken[]>[] = [new Map()];

  open(): void {
    this.stack.push(new Map());
  }
  close(): void {
    if (this.stack.length > 1) this.stack.pop();
  }

  lookup(name: string): NftToken[] | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const v = this.stack[i].get(name);
      if (v) return v;
    }
    return undefined;
  }

  /// Binds in the current scope, the newest binding of the name there.
  bind(name: string, value: NftToken[]): void {
    const top = this.stack[this.stack.length - 1];
    top.delete(name);
    top.set(name, value);
  }

  unbind(name: string): void {
    this.stack[this.stack.length - 1].delete(name);
  }

  /// nft's message for a name no scope knows, with the nearest known name as nft picks it: innermost
  /// scope first, newest first, the first of the closest.
  unknown(name: string): string {
    let best: string | null = null, least = Infinity;
    for (let i = this.stack.length - 1; i >= 0; i--)
      for (const known of [...this.stack[i].keys()].reverse()) {
        const d = close(known, name);
        if (d !== null && d < least) [best, least] = [known, d];
      }
    return best === null ? `unknown identifier '${name}'` : `unknown identifier '${name}'; did you mean identifier '${best}'?`;
  }
}

/// A define's value may not start with a verdict.
export function checkValue(value: readonly NftToken[]): void {
  const first = value[0];
  if (first && !first.quoted && VERDICTS.has(first.text)) throw new NftSyntaxError(`syntax error, unexpected ${first.text}: a variable holds a value, not a verdict`, first.line, first.column);
}

const at = (t: Pick<NftToken, 'line' | 'column'>, text: string, quoted = false, offset = 0): NftToken => ({ text, quoted, line: t.line, column: t.column + offset });

/// The index of the brace closing the one at `open`.
function closing(toks: readonly NftToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    if (word(toks[i], '{')) depth++;
    else if (word(toks[i], '}') && --depth === 0) return i;
  }
  return toks.length - 1;
}

/// Whether a value is one set `{ a, b }` (not `{ a } . { b }`).
const isSet = (value: readonly NftToken[]) => value.length >= 2 && word(value[0], '{') && closing(value, 0) === value.length - 1;

/// An unquoted word with `$NAME` in it (`$A`, `$A,`, `10.0.0.1:$P`, `$A:$P`), its variables replaced.
/// A one-word value joins the text around it into one word, as if written there; a longer value stands
/// as its own tokens. Every token the value gives takes the place of its `$`. `spread`: the word is
/// among a set's elements, where a set value gives its elements: its `{` goes into `spread` for
/// spreadSets.
export function expandWord(tok: NftToken, scopes: Scopes, spread?: Set<NftToken>): NftToken[] {
  const out: NftToken[] = [];
  const s = tok.text;
  // Text not yet made a token, and where its first character came from.
  let cur = '';
  let curAt: NftToken = tok;
  // Where in the word the text in `cur` ends, when a variable's value is in it.
  let curTo = -1;
  const flush = () => {
    if (cur) {
      const t = at(curAt, cur);
      if (curTo >= 0) t.end = tok.column + curTo;
      out.push(t);
    }
    cur = '';
    curTo = -1;
  };
  let pos = 0;
  for (let k = s.indexOf('$'); k >= 0; k = s.indexOf('$', pos)) {
    if (k > pos) {
      if (!cur) curAt = at(tok, '', false, pos);
      cur += s.slice(pos, k);
      if (curTo >= 0) curTo = k;
    }
    const dollar = at(tok, '$', false, k);
    if (s[k - 1] === '@') throw new NftSyntaxError(`syntax error, unexpected '$', expecting string: a set's name after @ cannot be a variable (a variable may hold @NAME)`, dollar.line, dollar.column);
    // nft reads `$` as a token of its own: stuck to a name or a number (`$A$B`, `1$A`, `10.0.0.0/$LEN`) it
    // is a syntax error; after `:`, `,` or `-` (`$IP:$PORT`, `1000-$HI`) it starts the next value.
    if (k > 0 && /[A-Za-z0-9_./]/.test(s[k - 1]))
      throw new NftSyntaxError(`syntax error, unexpected '$' right after "${s.slice(pos, k) || s.slice(0, k)}": a variable starts a value of its own`, dollar.line, dollar.column);
    NAME_AT.lastIndex = k + 1;
    const m = NAME_AT.exec(s);
    if (!m) {
      const what = s[k + 1] === undefined ? 'nothing' : `"${s[k + 1]}"`;
      throw new NftSyntaxError(`syntax error, unexpected ${what} after "$": a variable's name must follow it`, dollar.line, dollar.column);
    }
    const name = m[0];
    const value = scopes.lookup(name);
    if (!value) throw new NftSyntaxError(scopes.unknown(name), dollar.line, dollar.column);
    // A word joins what is stuck to its left only across `:`, `,` or `-` (`10.0.0.5:8080`, `1000-2000`);
    // an operator (`!=$A`) stays a word of its own.
    if (cur && !/[:,-]$/.test(cur)) flush();
    const end = k + 1 + name.length;
    if (value.length === 1 && !value[0].quoted) {
      if (!cur) curAt = dollar;
      cur += value[0].text;
      curTo = end;
    } else {
      flush();
      const set = spread && isSet(value);
      value.forEach((p, j) => {
        const t = at(dollar, p.text, p.quoted);
        t.end = tok.column + end;
        // The value's own spaces, for explanations that show it.
        if (j > 0) {
          const q = value[j - 1];
          t.spaced = p.spaced ?? (p.line !== q.line || p.column > endColumn(q));
        }
        out.push(t);
      });
      if (set) spread.add(out[out.length - value.length]);
    }
    pos = k + 1 + name.length;
  }
  if (pos < s.length) {
    if (!cur) curAt = at(tok, '', false, pos);
    cur += s.slice(pos);
    if (curTo >= 0) curTo = s.length;
  }
  flush();
  return out;
}

/// A set's elements: its tokens split at the commas between them (a comma may stick to a word).
function elements(toks: readonly NftToken[]): NftToken[][] {
  const out: NftToken[][] = [[]];
  let depth = 0;
  for (const t of toks) {
    if (t.quoted || depth > 0 || !t.text.includes(',')) {
      if (word(t, '{')) depth++;
      else if (word(t, '}')) depth--;
      out[out.length - 1].push(t);
      continue;
    }
    t.text.split(',').forEach((piece, k) => {
      if (k > 0) out.push([]);
      if (piece) out[out.length - 1].push({ ...t, text: piece });
    });
  }
  return out.filter((e) => e.length);
}

/// The sets expandWord put among a set's elements, spread: their elements take their place, and as a
/// map's key each element gets the key's value, as nft does (`{ $PORTS : drop }` with PORTS = { 80, 443 }
/// is `{ 80 : drop, 443 : drop }`).
export function spreadSets(toks: readonly NftToken[], spread: ReadonlySet<NftToken>): NftToken[] {
  const out: NftToken[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (!spread.has(t)) {
      out.push(t);
      continue;
    }
    const close = closing(toks, i);
    const inner = toks.slice(i + 1, close);
    i = close;
    const colon = toks[i + 1];
    if (!colon || colon.quoted || !colon.text.startsWith(':')) {
      for (const x of inner) out.push(x);
      continue;
    }
    // The key's value: up to the comma or brace that ends the element.
    const value: NftToken[] = colon.text.length > 1 ? [{ ...colon, text: colon.text.slice(1) }] : [];
    let comma = false;
    let depth = 0;
    for (i += 2; i < toks.length; i++) {
      const v = toks[i];
      if (word(v, '{')) depth++;
      else if (word(v, '}') && depth-- === 0) break;
      if (depth === 0 && !v.quoted && v.text.endsWith(',')) {
        if (v.text.length > 1) value.push({ ...v, text: v.text.slice(0, -1) });
        comma = true;
        i++;
        break;
      }
      value.push(v);
    }
    i--;
    const sep = { ...colon, text: ':' };
    elements(inner).forEach((e, k, all) => {
      for (const x of e) out.push(x);
      out.push(sep);
      for (const x of value) out.push(x);
      if (k < all.length - 1 || comma) out.push({ ...sep, text: ',' });
    });
  }
  return out;
}

/// A number as nft's scanner reads it (strtoull, base 0) and prints it.
function numberText(v: string): string {
  if (/^0x[0-9a-f]+$/i.test(v)) return BigInt(v).toString();
  if (/^0[0-7]+$/.test(v)) return BigInt(`0o${v.slice(1)}`).toString();
  if (/^\d+$/.test(v)) return BigInt(v).toString();
  return v;
}

/// A `log prefix` string with `$NAME` in it, its variables replaced by their text. nft 1.0.6 reports an
/// unknown name at the string; a set, range or prefix there makes it crash or log garbage.
export function expandPrefix(tok: NftToken, scopes: Scopes): NftToken {
  const s = tok.text;
  let out = '';
  let pos = 0;
  for (let k = s.indexOf('$'); k >= 0; k = s.indexOf('$', pos)) {
    out += s.slice(pos, k);
    const name = PREFIX_NAME.exec(s.slice(k + 1))![0];
    const value = scopes.lookup(name);
    if (!value) throw new NftSyntaxError(scopes.unknown(name), tok.line, tok.column);
    const v = value[0];
    if (value.length !== 1 || (!v.quoted && (v.text.includes('/') || /^[0-9a-fx.:]+-[0-9a-fx.:]+$/i.test(v.text))))
      throw new NftSyntaxError(`nft 1.0.6 cannot put $${name} in a log prefix: it holds ${value.map((t) => (t.quoted ? `"${t.text}"` : t.text)).join(' ')}, not a word or a string (nft crashes or logs garbage)`, tok.line, tok.column);
    out += v.quoted ? v.text : numberText(v.text);
    pos = k + 1 + name.length;
  }
  return { ...tok, text: out + s.slice(pos) };
}

/// Where nft refuses a `$NAME` (in a rule or an object) that follows `prev`, or aborts on it; null where
/// a variable may stand. `inSet`: inside a set's or map's braces; `inVmap`: a verdict map's.
export function refusedAfter(prev: NftToken | undefined, prev2: NftToken | undefined, inSet: boolean, inVmap: boolean): string | null {
  if (!prev || prev.quoted) return null;
  if (inVmap && prev.text.endsWith(':')) return `syntax error, unexpected '$': a verdict map's verdicts cannot be variables`;
  if (prev.text === 'comment') return `syntax error, unexpected '$', expecting string or quoted string: a comment cannot be a variable`;
  if (prev.text === 'prefix' && word(prev2, 'log'))
    return `syntax error, unexpected '$', expecting string or quoted string: a log prefix takes variables inside its quotes only ("$NAME")`;
  if (prev.text === 'map' || prev.text === 'vmap')
    return `nft 1.0.6 aborts on a ${prev.text} held in a variable (BUG: invalid mapping expression variable): write the ${prev.text} in its place`;
  if (inSet && (prev.text === 'jump' || prev.text === 'goto'))
    return `nft 1.0.6 aborts on a variable chain inside a verdict map (BUG: chain length is 0): write the chain's name`;
  return null;
}
