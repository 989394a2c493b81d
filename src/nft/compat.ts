// The output of `iptables-restore-translate -f FILE` (dumps) or of `iptables-translate` per command
// (scripts, after a table and chain preamble), line for line, except where that output is invalid nft
// or changes what the rules do: there a `# nfplay:` line above says what differs and why.
import { BUILTIN_CHAINS, type Chain, type Hook, type Rule, type Ruleset, type Table } from '../engine/model/ruleset';
import { baseChain, tablesInSourceOrder } from './chains';
import { chainNames } from './names';
import { translateRule, type RuleEnv, type RuleParts } from './rule';
import { insertPositions, writtenArgs } from './source';
import type { Difference, TranslateOptions, Translation, Untranslated } from './translate';

export function compatText(rs: Ruleset, opts: TranslateOptions): Translation {
  const isDump = opts.source === undefined || /^\s*\*[a-z]+\s*$/m.test(opts.source);
  const out: string[] = [];
  const untranslated: Untranslated[] = [];
  const differences: Difference[] = [];
  let rules = 0;
  let connlimit = 0;
  const insertPosition = insertPositions(opts.source);
  out.push(isDump ? '# Translated by nfplay translate --compat (as iptables-restore-translate v1.8.9)' : '# Translated by nfplay translate --compat (as iptables-translate v1.8.9, one command at a time)');
  // The reference's preamble for scripts lists tables by name; restore-translate follows the dump.
  const tables = isDump ? tablesInSourceOrder(rs) : [...rs.tables.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const t of tables) {
    const rename = chainNames(t.chains.keys());
    const name = (c: string) => rename.get(c) ?? c;
    const declared = new Set<string>();
    out.push(`add table ip ${t.name}`);
    for (const c of declaredChains(t, isDump)) {
      if (rename.has(c.name)) out.push(`# nfplay: chain ${c.name} is called ${name(c.name)}: nft 1.0.6 cannot read that name`);
      if (c.builtin) {
        const b = baseChain(t.name, c.name as Hook);
        if (isDump && !c.span) out.push(`# nfplay: ${c.name} is declared though the dump has no :${c.name} line (iptables-restore creates it; nft needs it)`);
        // A -P line in a dump overrides the :CHAIN line; iptables-restore-translate aborts on it.
        const declaredPolicy = c.span && opts.source ? /^:\S+\s+(\S+)/.exec(opts.source.slice(c.span.from, c.span.to))?.[1] : undefined;
        if (isDump && declaredPolicy && c.policy && declaredPolicy !== c.policy) out.push(`# nfplay: policy ${c.policy} from a -P line (iptables-restore-translate aborts on -P)`);
        if (!isDump && c.policy !== 'ACCEPT') out.push(`# nfplay: the policy of iptables -P ${c.name} ${c.policy} (iptables-translate cannot translate -P)`);
        out.push(`add chain ip ${t.name} ${name(c.name)} { type ${b.type} hook ${b.hook} priority ${b.priority}; policy ${(c.policy ?? 'ACCEPT').toLowerCase()}; }`);
      } else out.push(`add chain ip ${t.name} ${name(c.name)}`);
    }
    const { rules: inOrder, reordered } = ordered(t, insertPosition);
    let sets: string[] = [];
    const env: RuleEnv = {
      flavour: 'compat', rename, ipset: (n) => opts.sets?.[n],
      // restore-translate numbers its connlimit sets across the whole file (connlimit0, 1 ...).
      declare: (kind, base, body) => {
        const n = kind === 'set' && base === 'connlimit' ? `${base}${connlimit++}` : base;
        if (!declared.has(`${kind} ${n}`)) sets.push(`add ${kind} ip ${t.name} ${n} { ${body} }`);
        declared.add(`${kind} ${n}`);
        return n;
      },
    };
    for (const r of inOrder) {
      const moved = reordered.size > 0 && reordered.has(r.chain);
      const position = insertPosition(r);
      if (sets.length) sets = [];
      const x = translateRule(r, env);
      if (!x.ok) {
        const args = writtenArgs(r, opts.source).join(' ');
        untranslated.push({ line: r.span.line, column: r.span.column, rule: args, reason: x.reason });
        out.push(`# untranslatable: ${x.reason}`);
        // The reference echoes the rule with each `!` blanked out: the comment would say the opposite.
        if (args.split(' ').includes('!')) out.push('# nfplay: iptables-translate 1.8.9 echoes this rule without its `!` (ODDITIES A5)');
        out.push(`# -t ${t.name} ${args} `);
        continue;
      }
      for (const n of x.notes) {
        out.push(`# nfplay: ${n}`);
        differences.push({ line: r.span.line, column: r.span.column, note: n });
      }
      if (moved) {
        const note = `-I ${r.chain} N puts the rule at position N; iptables-translate inserts it at the head`;
        out.push(`# nfplay: ${note}`);
        differences.push({ line: r.span.line, column: r.span.column, note });
      }
      for (const l of sets) out.push(l);
      const verb = position !== null && !moved ? 'insert' : 'add';
      out.push(`${verb} rule ip ${t.name} ${name(r.chain)} ${body(x, r, opts.counters ?? false)}`);
      rules++;
    }
  }
  if (isDump) out.push('# Completed by nfplay');
  return { text: out.join('\n') + '\n', untranslated, differences, rules };
}

/// The rule's text after the chain name: matches, counter, action, comment.
function body(x: RuleParts, r: Rule, counters: boolean): string {
  let s = '';
  for (const e of x.exprs) s += e + ' ';
  s += counters ? `counter packets ${r.counters.packets} bytes ${r.counters.bytes}` : 'counter';
  if (x.action) s += ' ' + x.action;
  if (x.comment) s += ' ' + x.comment;
  return s;
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

/// Rules in the order the commands gave them (which the reference follows: rule ids count in parse
/// order), and the chains that had an `-I CHAIN N` with N > 1: those keep their final order, where their
/// first command stood.
function ordered(t: Table, insertPosition: (r: Rule) => number | null): { rules: Rule[]; reordered: Set<string> } {
  const reordered = new Set<string>();
  const rules: Rule[] = [];
  const first = new Map<string, number>();
  for (const c of t.chains.values()) {
    if (!c.rules.length) continue;
    if (c.rules.some((r) => (insertPosition(r) ?? 1) > 1)) {
      reordered.add(c.name);
      first.set(c.name, Math.min(...c.rules.map((r) => r.id)));
    }
    for (const r of c.rules) rules.push(r);
  }
  if (!first.size) return { rules: rules.sort((a, b) => a.id - b.id), reordered };
  const key = (r: Rule) => first.get(r.chain) ?? r.id;
  // Stable: a reordered chain keeps its own order.
  return { rules: rules.sort((a, b) => key(a) - key(b)), reordered };
}
