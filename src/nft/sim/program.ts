// An nftables ruleset made ready to run: every rule compiled, and each hook's base chains in the order
// the kernel runs them. Facts checked with the kernel (test/kernel/cases/nft-sim):
// - base chains of a hook run by priority across all tables; at equal priority the chain registered
//   later runs first (nf_hook_entries_grow inserts before its equals), so a chain at -200 runs before
//   conntrack (registered when the ruleset was loaded, earlier);
// - nat chains all run at the NAT core's place (dstnat -100 in prerouting and output, srcnat 100 in input
//   and postrouting), among themselves by priority, until one binds; the core's hooks exist at every
//   hook once any nat chain does;
// - an accept ends one base chain only; a drop is final;
// - ip and inet tables see IPv4 packets; ip6, arp and bridge tables never do, and netdev (ingress) is
//   not simulated.
import { HOOKS, type Hook } from '../../engine/model/ruleset';
import type { Packet } from '../../engine/model/packet';
import type { TraceStep } from '../../engine/model/trace';
import type { MatchContext } from '../../engine/modules/types';
import type { RunNotes } from '../../engine/sim/compile';
import { headerOf, sameHeader } from '../../engine/sim/header';
import type { HookChain, HookProgram, Stage } from '../../engine/sim/hook-program';
import type { Verdict as HookVerdict, WalkSink } from '../../engine/sim/walk';
import type { NftChain, NftDiagnostic, NftRuleset, NftTable } from '../parse/ruleset';
import { compileRule, setNow, type CompiledRule, type Verdict } from './rule';
import { SimSet } from './sets';
import { NftRuleError } from './lex';
import { listRuleset } from './list';
import { whyNot } from './explain';

const HOOK_NAMES: Record<string, Hook> = {
  prerouting: 'PREROUTING', input: 'INPUT', forward: 'FORWARD', output: 'OUTPUT', postrouting: 'POSTROUTING',
};
const PRIORITIES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };
const CONNTRACK = -200;
/// Where the NAT core runs each hook's nat chains.
const NAT_PRIORITY: Record<Hook, number> = { PREROUTING: -100, OUTPUT: -100, INPUT: 100, POSTROUTING: 100, FORWARD: 0 };
/// The jump stack of nft_do_chain.
const MAX_DEPTH = 16;

export interface SimChain {
  name: string;
  table: SimTable;
  rules: CompiledRule[];
  base: { type: string; hook: Hook; priority: number; policy: 'ACCEPT' | 'DROP'; seq: number } | null;
  source: NftChain;
}

export interface SimTable {
  family: string;
  name: string;
  chains: Map<string, SimChain>;
  sets: Map<string, SimSet>;
  source: NftTable;
  /// Seen by IPv4 packets (ip, inet).
  live: boolean;
}

