// The output of `iptables-restore-translate -f FILE` (dumps) or of `iptables-translate` per command
// (scripts, after a table and chain preamble), line for line, except where that output is invalid nft
// or changes what the rules do: there a `# nfplay:` line above says what differs and why.
import { BUILTIN_CHAINS, type Chain, type Hook, type Rule, type Ruleset, type Table } from '../engine/model/ruleset';
import { baseChain, tablesInSourceOrder } from './chains';
import { AFTER_CONNTRACK, RulesetFacts, afterConntrackNote } from './facts';
import { chainNames, declaredName } from './names';
import { endTranslation, translateRule, type RuleEnv, type RuleParts } from './rule';
import { chainsByLine, parseOrder } from './rule-order';
import { NO_POSITION, NOT_REPLACED, insertPositions, placesRules, replacedRules, writtenArgs } from './source';
import { TextOut } from './text-out';
import type { Span } from '../engine/model/span';
import type { Difference, TranslateOptions, Translation, Untranslated } from './translate';

/// One text store for every translation: optimized code holds on to the store it was made with, and a
/// collection that frees such a store throws that code away (V8 --trace-deopt: "weak objects").
const OUT = new TextOut();

export function compatText(rs: Ruleset, opts: TranslateOptions): Translation {
  const facts = new RulesetFacts(rs);
  const isDump = opts.source === undefined || /^\s*\*[a-z]+\s*$/m.test(opts.source);
  const out = OUT.reset();
  const untranslated: Untranslated[] = [];
  const differences: Difference[] = [];
  let rules = 0;
  let connlimit = 0;
  const placed = placesRules(opts.source);
  const insertPosition = placed ? insertPositions(opts.source) : NO_POSITION;
  const replaced = placed ? replacedRules(opts.source) : NOT_REPLACED;
  out.push(isDump ? '# Translated by nfplay translate --compat (as iptables-restore-translate v1.8.9)' : '# Translated by nfplay translate --compat (as iptables-translate v1.8.9, one command at a time)');
  // The reference's preamble for scripts lists tables by name; restore-translate follows the dump.
  const tables = isDump ? tablesInSourceOrder(rs) : [...rs.tables.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const t of tables) {
    const byLine = chainsByLine(t);
    const rename = chainNames(t.chains, byLine);
    let declared: Map<string, string> | null = null;
    const moved = facts.moved(t.name);
    out.push(`add table ip ${t.name}`);
    const chains = declaredChains(t, isDump, byLine);
    const addChain = `add chain ip ${t.name} `;
    // Indexed loops: this function runs once per translation, partly before it is optimized, and a
    // for-of there makes an iterator result per step.
    for (let k = 0; k < chains.length; k++) {
      const c = chains[k];
      if (rename.has(c.name)) out.push(`# nfplay: chain ${c.name} is called ${renamed(rename, c.name)}: nft 1.0.6 cannot read that name`);
      if (c.builtin) {
        const b = baseChain(t.name, c.name as Hook);
        if (isDump && !c.span) out.push(`# nfplay: ${c.name} is declared though the dump has no :${c.name} line (iptables-restore creates it; nft needs it)`);
        // A -P line in a dump overrides the :CHAIN line; iptables-restore-translate aborts on it.
        const declaredPolicy = c.span && opts.source ? /^:\S+\s+(\S+)/.exec(opts.source.slice(c.span.from, c.span.to))?.[1] : undefined;
        if (isDump && declaredPolicy && c.policy && declaredPolicy !== c.policy) out.push(`# nfplay: policy ${c.policy} from a -P line (iptables-restore-translate aborts on -P)`);
        if (!isDump && c.policy !== 'ACCEPT') out.push(`# nfplay: the policy of iptables -P ${c.name} ${c.policy} (iptables-translate cannot translate -P)`);
        if (moved.has(c.name)) out.push(`# nfplay: ${afterConntrackNote(c.name)}`);
        const priority = moved.has(c.name) ? AFTER_CONNTRACK : b.priority;
        out.push(`add chain ip ${t.name} ${renamed(rename, c.name)} { type ${b.type} hook ${b.hook} priority ${priority}; policy ${(c.policy ?? 'ACCEPT').toLowerCase()}; }`);
      } else {
        out.add(addChain);
        out.add(renamed(rename, c.name));
        out.end();
      }
    }
    const { rules: inOrder, reordered, inserted } = ordered(t, byLine, insertPosition, replaced);
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
    const addRule = `add rule ip ${t.name} `;
    const insertRule = `insert rule ip ${t.name} `;
    for (let k = 0; k < inOrder.length; k++) {
      const r = inOrder[k];
      const moved = reordered.size > 0 && reordered.has(r.chain);
      const position = insertPosition(r);
      if (sets.length) sets = [];
      const x = translateRule(r, env);
      if (!x.ok) {
        const args = writtenArgs(r, opts.source).join(' ');
        const s = r.span;
        untranslated.push({ line: s.line, column: s.column, rule: args, reason: x.reason });
        out.push(`# untranslatable: ${x.reason}`);
        // The reference echoes the rule with each `!` blanked out: the comment would say the opposite.
        if (args.split(' ').includes('!')) out.push('# nfplay: iptables-translate 1.8.9 echoes this rule without its `!` (ODDITIES A5)');
        out.push(`# -t ${t.name} ${args} `);
        continue;
      }
      const notes = x.notes;
      // The rule's span is made anew on each read: once per rule that needs it.
      let span: Span | null = null;
      for (let i = 0; i < notes.length; i++) differences.push(difference((span ??= r.span), notes[i]));
      let placeNote: string | null = null;
      if (replaced(r)) {
        // Appended, it would run after the rules it should precede (kernel-recorded: nft-equiv/compat-chains-script-replace).
        placeNote = `-R ${r.chain} N: the rule takes the place of rule N; iptables-translate does not translate -R`;
      } else if (moved && inserted.has(r.chain)) {
        placeNote = `-I ${r.chain} N puts the rule at position N; iptables-translate inserts it at the head`;
      }
      if (placeNote) differences.push(difference((span ??= r.span), placeNote));
      const verb = position !== null && !moved ? insertRule : addRule;
      const chain = renamed(rename, r.chain);
      let second: string | null = null;
      if (x.otherwise) {
        second = `the same matches again: ${x.otherwise} what the statement above let through (-j ${r.target.kind === 'module' ? r.target.module.name : ''} would have)`;
        differences.push(difference((span ??= r.span), second));
      }
      // The rule completing this one goes right after it; an insert at the head goes first, then this one above it.
      if (second && verb === insertRule) writeSecond(out, second, verb, chain, x);
      for (let i = 0; i < notes.length; i++) out.push(noteLine(notes[i]));
      if (placeNote) out.push(`# nfplay: ${placeNote}`);
      for (let i = 0; i < sets.length; i++) out.push(sets[i]);
      writeRule(out, verb, chain, x.exprs, opts.counters ? `counter packets ${r.counters.packets} bytes ${r.counters.bytes}` : 'counter', x.action, x.comment);
      rules++;
      if (second) {
        if (verb === addRule) writeSecond(out, second, verb, chain, x);
        rules++;
      }
    }
  }
  if (isDump) out.push('# Completed by nfplay');
  endTranslation();
  return { text: out.text(), untranslated, differences, rules };
}

