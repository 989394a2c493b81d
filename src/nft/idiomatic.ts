// One declarative nftables ruleset per iptables table, as a person would write it: base chains with
// symbolic priorities and their policy, no counters unless asked, and rules folded where the fold
// cannot change what happens to a packet (see fold.ts).
import { BUILTIN_CHAINS, type Chain, type Hook, type Rule, type Ruleset } from '../engine/model/ruleset';
import { baseChain, symbolicPriority, tablesInSourceOrder } from './chains';
import { foldChain, type Line } from './fold';
import { AFTER_CONNTRACK, RulesetFacts, afterConntrackNote } from './facts';
import { chainNames, declaredName, validChainName } from './names';
import { endTranslation, translateRule, type RuleEnv } from './rule';
import { orderBy } from './rule-order';
import { writtenArgs } from './source';
import { TextOut } from './text-out';
import type { TranslateOptions, Translation, Untranslated } from './translate';

/// One text store each for every translation: optimized code holds on to the stores it was made with, and
/// a collection that frees such a store throws that code away (V8 --trace-deopt: "weak objects").
const OUT = new TextOut();
const CHAIN_OUT = new TextOut();

export function idiomaticText(rs: Ruleset, opts: TranslateOptions): Translation {
  const out = OUT.reset();
  out.push('# Translated by nfplay translate (idiomatic nftables)');
  const untranslated: Untranslated[] = [];
  let rules = 0;
  let connlimit = 0;
  let declared = 0;
  const facts = new RulesetFacts(rs);
  for (const t of tablesInSourceOrder(rs)) {
    // The chains to write: base chains in hook order, then the others as iptables-save lists them. The map
    // lists them by name, not in the order they lie in memory: every chain read costs cache misses.
    const hooks = BUILTIN_CHAINS[t.name] as readonly string[];
    const base: Chain[] = new Array(hooks.length);
    const others: Chain[] = [];
    let valid = true;
    const all = [...t.chains.values()];
    for (let i = 0; i < all.length; i++) {
      const c = all[i];
      if (valid) valid = validChainName(c.name);
      if (!c.builtin) others.push(c);
      else if (c.rules.length || c.policy !== 'ACCEPT' || (t.name === 'nat' && (c.registered || c.span))) {
        // An empty base chain that accepts does nothing, except in nat: a registered nat hook is what
        // makes conntrack set up NAT (and move clashing source ports) for every connection.
        const h = hooks.indexOf(c.name);
        if (h >= 0) base[h] = c;
      }
    }
    const inOrder: Chain[] = [];
    for (const c of base) if (c) inOrder.push(c);
    for (let i = 0; i < others.length; i++) inOrder.push(others[i]);
    const first = new Float64Array(inOrder.length);
    for (let i = 0; i < inOrder.length; i++) first[i] = inOrder[i].rules.length ? inOrder[i].rules[0].id : 0;
    if (!inOrder.length) continue;
    const rename = valid ? new Map<string, string>() : chainNames(t.chains);
    const decls: string[] = [];
    const taken = new Map<string, string>();
    const moved = facts.moved(t.name);
    const env: RuleEnv = {
      flavour: 'idiomatic', rename, ipset: (n) => opts.sets?.[n], facts,
      // Sets shared by name (hashlimit's --hashlimit-name, recent's --name) stay shared; each connlimit
      // rule counts alone.
      declare: (kind, base, b) => {
        declared++;
        const d = declaredName(taken, kind, kind === 'set' && base === 'connlimit' ? `connlimit${connlimit++}` : base, b);
        if (d.fresh) decls.push(`\t${kind} ${d.name} { ${b} }`);
        return d.name;
      },
    };
    // Each chain's text is made in the order its rules were parsed (see rule-order.ts) and written in
    // order: `written` holds where it starts and ends in `chainOut`.
    const written = new Float64Array(2 * inOrder.length);
    const chainOut = CHAIN_OUT.reset();
    // Untranslated rules are listed in chain order, whatever order they were translated in.
    const bad: { at: number; u: Untranslated }[] = [];
    const write = (at: number) => {
      const c = inOrder[at];
      written[2 * at] = chainOut.position;
      const lines: Line[] = new Array(c.rules.length);
      for (let i = 0; i < lines.length; i++) {
        const r = c.rules[i];
        const x = translateRule(r, env);
        if (!x.ok) {
          const rule = writtenArgs(r, opts.source).join(' ');
          const s = r.span;
          bad.push({ at, u: { line: s.line, column: s.column, rule, reason: x.reason } });
          lines[i] = { kind: 'comment', text: `# untranslatable (${x.reason}): ${rule}` };
        } else lines[i] = { kind: 'rule', rule: r, parts: tidy(x), stateful: isStateful(r) };
      }
      chainOut.add('\tchain ');
      chainOut.add(rename.get(c.name) ?? c.name);
      chainOut.add(' {\n');
      if (c.builtin) {
        const b = baseChain(t.name, c.name as Hook, true);
        if (moved.has(c.name)) chainOut.push(`\t\t# ${afterConntrackNote(c.name)}`);
        chainOut.push(`\t\ttype ${b.type} hook ${b.hook} priority ${moved.has(c.name) ? AFTER_CONNTRACK : symbolicPriority(b)}; policy ${(c.policy ?? 'ACCEPT').toLowerCase()};`);
      }
      const folded = foldChain(lines);
      for (let i = 0; i < folded.length; i++) rules += writeLine(chainOut, folded[i], opts.counters ?? false);
      chainOut.add('\t}\n');
      written[2 * at + 1] = chainOut.position;
    };
    const before = { connlimit, declared, rules };
    const byFirstRule = orderBy(first);
    for (let i = 0; i < byFirstRule.length; i++) write(byFirstRule[i]);
    if (declared !== before.declared) {
      // Declared sets and objects are named and written in chain order: translate that way instead.
      connlimit = before.connlimit;
      rules = before.rules;
      taken.clear();
      decls.length = 0;
      bad.length = 0;
      for (let at = 0; at < inOrder.length; at++) write(at);
    } else bad.sort((a, b) => a.at - b.at);
    for (const b of bad) untranslated.push(b.u);
    // `table` then `delete table` makes the file replace the table, as iptables-restore does, however
    // often it is loaded (restore-translate's output appends instead: ODDITIES A8).
    out.push(`table ip ${t.name}`);
    out.push(`delete table ip ${t.name}`);
    out.push(`table ip ${t.name} {`);
    for (const d of decls) out.push(d);
    // Chains written one after the other go as one piece: in a dump as iptables-save lays it out, the
    // rules come chain by chain in the chains' order, and the whole table is then one slice.
    for (let i = 0; i < inOrder.length; ) {
      const from = written[2 * i];
      let to = written[2 * i + 1];
      while (++i < inOrder.length && written[2 * i] === to) to = written[2 * i + 1];
      out.pushText(chainOut.slice(from, to));
    }
    out.push('}');
  }
  endTranslation();
  return { text: out.text(), untranslated, differences: [], rules };
}