/// `filter`, `-150`, `mangle + 10`, `dstnat - 5`.
export function parsePriority(text: string): number | null {
  const m = /^(-?\d+|[a-z]+)\s*(?:([+-])\s*(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const base = /^-?\d+$/.test(m[1]) ? Number(m[1]) : PRIORITIES[m[1]];
  if (base === undefined) return null;
  return base + (m[2] ? (m[2] === '+' ? 1 : -1) * Number(m[3]) : 0);
}

export class NftProgram implements HookProgram {
  readonly notes: RunNotes = { unsimulated: new Map() };
  readonly stages: Record<Hook, readonly Stage[]>;
  readonly diagnostics: NftDiagnostic[] = [];
  readonly tables: SimTable[] = [];

  constructor(readonly ruleset: NftRuleset) {
    for (const t of ruleset.tables.values()) this.tables.push(this.table(t));
    const bases = this.tables.flatMap((t) => [...t.chains.values()].filter((c) => c.base && t.live));
    this.stages = Object.fromEntries(HOOKS.map((h) => [h, this.hookStages(h, bases)])) as Record<Hook, Stage[]>;
  }

  private table(t: NftTable): SimTable {
    const live = t.family === 'ip' || t.family === 'inet';
    const st: SimTable = { family: t.family, name: t.name, chains: new Map(), sets: new Map(), source: t, live };
    for (const [key, toks] of t.objectTokens) {
      const [kind, name] = [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
      if (kind !== 'set' && kind !== 'map') continue;
      const s = new SimSet(name, kind);
      if (live) this.guard(() => s.declare(toks));
      st.sets.set(name, s);
    }
    for (const c of t.chains.values()) {
      const sc: SimChain = { name: c.name, table: st, rules: [], base: null, source: c };
      st.chains.set(c.name, sc);
      if (c.base && live) sc.base = this.baseOf(t, c);
      else if (c.base && t.family === 'netdev')
        this.notes.unsimulated.set(`netdev ${t.name} ${c.name}`, 'netdev (ingress/egress) chains are not simulated: nfplay has no device-level hook');
      else if (c.base?.hook === 'ingress' && live)
        this.notes.unsimulated.set(`${t.family} ${t.name} ${c.name}`, 'ingress chains are not simulated');
    }
    if (!live) return st;
    const helpers = new Map<string, string>();
    for (const [key, words] of t.objects) {
      if (!key.startsWith('ct helper ')) continue;
      const i = words.indexOf('type');
      if (i >= 0) helpers.set(key.slice(10), words[i + 1]);
    }
    for (const c of st.chains.values()) {
      c.source.rules.forEach((r, i) => {
        const env = {
          family: t.family,
          key: `${t.family} ${t.name} ${c.name} ${i}`,
          helper: (name: string) => helpers.get(name),
          set: (name: string, at: { line: number; column: number }, create = false) => {
            let s = st.sets.get(name);
            if (!s && create) st.sets.set(name, (s = new SimSet(name, 'set')));
            if (!s) throw new NftRuleError(`no set or map "${name}" in table ${t.family} ${t.name}`, at.line, at.column);
            return s;
          },
          unsimulated: (what: string, why: string) => this.notes.unsimulated.set(what, why),
        };
        const compiled = this.guard(() => compileRule(r, env));
        // A rule nft would refuse never runs; its place is kept so positions stay the kernel's.
        c.rules.push(compiled ?? { rule: r, steps: [() => false], counters: [], rewrites: false, error: this.diagnostics[this.diagnostics.length - 1]?.message });
      });
    }
    for (const c of st.chains.values()) for (const r of c.rules) this.checkJumps(st, r);
    return st;
  }

  private baseOf(t: NftTable, c: NftChain): SimChain['base'] {
    const b = c.base!;
    const hook = HOOK_NAMES[b.hook];
    const at = c.rules[0] ?? { line: 1, column: 1 };
    if (!hook) {
      if (b.hook !== 'ingress') this.diagnostics.push({ line: at.line, column: at.column, message: `chain ${t.name} ${c.name}: unknown hook "${b.hook}"` });
      return null;
    }
    const priority = parsePriority(b.priority);
    if (priority === null) {
      this.diagnostics.push({ line: at.line, column: at.column, message: `chain ${t.name} ${c.name}: priority "${b.priority}" is not a number or a standard name` });
      return null;
    }
    return { type: b.type, hook, priority, policy: b.policy === 'drop' ? 'DROP' : 'ACCEPT', seq: c.seq };
  }

  private checkJumps(t: SimTable, r: CompiledRule): void {
    const words = r.rule.words;
    for (let i = 0; i < words.length - 1; i++) {
      // `jump x,` inside a verdict map keeps the comma on the word.
      const to = words[i + 1].replace(/[,}]+$/, '');
      if ((words[i] === 'jump' || words[i] === 'goto') && !r.rule.tokens[i + 1].quoted && !t.chains.has(to)) {
        const tok = r.rule.tokens[i + 1];
        this.diagnostics.push({ line: tok.line, column: tok.column, message: `no chain "${to}" in table ${t.family} ${t.name}` });
      }
    }
  }

  private guard<T>(f: () => T): T | null {
    try {
      return f();
    } catch (e) {
      if (e instanceof NftRuleError) {
        this.diagnostics.push({ line: e.line, column: e.column, message: e.message });
        return null;
      }
      throw e;
    }
  }

  /// The hook's base chains by priority (later registration first among equals), conntrack at -200 in
  /// prerouting and output, and the NAT core at its place with the hook's nat chains.
  private hookStages(h: Hook, bases: SimChain[]): Stage[] {
    const mine = bases.filter((c) => c.base!.hook === h);
    const nat = mine.filter((c) => c.base!.type === 'nat').sort(order);
    const anyNat = bases.some((c) => c.base!.type === 'nat');
    // Conntrack and the NAT core registered before the ruleset's chains (seq -1): they run after its
    // chains of the same priority.
    const items: { priority: number; seq: number; stage: Stage }[] = mine
      .filter((c) => c.base!.type !== 'nat')
      .map((c) => ({ priority: c.base!.priority, seq: c.base!.seq, stage: { kind: 'chain', chain: this.hookChain(c) } as Stage }));
    if (h === 'PREROUTING' || h === 'OUTPUT') items.push({ priority: CONNTRACK, seq: -2, stage: { kind: 'conntrack' } });
    if (anyNat && h !== 'FORWARD') {
      const first = Math.min(...bases.filter((c) => c.base!.type === 'nat').map((c) => c.base!.seq));
      items.push({ priority: NAT_PRIORITY[h], seq: first, stage: { kind: 'nat', chains: nat.map((c) => this.hookChain(c)) } });
    }
    items.sort((a, b) => a.priority - b.priority || b.seq - a.seq);
    return items.map((i) => i.stage);
  }

  private hookChain(c: SimChain): HookChain {
    return { table: traceTable(c.table), walk: (pkt, ctx, sink) => walkChain(c, pkt, ctx, sink) };
  }

  /// A trace step's rule as written (the first table of that name that has the chain).
  ruleText(table: string, chain: string, rule: number | null): string | undefined {
    if (rule === null) return undefined;
    const c = this.tables.find((t) => t.name === table && t.chains.has(chain))?.chains.get(chain);
    const r = c?.rules[rule - 1];
    return r && r.rule.tokens.map((t) => (t.quoted ? `"${t.text}"` : t.text)).join(' ');
  }

  /// `nft list ruleset` with the run's counters.
  counters(): string {
    return listRuleset(this);
  }
}

/// The trace names the nft table as the kernel's trace does, by its name alone.
const traceTable = (t: SimTable) => t.name;

const order = (a: SimChain, b: SimChain) => a.base!.priority - b.base!.priority || b.base!.seq - a.base!.seq;

/// nft_do_chain: rules in order, jumps and gotos on a stack, the policy at the end of the base chain.
function walkChain(base: SimChain, pkt: Packet, ctx: MatchContext, sink: WalkSink): HookVerdict {
  const table = traceTable(base.table);
  const hook = ctx.hook;
  setNow(ctx.now);
  let cur = base;
  let i = 0;
  const stack: { chain: SimChain; index: number }[] = [];
  // With `explain`: the rules passed over since the last step, and why (given to the next step).
  let skipped: NonNullable<TraceStep['skipped']> | null = sink.explain ? [] : null;
  const push = (step: TraceStep) => {
    if (skipped) {
      if (skipped.length) step.skipped = skipped;
      skipped = [];
    }
    sink.trace.push(step);
  };
  const policy = (): HookVerdict => {
    const p = base.base!.policy;
    push({ table, chain: base.name, rule: null, verdict: `policy:${p}`, hook });
    return p;
  };
  for (;;) {
    if (i >= cur.rules.length) {
      if (cur === base) return policy();
      push({ table, chain: cur.name, rule: null, verdict: 'return', hook });
      const frame = stack.pop();
      if (!frame) return policy();
      cur = frame.chain;
      i = frame.index;
      continue;
    }
    const r = cur.rules[i];
    const before = r.rewrites ? headerOf(pkt) : null;
    if (sink.logs.length) sink.logs.length = 0;
    let out: boolean | Verdict = true;
    const steps = r.steps;
    let k = 0;
    for (; k < steps.length; k++) {
      out = steps[k](pkt, ctx);
      if (out !== true) break;
    }
    if (out === false) {
      if (skipped) skipped.push({ rule: i + 1, ...whyNot(r, k, pkt, ctx) });
      i++;
      continue;
    }
    const step: TraceStep = { table, chain: cur.name, rule: i + 1, verdict: 'CONTINUE', hook };
    push(step);
    if (sink.logs.length) step.log = sink.logs.join('\n');
    if (before) {
      const after = headerOf(pkt);
      if (!sameHeader(before, after)) Object.assign(step, { before, after });
    }
    if (out === true) {
      i++;
      continue;
    }
    switch (out.kind) {
      case 'continue':
        i++;
        continue;
      case 'accept':
        step.verdict = out.label ?? 'ACCEPT';
        return 'ACCEPT';
      case 'drop':
        step.verdict = out.label ?? 'DROP';
        return 'DROP';
      case 'queue':
        step.verdict = 'QUEUE';
        return out.bypass ? 'ACCEPT' : 'DROP';
      case 'return': {
        step.verdict = 'RETURN';
        const frame = stack.pop();
        if (!frame) return policy();
        cur = frame.chain;
        i = frame.index;
        continue;
      }
      case 'jump':
      case 'goto': {
        step.verdict = `${out.kind === 'jump' ? 'JUMP' : 'GOTO'}:${out.chain}`;
        const to = cur.table.chains.get(out.chain!);
        if (!to || to.base || stack.length >= MAX_DEPTH) return 'DROP';
        if (out.kind === 'jump') stack.push({ chain: cur, index: i + 1 });
        cur = to;
        i = 0;
        continue;
      }
    }
  }
}
