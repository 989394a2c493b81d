// The output of `iptables-restore-translate -f FILE` (dumps) or of `iptables-translate` per command
// (scripts, after a table and chain preamble), line for line, except where that output is invalid nft
// or changes what the rules do: there a `# nfplay:` line above says what differs and why.
import { BUILTIN_CHAINS, type Chain, type Hook, type Rule, type Ruleset, type Table } from '../engine/model/ruleset';
import { baseChain, tablesInSourceOrder } from './chains';
import { AFTER_CONNTRACK, RulesetFacts, afterConntrackNote } from './facts';
import { chainNames, declaredName } from './names';
import { translateRule, type RuleEnv, type RuleParts } from './rule';
import { NO_POSITION, NOT_REPLACED, insertPositions, replacedRules, writtenArgs } from './source';
import { TextOut } from './text-out';
import type { Difference, TranslateOptions, Translation, Untranslated } from './translate';

export function compatText(rs: Ruleset, opts: TranslateOptions): Translation {
  const facts = new RulesetFacts(rs);
  const isDump = opts.source === undefined || /^\s*\*[a-z]+\s*$/m.test(opts.source);
  const out = new TextOut();
  const untranslated: Untranslated[] = [];
  const differences: Difference[] = [];
  let rules = 0;
  let connlimit = 0;
  const insertPosition = insertPositions(opts.source);
  const replaced = replacedRules(opts.source);
  out.push(isDump ? '# Translated by nfplay translate --compat (as iptables-restore-translate v1.8.9)' : '# Translated by nfplay translate --compat (as iptables-translate v1.8.9, one command at a time)');
  // The reference's preamble for scripts lists tables by name; restore-translate follows the dump.
  const tables = isDump ? tablesInSourceOrder(rs) : [...rs.tables.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const t of tables) {
    const rename = chainNames(t.chains);
    const name = (c: string) => rename.get(c) ?? c;
    let declared: Map<string, string> | null = null;
    const moved = facts.moved(t.name);
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
        if (moved.has(c.name)) out.push(`# nfplay: ${afterConntrackNote(c.name)}`);
        const priority = moved.has(c.name) ? AFTER_CONNTRACK : b.priority;
        out.push(`add chain ip ${t.name} ${name(c.name)} { type ${b.type} hook ${b.hook} priority ${priority}; policy ${(c.policy ?? 'ACCEPT').toLowerCase()}; }`);
      } else out.push(`add chain ip ${t.name} ${name(c.name)}`);
    }
    const { rules: inOrder, reordered, inserted } = ordered(t, insertPosition, replaced);
    let sets: string[] = [];
    const env: RuleEnv = {
      flavour: 'compat', rename, ipset: (n) => opts.sets?.[n], facts,
      // restore-translate numbers its connlimit sets across the whole file (connlimit0, 1 ...).
      declare: (kind, base, body) => {
        if (!declared) {
          declared = new Map();
          // hashlimit's `meter NAME` is a set of that name too: declared sets keep clear of it.
          for (const u of facts.uses('hashlimit')) if (u.table === t.name) declared.set(`set ${(u.options as { name: string }).name}`, 'meter');
        }
        const d = declaredName(declared, kind, kind === 'set' && base === 'connlimit' ? `${base}${connlimit++}` : base, body);
        if (d.fresh) sets.push(`add ${kind} ip ${t.name} ${d.name} { ${body} }`);
        return d.name;
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
      // This rule's lines, so that a second rule can go before them (-I).
      const lines: string[] = [];
      for (const n of x.notes) {
        lines.push(noteLine(n));
        differences.push({ line: r.span.line, column: r.span.column, note: n });
      }
      if (replaced(r)) {
        // Appended, it would run after the rules it should precede (kernel-recorded: nft-equiv/compat-chains-script-replace).
        const note = `-R ${r.chain} N: the rule takes the place of rule N; iptables-translate does not translate -R`;
        lines.push(`# nfplay: ${note}`);
        differences.push({ line: r.span.line, column: r.span.column, note });
      } else if (moved && inserted.has(r.chain)) {
        const note = `-I ${r.chain} N puts the rule at position N; iptables-translate inserts it at the head`;
        lines.push(`# nfplay: ${note}`);
        differences.push({ line: r.span.line, column: r.span.column, note });
      }
      for (const l of sets) lines.push(l);
      const verb = position !== null && !moved ? 'insert' : 'add';
      lines.push(`${verb} rule ip ${t.name} ${name(r.chain)} ${body(x, r, opts.counters ?? false)}`);
      rules++;
      if (x.otherwise) {
        // Right after the rule it completes (an insert at the head goes first, then the rule above it).
        const note = `the same matches again: ${x.otherwise} what the statement above let through (-j ${r.target.kind === 'module' ? r.target.module.name : ''} would have)`;
        differences.push({ line: r.span.line, column: r.span.column, note });
        const second = [`# nfplay: ${note}`, `${verb} rule ip ${t.name} ${name(r.chain)} ${body({ ...x, action: x.otherwise }, r, false)}`];
        if (verb === 'insert') lines.unshift(...second);
        else lines.push(...second);
        rules++;
      }
      for (const l of lines) out.push(l);
    }
  }
  if (isDump) out.push('# Completed by nfplay');
  return { text: out.text(), untranslated, differences, rules };
}