/// Writes a rule (or a comment) of a chain; returns the number of nft rules written.
function writeLine(out: TextOut, l: Line, counters: boolean): number {
  if (l.kind === 'comment') {
    out.add('\t\t');
    out.add(l.text);
    out.end();
    return 0;
  }
  const p = l.parts;
  if (!p.exprs.length && !p.action && !counters) {
    // Matches everything and does nothing (an iptables rule kept for its counter): only its comment stays.
    if (p.comment) {
      out.add('\t\t# ');
      out.add(p.comment);
      out.end();
    }
    return 0;
  }
  // The statements separated by spaces; there is at least one.
  let sep = '\t\t';
  for (const e of p.exprs) {
    out.add(sep);
    out.add(e);
    sep = ' ';
  }
  if (counters) {
    out.add(sep);
    out.add(`counter packets ${l.rule.counters.packets} bytes ${l.rule.counters.bytes}`);
    sep = ' ';
  }
  if (p.action) {
    out.add(sep);
    out.add(p.action);
    sep = ' ';
  }
  if (p.comment) {
    out.add(sep);
    out.add(p.comment);
  }
  out.end();
  if (!p.otherwise) return 1;
  out.add('\t\t');
  for (const e of p.exprs) {
    out.add(e);
    out.add(' ');
  }
  out.add(p.otherwise);
  out.end();
  return 2;
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
