// One declarative nftables ruleset per iptables table, as a person would write it: base chains with
// symbolic priorities and their policy, no counters unless asked, and rules folded where the fold
// cannot change what happens to a packet (see fold.ts).
import { BUILTIN_CHAINS, type Chain, type Hook, type Rule, type Ruleset, type Table } from '../engine/model/ruleset';
import { baseChain, symbolicPriority, tablesInSourceOrder } from './chains';
import { foldChain, type Line } from './fold';
import { AFTER_CONNTRACK, RulesetFacts, afterConntrackNote } from './facts';
import { chainNames, declaredName } from './names';
import { translateRule, type RuleEnv } from './rule';
import { writtenArgs } from './source';
import { TextOut } from './text-out';
import type { TranslateOptions, Translation, Untranslated } from './translate';

export function idiomaticText(rs: Ruleset, opts: TranslateOptions): Translation {
  const out = new TextOut();
  out.push('# Translated by nfplay translate (idiomatic nftables)');
  const untranslated: Untranslated[] = [];
  let rules = 0;
  let connlimit = 0;
  const facts = new RulesetFacts(rs);
  for (const t of tablesInSourceOrder(rs)) {
    // An empty base chain that accepts does nothing, except in nat: a registered nat hook is what makes
    // conntrack set up NAT (and move clashing source ports) for every connection.
    const chains = [...t.chains.values()].filter((c) => !c.builtin || c.rules.length || c.policy !== 'ACCEPT' || (t.name === 'nat' && (c.registered || c.span)));
    if (!chains.length) continue;
    const rename = chainNames(t.chains);
    const decls: string[] = [];
    const taken = new Map<string, string>();
    const moved = facts.moved(t.name);
    const env: RuleEnv = {
      flavour: 'idiomatic', rename, ipset: (n) => opts.sets?.[n], facts,
      // Sets shared by name (hashlimit's --hashlimit-name, recent's --name) stay shared; each connlimit
      // rule counts alone.
      declare: (kind, base, b) => {
        const d = declaredName(taken, kind, kind === 'set' && base === 'connlimit' ? `connlimit${connlimit++}` : base, b);
        if (d.fresh) decls.push(`\t${kind} ${d.name} { ${b} }`);
        return d.name;
      },
    };
    const body = new TextOut();
    for (const c of order(t, chains)) {
      const lines: Line[] = [];
      for (const r of c.rules) {
        const x = translateRule(r, env);
        if (!x.ok) {
          const rule = writtenArgs(r, opts.source).join(' ');
          untranslated.push({ line: r.span.line, column: r.span.column, rule, reason: x.reason });
          lines.push({ kind: 'comment', text: `# untranslatable (${x.reason}): ${rule}` });
        } else lines.push({ kind: 'rule', rule: r, parts: tidy(x), stateful: isStateful(r) });
      }
      body.push(`\tchain ${rename.get(c.name) ?? c.name} {`);
      if (c.builtin) {
        const b = baseChain(t.name, c.name as Hook, true);
        if (moved.has(c.name)) body.push(`\t\t# ${afterConntrackNote(c.name)}`);
        body.push(`\t\ttype ${b.type} hook ${b.hook} priority ${moved.has(c.name) ? AFTER_CONNTRACK : symbolicPriority(b)}; policy ${(c.policy ?? 'ACCEPT').toLowerCase()};`);
      }
      for (const l of foldChain(lines)) {
        if (l.kind === 'comment') body.push(`\t\t${l.text}`);
        else if (!l.parts.exprs.length && !l.parts.action && !opts.counters) {
          // Matches everything and does nothing (an iptables rule kept for its counter): only its comment stays.
          if (l.parts.comment) body.push(`\t\t# ${l.parts.comment}`);
        } else {
          const p = l.parts;
          let matches = '\t\t';
          for (const e of p.exprs) matches += e + ' ';
          let line = matches;
          if (opts.counters) line += `counter packets ${l.rule.counters.packets} bytes ${l.rule.counters.bytes} `;
          if (p.action) line += p.action + ' ';
          if (p.comment) line += p.comment + ' ';
          body.push(line.slice(0, -1));
          rules++;
          if (p.otherwise) {
            body.push(matches + p.otherwise);
            rules++;
          }
        }
      }
      body.push('\t}');
    }
    // `table` then `delete table` makes the file replace the table, as iptables-restore does, however
    // often it is loaded (restore-translate's output appends instead: ODDITIES A8).
    out.push(`table ip ${t.name}`);
    out.push(`delete table ip ${t.name}`);
    out.push(`table ip ${t.name} {`);
    for (const d of decls) out.push(d);
    out.pushText(body.body());
    out.push('}');
  }
  return { text: out.text(), untranslated, differences: [], rules };
}

/// Base chains in hook order, then the others as iptables-save lists them.
function order(t: Table, chains: Chain[]): Chain[] {
  const out: Chain[] = [];
  for (const hook of BUILTIN_CHAINS[t.name]) for (const c of chains) if (c.builtin && c.name === hook) out.push(c);
  for (const c of chains) if (!c.builtin) out.push(c);
  return out;
}

function isStateful(r: Rule): boolean {
  for (const m of r.matches) if (m.module.stateful) return true;
  return false;
}

/// `(^|\s)tcp (sport|dport ...)`: an expression that implies the protocol, per protocol name.
const IMPLIES = new Map<string, RegExp>();

/// Drops what another expression already implies: `ip protocol tcp` or `meta l4proto tcp` before
/// `tcp dport 22`.
function tidy<T extends { exprs: string[] }>(x: T): T {
  const all = x.exprs;
  let exprs: string[] | null = null;
  for (let i = 0; i < all.length; i++) {
    const e = all[i];
    const m = all.length > 1 && (e.startsWith('ip protocol ') || e.startsWith('meta l4proto ')) ? /^(?:ip protocol|meta l4proto) (\w+)$/.exec(e) : null;
    let implied = false;
    if (m) {
      let names = IMPLIES.get(m[1]);
      if (!names) IMPLIES.set(m[1], (names = new RegExp(`(^|\\s)${m[1]} (sport|dport|flags|option|type|code)\\b`)));
      for (let j = 0; j < all.length && !implied; j++) implied = all[j] !== e && names.test(all[j]);
    }
    if (implied && !exprs) exprs = all.slice(0, i);
    else if (!implied && exprs) exprs.push(e);
  }
  return exprs ? { ...x, exprs } : x;
}
