// A small CodeMirror language for iptables text: save dumps (`*filter`, `:INPUT DROP [0:0]`, `COMMIT`),
// command scripts (`iptables -A ...`) and `-S` listings. Highlighting only: the engine's parser is the
// judge of what is valid, and its diagnostics arrive separately.
import { HighlightStyle, StreamLanguage, type StreamParser } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

interface State {
  /// The next word names a target or a chain (after -j, -g, -N, -P, -A ...).
  expectName: boolean;
}

const VERDICTS = /^(?:ACCEPT|DROP|RETURN|QUEUE)\b/;
const COMMAND = /^(?:-[AIDRNPFXZSLE]|--(?:append|insert|delete|replace|new-chain|policy|flush|delete-chain|zero|list-rules|list|rename-chain))(?=\s|$)/;

export const iptablesParser: StreamParser<State> = {
  name: 'iptables',
  startState: () => ({ expectName: false }),
  token(stream, state) {
    if (stream.sol()) {
      state.expectName = false;
      if (stream.match(/^\*\w+/)) return 'heading';
      if (stream.match(/^:[^\s]+/)) return 'labelName';
      if (stream.match(/^COMMIT\b/)) return 'keyword';
    }
    if (stream.eatSpace()) return null;
    if (stream.match(/^#.*/)) return 'comment';
    if (stream.match(/^\[\d+:\d+\]/)) return 'meta';
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^'[^']*'?/)) return 'string';
    if (stream.match(/^(?:sudo\s+)?(?:ip6?tables)(?:-legacy|-nft)?(?=\s|$)/)) return 'keyword';
    if (stream.match(COMMAND) || stream.match(/^(?:-[jg]|--jump|--goto)(?=\s|$)/)) {
      state.expectName = true;
      return 'keyword';
    }
    if (stream.match(/^-t(?=\s)|^--table\b/)) return 'keyword';
    if (stream.match(/^--?[a-zA-Z][\w-]*/)) {
      state.expectName = false;
      return 'propertyName';
    }
    if (stream.eat('!')) return 'operator';
    if (state.expectName && stream.match(/^[^\s]+/)) {
      state.expectName = false;
      return VERDICTS.test(stream.current()) ? 'atom' : 'typeName';
    }
    if (stream.match(/^\d{1,3}(?:\.\d{1,3}){3}(?:\/\d+)?/) || stream.match(/^0x[\da-f]+(?:\/0x[\da-f]+)?/i) || stream.match(/^\d+(?:[:-]\d+)?(?=[\s,/]|$)/)) return 'number';
    if (stream.match(/^[A-Z][A-Z_,]+\b/)) return 'atom';
    stream.match(/^[^\s!#]+/) || stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '#' } },
};

export const iptablesLanguage = StreamLanguage.define(iptablesParser);

/// Colours come from CSS variables, so the light and dark themes are the stylesheet's business.
export const iptablesHighlight = HighlightStyle.define([
  { tag: t.comment, color: 'var(--tok-comment)', fontStyle: 'italic' },
  { tag: t.heading, color: 'var(--tok-heading)', fontWeight: '600' },
  { tag: t.labelName, color: 'var(--tok-chain)' },
  { tag: t.keyword, color: 'var(--tok-keyword)', fontWeight: '600' },
  { tag: t.propertyName, color: 'var(--tok-option)' },
  { tag: t.operator, color: 'var(--tok-keyword)' },
  { tag: t.atom, color: 'var(--tok-atom)' },
  { tag: t.typeName, color: 'var(--tok-chain)' },
  { tag: t.number, color: 'var(--tok-number)' },
  { tag: t.string, color: 'var(--tok-string)' },
  { tag: t.meta, color: 'var(--tok-comment)' },
]);