/// A chain's name in the output. Not a closure made per table: optimized code that calls a closure is
/// bound to it, and the next table's or translation's closure would throw that code away.
function renamed(rename: Map<string, string>, chain: string): string {
  return rename.size === 0 ? chain : (rename.get(chain) ?? chain);
}

function difference(at: Span, note: string): Difference {
  return { line: at.line, column: at.column, note };
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

/// `add rule ip TABLE CHAIN matches counter action comment`, in pieces (`verb` ends with a space).
function writeRule(out: TextOut, verb: string, chain: string, exprs: string[], counter: string, action: string | null, comment: string | null): void {
  out.add(verb);
  out.add(chain);
  for (let i = 0; i < exprs.length; i++) {
    out.add(' ');
    out.add(exprs[i]);
  }
  // The words around `counter` in one piece: each piece costs the join about what a few dozen characters do.
  if (counter === 'counter') out.add(action ? ' counter ' : ' counter');
  else {
    out.add(' ');
    out.add(counter);
    if (action) out.add(' ');
  }
  if (action) out.add(action);
  if (comment) {
    out.add(' ');
    out.add(comment);
  }
  out.end();
}

/// The note and the second rule of a target with `otherwise`: the same matches, never the dump's counts.
function writeSecond(out: TextOut, note: string, verb: string, chain: string, x: RuleParts): void {
  out.push(`# nfplay: ${note}`);
  writeRule(out, verb, chain, x.exprs, 'counter', x.otherwise, x.comment);
}

/// restore-translate declares the chains of `:CHAIN` lines, in file order; a built-in chain a dump uses
/// without declaring it must still be declared. Scripts: every chain the commands left, sorted.
function declaredChains(t: Table, isDump: boolean, byLine: Chain[]): Chain[] {
  if (!isDump) return [...t.chains.values()].filter((c) => !c.builtin || c.registered || c.rules.length || c.policy !== 'ACCEPT').sort((a, b) => a.name.localeCompare(b.name));
  const implicit = byLine.filter((c) => !c.span && c.builtin && (c.registered || c.rules.length) && (BUILTIN_CHAINS[t.name] as readonly string[]).includes(c.name));
  for (let i = 0; i < byLine.length; i++) if (byLine[i].span) implicit.push(byLine[i]);
  return implicit;
}

/// Rules in the order the commands gave them (which the reference follows: rule ids count in parse
/// order), and the chains that had an `-I CHAIN N` with N > 1 or a `-R`: those keep their final order,
/// where their first command stood.
function ordered(t: Table, byLine: Chain[], insertPosition: (r: Rule) => number | null, replaced: (r: Rule) => boolean): { rules: Rule[]; reordered: Set<string>; inserted: Set<string> } {
  const reordered = new Set<string>();
  const inserted = new Set<string>();
  // (The order of the chains here does not matter: the rules come out by id, or by a key per chain.)
  const { rules, order } = parseOrder(byLine);
  const first = new Map<string, number>();
  if (insertPosition !== NO_POSITION || replaced !== NOT_REPLACED)
    for (const c of t.chains.values()) {
      if (!c.rules.length) continue;
      if (insertPosition !== NO_POSITION && c.rules.some((r) => (insertPosition(r) ?? 1) > 1)) inserted.add(c.name);
      if (inserted.has(c.name) || (replaced !== NOT_REPLACED && c.rules.some(replaced))) {
        reordered.add(c.name);
        let min = Infinity;
        for (const r of c.rules) if (r.id < min) min = r.id;
        first.set(c.name, min);
      }
    }
  if (!first.size) {
    const byId: Rule[] = new Array(order.length);
    for (let i = 0; i < order.length; i++) byId[i] = rules[order[i]];
    return { rules: byId, reordered, inserted };
  }
  const key = (r: Rule) => first.get(r.chain) ?? r.id;
  // Stable: a reordered chain keeps its own order.
  return { rules: rules.sort((a, b) => key(a) - key(b)), reordered, inserted };
}
