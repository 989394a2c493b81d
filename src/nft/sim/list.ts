// The ruleset after a run in the shape of `nft list ruleset`: declarative, tab-indented, symbolic
// priorities, every `counter` with its packets and bytes. Rules keep the words they were written with
// (nft itself would print some expressions in its own canonical form), so counters are compared by
// position (counterValues), not by text.
import type { NftProgram, SimChain, SimTable } from './program';
import type { NftToken } from '../parse/tokens';

const NAMES: [number, string, string | null][] = [
  [-300, 'raw', null], [-150, 'mangle', null], [-100, 'dstnat', 'prerouting'], [0, 'filter', null], [50, 'security', null], [100, 'srcnat', 'postrouting'],
];

function priorityText(p: number, hook: string): string {
  for (const [v, name, only] of NAMES) if (v === p && (!only || only === hook)) return name;
  return String(p);
}

function words(tokens: readonly NftToken[]): string {
  return tokens.map((t) => (t.quoted ? `"${t.text}"` : t.text)).join(' ');
}

function ruleText(c: SimChain, i: number): string {
  const r = c.rules[i];
  const toks = r.rule.tokens;
  const out: string[] = [];
  let n = 0;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    out.push(t.quoted ? `"${t.text}"` : t.text);
    if (!t.quoted && t.text === 'counter') {
      // A counter written with values (`counter packets 1 bytes 2`) gets the run's instead.
      if (toks[k + 1]?.text === 'packets') k += 4;
      const v = r.counters[n++];
      if (v) out.push(`packets ${v.packets} bytes ${v.bytes}`);
    }
  }
  return out.join(' ');
}

function table(t: SimTable): string {
  const blocks: string[] = [];
  for (const [key, toks] of t.source.objectTokens) {
    const body = words(toks).replace(/^\{\s*|\s*\}$/g, '');
    blocks.push(`\t${key} {\n\t\t${body}\n\t}\n`);
  }
  for (const c of t.chains.values()) {
    const lines = [`\tchain ${c.name} {`];
    const b = c.source.base;
    if (b) lines.push(`\t\ttype ${b.type} hook ${b.hook} priority ${c.base ? priorityText(c.base.priority, b.hook) : b.priority}; policy ${b.policy};`);
    c.rules.forEach((_r, i) => lines.push(`\t\t${ruleText(c, i)}`));
    lines.push('\t}\n');
    blocks.push(lines.join('\n'));
  }
  return `table ${t.family} ${t.name} {\n${blocks.join('\n')}}\n`;
}

export function listRuleset(p: NftProgram): string {
  return p.tables.map(table).join('');
}

/// Every `counter packets N bytes M` of an nft listing, keyed by table, chain and the rule's position.
export function counterValues(listing: string): string[] {
  const out: string[] = [];
  let tbl = '', chain = '', rule = 0;
  for (const line of listing.split('\n')) {
    const s = line.trim();
    let m: RegExpExecArray | null;
    if ((m = /^table (\S+) (\S+) \{$/.exec(s))) [tbl, chain] = [`${m[1]} ${m[2]}`, ''];
    else if ((m = /^chain (\S+) \{$/.exec(s))) [chain, rule] = [m[1], 0];
    else if (chain && s && s !== '}' && !/^type .* hook .* priority /.test(s) && !/^policy /.test(s)) {
      rule++;
      const re = /counter packets (\d+) bytes (\d+)/g;
      for (let c = re.exec(s); c; c = re.exec(s)) out.push(`${tbl} ${chain} #${rule}: ${c[1]} packets ${c[2]} bytes`);
    } else if (s === '}') chain = chain && line.startsWith('\t}') ? '' : chain;
  }
  return out;
}
