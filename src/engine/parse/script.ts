// Scripts of iptables commands (`iptables -A ...`, `sudo iptables ...`, `$IPT -A ...`) and `iptables -S`
// listings (the same commands without the word iptables). Shell around the commands is skipped: nfplay
// runs no shell, so it only expands variables assigned plainly earlier in the script.
import { ParseError } from '../model/span';
import type { TableName } from '../model/ruleset';
import type { RulesetBuilder } from './builder';
import { runCommand } from './command';
import type { Sink } from './restore';
import { spanOf, tokenize, type SourceLine } from './tokens';

const IPTABLES = /^(?:\S*\/)?iptables(?:-legacy|-nft)?$/;
const OTHER_FAMILY = /^(?:\S*\/)?(?:ip6tables|ebtables|arptables)(?:-legacy|-nft)?$/;

export function parseScript(lines: SourceLine[], b: RulesetBuilder, sink: Sink, listingTable: TableName): void {
  const vars = new Map<string, string>();
  for (const src of lines) {
    try {
      const trimmed = src.text.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const assign = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))\s*(?:#.*)?$/.exec(trimmed);
      if (assign) {
        vars.set(assign[1], expand(assign[3] ?? assign[4] ?? assign[5] ?? '', vars) ?? '');
        continue;
      }
      let tokens = tokenize(src);
      if (!tokens.length) continue;
      // Expand $VAR in words; a word whose variable is unknown makes the command unsimulatable.
      let unknown: string | null = null;
      tokens = tokens.map((t) => {
        if (!t.text.includes('$') || t.quoted && src.text[t.start] === "'") return t;
        const e = expand(t.text, vars);
        if (e === null) unknown = t.text;
        return e === null ? t : t.withText(e);
      });
      while (tokens.length && (tokens[0].text === 'sudo' || tokens[0].text === 'command' || tokens[0].text === 'exec')) tokens = tokens.slice(1);
      const head = tokens[0]?.text ?? '';
      let cmd = tokens;
      if (IPTABLES.test(head)) cmd = tokens.slice(1);
      else if (OTHER_FAMILY.test(head)) {
        sink.info(`${head.split('/').pop()} rules are not simulated (nfplay models IPv4 iptables)`, src);
        continue;
      } else if (!/^-[A-Z]$|^--(append|insert|delete|replace|new-chain|new|delete-chain|policy|flush|zero|rename-chain)$/.test(head)) continue;
      if (unknown !== null) {
        sink.info(`skipped: ${unknown} is a shell variable nfplay cannot know; write its value`, src);
        continue;
      }
      if (!cmd.length) throw new ParseError('iptables without a command', tokens[0].span);
      const isListing = cmd === tokens;
      runCommand(cmd, { builder: b, table: isListing ? listingTable : 'filter', allowTable: true, counters: null, onIpv6Only: () => sink.info('IPv6-only rule (-6) skipped, as iptables does', src) });
    } catch (e) {
      if (e instanceof ParseError) sink.error(e.span ? e : new ParseError(e.message, spanOf(src, 0, src.text.length)));
      else throw e;
    }
  }
}

/// $NAME and ${NAME} from plain assignments; null when one is unknown.
function expand(text: string, vars: Map<string, string>): string | null {
  let ok = true;
  const out = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, a, b2) => {
    const v = vars.get(a ?? b2);
    if (v === undefined) ok = false;
    return v ?? '';
  });
  return ok ? out : null;
}
