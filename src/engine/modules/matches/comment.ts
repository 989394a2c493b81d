// -m comment --comment: a note on the rule, up to 255 characters (libxt_comment). Matches everything.
import type { MatchModule } from '../types';
import { OptionError } from '../types';

export interface CommentOptions {
  text: string;
}

/// iptables-save quotes a comment and escapes its quotes and backslashes.
export function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

export const comment: MatchModule<CommentOptions> = {
  kind: 'match',
  name: 'comment',
  help: 'Attach a comment (at most 255 characters) to the rule; it matches every packet.',
  simulated: true,
  options: [{ name: 'comment', help: 'The comment text (quote it when it has spaces).' }],
  finalize(p) {
    if (!p.comment) throw new OptionError('comment match: option "--comment" must be specified');
    const text = String(p.comment.value);
    if (text.length > 255) throw new OptionError(`comment may not exceed 255 characters`);
    return { text };
  },
  match: () => true,
  space: () => ({ all: [] }),
  save: (o) => `--comment ${quote(o.text)}`,
  list: (o) => `/* ${o.text} */`,
  xlate: (o) => ({ nft: `comment ${quote(o.text)}` }),
};
