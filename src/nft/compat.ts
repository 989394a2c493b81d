// The output of `iptables-restore-translate -f FILE` (dumps) or of `iptables-translate` per command
// (scripts, after a table and chain preamble), line for line, except where that output is invalid nft
// or changes what the rules do: there a `# nfplay:` line above says what differs and why.
import { BUILTIN_CHAINS, type Chain, type Hook, type Rule, type Ruleset, type Table } from '../engine/model/ruleset';
import { baseChain } from './chains';
import { chainNames } from './names';
import { translateRule, type RuleParts } from './rule';
import { written } from './source';
import type { TranslateOptions, Translation, Untranslated } from './translate';

export function compatText(rs: Ruleset, opts: TranslateOptions): Translation {
  const isDump = opts.source === undefined || /^\s*\*[a-z]+\s*$/m.test(opts.source);
  const out: string[] = [];
  const untranslated: Untranslated[] = [];
  let rules = 0;
  let connlimit = 0;
  out.push(isDump ? '# Translated by nfplay translate --compat (as iptables-restore-translate v1.8.9)' : '# Translated by nfplay translate --compat (as iptables-translate v1.8.9, one command at a time)');
  const tables = [...rs.tables.values()];
  if (!isDump) tables.sort((a, b) => a.name.localeCompare(b.name));
  else tables.sort((a, b) => firstLine(a) - firstLine(b));
  for (const t of tables) {
    const rename = chainNames(t.chains.keys());
    const name = (c: string) => rename.get(c) ?? c;
    out.push(`add table ip ${t.name}`);
    for (const [from, to] of rename) out.push(`# nfplay: chain ${from} is called ${to}: nft 1.0.6 cannot read that name`);
    for (const c of declaredChains(t, isDump)) {
      if (c.builtin) {
        const b = baseChain(t.name, c.name as Hook);
        if (isDump && !c.span) out.push(`# nfplay: ${c.name} is declared though the dump has no :${c.name} line (iptables-restore creates it; nft needs it)`);
        if (!isDump && c.policy !== 'ACCEPT') out.push(`# nfplay: the policy of iptables -P ${c.name} ${c.policy} (iptables-translate cannot translate -P)`);
        out.push(`add chain ip ${t.name} ${name(c.name)} { type ${b.type} hook ${b.hook} priority ${b.priority}; policy ${(c.policy ?? 'ACCEPT').toLowerCase()}; }`);
      } else out.push(`add chain ip ${t.name} ${name(c.name)}`);
    }
    for (const { rule: r, chain } of ordered(t, opts.source)) {
      const w = written(r, opts.source);
      const sets: string[] = [];
      const x = translateRule(r, {
        flavour: 'compat', rename, ipset: (n) => opts.sets?.[n],
        // restore-translate numbers its connlimit sets across the whole file (connlimit0, 1 ...).
        declare: (kind, base, body) => {
          const n = kind === 'set' && base === 'connlimit' ? `${base}${connlimit++}` : base;
          sets.push(`add ${kind} ip ${t.name} ${n} { ${body} }`);
          return n;
        },
      });
      if (!x.ok) {
        untranslated.push({ line: r.span.line, column: r.span.column, rule: w.args.join(' '), reason: x.reason });
        out.push(`# -t ${t.name} ${w.args.join(' ')} `);
        continue;
      }
      out.push(...sets);
      for (const n of x.notes) out.push(`# nfplay: ${n}`);
      if (chain.reordered) out.push(`# nfplay: -I ${r.chain} N puts the rule at position N; iptables-translate inserts it at the head`);
      const verb = w.insert && !chain.reordered ? 'insert' : 'add';
      out.push(`${verb} rule ip ${t.name} ${name(r.chain)} ${body(x, r, opts.counters ?? false)}`);
      rules++;
    }
  }
  if (isDump) out.push('# Completed by nfplay');
  return { text: out.join('\n') + '\n', untranslated, rules };
}

/// The rule's text after the chain name: matches, counter, action, comment.
export function body(x: RuleParts, r: Rule, counters: boolean): string {
  const counter = counters ? `counter packets ${r.counters.packets} bytes ${r.counters.bytes}` : 'counter';
  return [...x.exprs, counter, x.action, x.comment].filter(Boolean).join(' ');
}

/// restore-translate declares the chains of `:CHAIN` lines, in file order; a built-in chain a dump uses
/// without declaring it must still be declared. Scripts: every chain the commands left, sorted.
function declaredChains(t: Table, isDump: boolean): Chain[] {
  const chains = [...t.chains.values()];
  if (!isDump) return chains.filter((c) => !c.builtin || c.registered || c.rules.length || c.policy !== 'ACCEPT').sort((a, b) => a.name.localeCompare(b.name));
  const declared = chains.filter((c) => c.span).sort((a, b) => a.span!.from - b.span!.from);
  const implicit = chains.filter((c) => !c.span && c.builtin && (c.registered || c.rules.length));
  return [...implicit.filter((c) => (BUILTIN_CHAINS[t.name] as readonly string[]).includes(c.name)), ...declared];
}

interface Placed {
  rule: Rule;
  chain: { reordered: boolean };
}

/// Rules in the order the commands gave them (which the reference follows), unless a chain had an
/// `-I CHAIN N` with N > 1: then its rules in their final order, where its first command stood.
function ordered(t: Table, source: string | undefined): Placed[] {
  const keyed: { p: Placed; at: number; sub: number }[] = [];
  for (const c of t.chains.values()) {
    const reordered = source !== undefined && c.rules.some((r) => (written(r, source).position ?? 1) > 1);
    const first = Math.min(...c.rules.map((r) => r.span.from));
    c.rules.forEach((rule, i) => keyed.push({ p: { rule, chain: { reordered } }, at: reordered ? first : rule.span.from, sub: reordered ? i : rule.id }));
  }
  if (source !== undefined) keyed.sort((a, b) => a.at - b.at || a.sub - b.sub);
  return keyed.map((k) => k.p);
}

/// Where a table's section starts in the dump (restore-translate follows the file).
function firstLine(t: Table): number {
  let min = Infinity;
  for (const c of t.chains.values()) {
    if (c.span) min = Math.min(min, c.span.from);
    for (const r of c.rules) min = Math.min(min, r.span.from);
  }
  return min;
}