/// `# nfplay: NOTE`, made once per note text (kube-proxy dumps repeat one note on every DNAT rule).
const NOTE_LINES = new Map<string, string>();
function noteLine(note: string): string {
  let l = NOTE_LINES.get(note);
  if (l === undefined) {
    if (NOTE_LINES.size > 1000) NOTE_LINES.clear();
    NOTE_LINES.set(note, (l = `# nfplay: ${note}`));
  }
  return l;
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
  const declared = chains.filter((c) => c.span);
  // Usually in file order already (the parser makes them as the :CHAIN lines come).
  let sorted = true;
  for (let i = 1; i < declared.length && sorted; i++) sorted = declared[i - 1].span!.from < declared[i].span!.from;
  if (!sorted) declared.sort((a, b) => a.span!.from - b.span!.from);
  const implicit = chains.filter((c) => !c.span && c.builtin && (c.registered || c.rules.length));
  return [...implicit.filter((c) => (BUILTIN_CHAINS[t.name] as readonly string[]).includes(c.name)), ...declared];
}

/// Rules in the order the commands gave them (which the reference follows: rule ids count in parse
/// order), and the chains that had an `-I CHAIN N` with N > 1 or a `-R`: those keep their final order,
/// where their first command stood.
function ordered(t: Table, insertPosition: (r: Rule) => number | null, replaced: (r: Rule) => boolean): { rules: Rule[]; reordered: Set<string>; inserted: Set<string> } {
  const reordered = new Set<string>();
  const inserted = new Set<string>();
  const rules: Rule[] = [];
  const first = new Map<string, number>();
  for (const c of t.chains.values()) {
    if (!c.rules.length) continue;
    if (insertPosition !== NO_POSITION && c.rules.some((r) => (insertPosition(r) ?? 1) > 1)) inserted.add(c.name);
    if (inserted.has(c.name) || (replaced !== NOT_REPLACED && c.rules.some(replaced))) {
      reordered.add(c.name);
      first.set(c.name, Math.min(...c.rules.map((r) => r.id)));
    }
    for (const r of c.rules) rules.push(r);
  }
  if (!first.size) return { rules: byId(rules), reordered, inserted };
  const key = (r: Rule) => first.get(r.chain) ?? r.id;
  // Stable: a reordered chain keeps its own order.
  return { rules: rules.sort((a, b) => key(a) - key(b)), reordered, inserted };
}

/// Rules by id. Ids count up from 1 as the parser made the rules (a few numbers lost to deleted ones):
/// placing each at its id is linear where a comparison sort of 100k rules is not.
function byId(rules: Rule[]): Rule[] {
  let max = 0;
  for (const r of rules) if (r.id > max) max = r.id;
  if (max > 4 * rules.length + 64) return rules.sort((a, b) => a.id - b.id);
  const at: (Rule | undefined)[] = new Array(max + 1);
  for (const r of rules) at[r.id] = r;
  const out: Rule[] = [];
  for (const r of at) if (r) out.push(r);
  return out;
}
