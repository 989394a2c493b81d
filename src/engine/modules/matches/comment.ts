// -m comment --comment: a note on the rule, up to 255 characters (libxt_comment). Matches everything.
import type { MatchModule } from '../types';
import { OptionError } from '../types';

/// The comment's text itself: a rule of a kube-proxy dump nearly always has one, and an object around each
/// would be 100k more objects for the collector to mark in a 100k-rule model.
export type CommentOptions = string;

/// As iptables-save writes a string: bare when it is only letters, digits, `_` and `-`; otherwise in double
/// quotes with `"`, `'` and `\` escaped by a backslash.
export function quote(s: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(s)) return s;
  return `"${s.replace(/["'\\]/g, (c) => '\\' + c)}"`;
}

export const comment: MatchModule<CommentOptions> = {
  kind: 'match',
  name: 'comment',
  help: 'Attach a comment (at most 255 characters) to the rule; it matches every packet.',
  simulated: true,
  options: [{ name: 'comment', help: 'The comment text (quote it when it has spaces).' }],
  finalize(p) {
    if (!p.comment) throw new OptionError('comment: option "--comment" must be specified');
    const text = String(p.comment.value);
    // iptables 1.8.9 keeps the first 255 characters of a longer comment, without a word.
    return text.slice(0, 255);
  },
  match: () => true,
  space: () => ({ all: [] }),
  save: (text) => `--comment ${quote(text)}`,
  list: (text) => `/* ${text} */`,
  xlate: (text) => ({ nft: `comment "${text.replace(/[\\"]/g, (c) => '\\' + c)}"` }),
};
