// One declarative nftables ruleset per iptables table, as a person would write it: base chains with
// symbolic priorities and their policy, no counters unless asked, and rules folded where the fold
// cannot change what happens to a packet (see fold.ts).
import { BUILTIN_CHAINS, type Chain, type Hook, type Ruleset, type Table } from '../engine/model/ruleset';
import { baseChain, symbolicPriority, tablesInSourceOrder } from './chains';
import { foldChain, type Line } from './fold';
import { chainNames } from './names';
import { translateRule } from './rule';
import { writtenArgs } from './source';
import type { TranslateOptions, Translation, Untranslated } from './translate';

export function idiomaticText(rs: Ruleset, opts: TranslateOptions): Translation {
  const out: string[] = ['# Translated by nfplay translate (idiomatic nftables)'];
  const untranslated: Untranslated[] = [];
  let rules = 0;
  let connlimit = 0;
  for (const t of tablesInSourceOrder(rs)) {
    // An empty base chain that accepts does nothing, except in nat: a registered nat hook is what makes
    // conntrack set up NAT (and move clashing source ports) for every connection.
    const chains = [...t.chains.values()].filter((c) => !c.builtin || c.rules.length || c.policy !== 'ACCEPT' || (t.name === 'nat' && (c.registered || c.span)));
    if (!chains.length) continue;
    const rename = chainNames(t.chains.keys());
    const decls = new Map<string, string>();
    const body: string[] = [];
    for (const c of order(t, chains)) {
      const lines: Line[] = [];
      for (const r of c.rules) {
        const x = translateRule(r, {
          flavour: 'idiomatic', rename, ipset: (n) => opts.sets?.[n],
          // Sets shared by name (hashlimit's --hashlimit-name) stay shared; each connlimit rule counts alone.
          declare: (kind, base, b) => {
            const name = kind === 'set' && base === 'connlimit' ? `connlimit${connlimit++}` : base;
            decls.set(`${kind} ${name}`, `\t${kind} ${name} { ${b} }`);
            return name;
          },
        });
        if (!x.ok) {
          const rule = writtenArgs(r, opts.source).join(' ');
          untranslated.push({ line: r.span.line, column: r.span.column, rule, reason: x.reason });
          lines.push({ kind: 'comment', text: `# untranslatable (${x.reason}): ${rule}` });
        } else lines.push({ kind: 'rule', rule: r, parts: tidy(x), stateful: r.matches.some((m) => m.module.stateful) });
      }
      body.push(`\tchain ${rename.get(c.name) ?? c.name} {`);
      if (c.builtin) {
        const b = baseChain(t.name, c.name as Hook);
        body.push(`\t\ttype ${b.type} hook ${b.hook} priority ${symbolicPriority(b)}; policy ${(c.policy ?? 'ACCEPT').toLowerCase()};`);
      }
      for (const l of foldChain(lines)) {
        if (l.kind === 'comment') body.push(`\t\t${l.text}`);
        else if (!l.parts.exprs.length && !l.parts.action && !opts.counters) {
          // Matches everything and does nothing (an iptables rule kept for its counter): only its comment stays.
          if (l.parts.comment) body.push(`\t\t# ${l.parts.comment}`);
        } else {
          const counter = opts.counters ? `counter packets ${l.rule.counters.packets} bytes ${l.rule.counters.bytes}` : null;
          body.push(`\t\t${[...l.parts.exprs, counter, l.parts.action, l.parts.comment].filter(Boolean).join(' ')}`);
          rules++;
        }
      }
      body.push('\t}');
    }
    // `table` then `delete table` makes the file replace the table, as iptables-restore does, however
    // often it is loaded (restore-translate's output appends instead: ODDITIES A8).
    out.push(`table ip ${t.name}`, `delete table ip ${t.name}`, `table ip ${t.name} {`);
    for (const d of decls.values()) out.push(d);
    for (const l of body) out.push(l);
    out.push('}');
  }
  return { text: out.join('\n') + '\n', untranslated, differences: [], rules };
}

/// Base chains in hook order, then the others as iptables-save lists them.
function order(t: Table, chains: Chain[]): Chain[] {
  const hooks = BUILTIN_CHAINS[t.name] as readonly string[];
  return [...chains].sort((a, b) => (a.builtin ? hooks.indexOf(a.name) : 99) - (b.builtin ? hooks.indexOf(b.name) : 99));
}

/// Drops what another expression already implies: `ip protocol tcp` or `meta l4proto tcp` before
/// `tcp dport 22`.
function tidy<T extends { exprs: string[] }>(x: T): T {
  const exprs = x.exprs.filter((e) => {
    const m = /^(?:ip protocol|meta l4proto) (\w+)$/.exec(e);
    if (!m) return true;
    const names = new RegExp(`(^|\\s)${m[1]} (sport|dport|flags|option|type|code)\\b`);
    return !x.exprs.some((o) => o !== e && names.test(o));
  });
  return { ...x, exprs };
}

