// A rule's words cut into the pieces nft's grammar reads: `{ 22, 80 }`, `(syn|ack)`, `fin,syn` and `a . b`
// become separate tokens, while addresses, ranges and prefixes (`10.0.0.0/8`, `1000-2000`, `10.0.0.5:80`)
// stay whole for the value parsers. Quoted strings stay quoted.
import { word, type NftToken } from '../parse/tokens';

export type Tok = NftToken;

/// Punctuation that always stands alone, even inside a word.
const SPLIT = /([(),|&^{}])/;

export function lexRule(tokens: readonly NftToken[]): Tok[] {
  const out: Tok[] = [];
  for (const t of tokens) {
    // A set reference or a raw payload expression (`@nh,16,8`) keeps its commas.
    if (t.quoted || t.text.startsWith('@') || !SPLIT.test(t.text)) {
      out.push(t);
      continue;
    }
    let col = t.column;
    let first = true;
    for (const part of t.text.split(SPLIT)) {
      if (part) {
        const p: Tok = { text: part, quoted: false, line: t.line, column: col };
        // A piece of a variable's value: no space inside the word it was.
        if (t.end !== undefined) {
          p.end = t.end;
          if (!first) p.spaced = false;
          else if (t.spaced !== undefined) p.spaced = t.spaced;
        }
        out.push(p);
        first = false;
      }
      col += part.length;
    }
  }
  return out;
}

export class NftRuleError extends Error {
  constructor(message: string, public line: number, public column: number) {
    super(message);
    this.name = 'NftRuleError';
  }
}

/// A cursor over a rule's tokens.
export class Cursor {
  i = 0;
  constructor(readonly toks: Tok[], private end: { line: number; column: number }) {}

  peek(k = 0): Tok | undefined {
    return this.toks[this.i + k];
  }
  /// The next token is this bare word.
  is(text: string, k = 0): boolean {
    return word(this.toks[this.i + k], text);
  }
  eat(text: string): boolean {
    if (!this.is(text)) return false;
    this.i++;
    return true;
  }
  done(): boolean {
    return this.i >= this.toks.length;
  }
  next(what: string): Tok {
    const t = this.toks[this.i];
    if (!t) throw this.error(`${what} expected at the end of the rule`);
    this.i++;
    return t;
  }
  expect(text: string): Tok {
    const t = this.peek();
    if (!t || t.quoted || t.text !== text) throw this.error(`"${text}" expected${t ? `, not "${t.text}"` : ''}`, t);
    this.i++;
    return t;
  }
  error(message: string, at: Tok | undefined = this.peek()): NftRuleError {
    const p = at ?? this.toks[this.toks.length - 1] ?? this.end;
    return new NftRuleError(message, p.line, p.column);
  }
}
