// nft's lexical layer, as far as the structure of a ruleset needs it: words, quoted strings, the
// punctuation that shapes blocks ({ } ; and newlines), `#` comments to the end of the line.

export interface NftToken {
  /// `{`, `}`, `;`, `\n` (a statement ends there), or a word / quoted string as written.
  text: string;
  quoted: boolean;
  line: number;
  column: number;
  /// A token that stands for other text (a variable's value, at its `$NAME`): the column after that
  /// text, and whether a space comes before it in the value as written. Explanations show the value with
  /// its own spaces and point at the `$NAME`.
  end?: number;
  spaced?: boolean;
}

/// Whether `t` is the bare word `text` (a quoted "text" is a string, not the keyword).
export const word = (t: NftToken | undefined, text: string): boolean => !!t && !t.quoted && t.text === text;

/// The column after a token as written, its quotes included (a variable's value: after its `$NAME`).
export const endColumn = (t: NftToken): number => t.end ?? t.column + t.text.length + (t.quoted ? 2 : 0);

export class NftSyntaxError extends Error {
  constructor(message: string, public line: number, public column: number) {
    super(message);
    this.name = 'NftSyntaxError';
  }
}

/// Characters that end a word: white space (as \s, for the ASCII range), braces, `;`, `#`, `"`.
const ENDS_WORD = new Uint8Array(128);
for (const ch of ' \t\n\r\v\f{};#"') ENDS_WORD[ch.charCodeAt(0)] = 1;
const endsWord = (code: number) => (code < 128 ? ENDS_WORD[code] === 1 : /\s/.test(String.fromCharCode(code)));

export function tokenizeNft(text: string): NftToken[] {
  const out: NftToken[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const push = (t: string, start: number, quoted = false) => out.push({ text: t, quoted, line, column: start - lineStart + 1 });
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      push('\n', i);
      line++;
      lineStart = ++i;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f' || (text.charCodeAt(i) >= 128 && /\s/.test(c))) i++;
    else if (c === '\\' && text[i + 1] === '\n') {
      // A backslash joins the next line to this statement.
      i += 2;
      line++;
      lineStart = i;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '{' || c === '}' || c === ';') {
      push(c, i);
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) throw new NftSyntaxError('unterminated string', line, i - lineStart + 1);
      push(text.slice(i + 1, end), i, true);
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !endsWord(text.charCodeAt(i))) i++;
      push(text.slice(start, i), start);
    }
  }
  return out;
}
