// Walking one table's built-in chain as ipt_do_table / nft_do_chain do: first match, jumps and gotos on a
// return stack, RETURN and falling off a user chain, the policy at the end of a built-in chain.
import type { Packet } from '../model/packet';
import type { Hook, TableName } from '../model/ruleset';
import type { Header, TraceStep } from '../model/trace';
import type { MatchContext } from '../modules/types';
import { headerOf, sameHeader } from './header';
import type { CompiledChain, Program } from './program';
import { whyNot } from './explain';

export type Verdict = 'ACCEPT' | 'DROP';

export interface WalkSink {
  trace: TraceStep[];
  /// Set by a match that dropped the packet (MatchContext.hotdrop).
  hotdropped?: boolean;
  /// LOG lines of the step being applied.
  logs: string[];
  /// Record why skipped rules did not match (slower; for display).
  explain: boolean;
}

/// Walks a table's registered built-in chain in the hook ctx.hook.
export function walkChain(program: Program, base: CompiledChain, pkt: Packet, ctx: MatchContext, sink: WalkSink): Verdict {
  const { table } = base;
  const hook = ctx.hook;
  let cur: CompiledChain = base;
  const stack: { chain: CompiledChain; index: number }[] = [];
  let i = 0;
  let skipped: { rule: number; why: string }[] | null = sink.explain ? [] : null;
  const push = (step: TraceStep) => {
    if (skipped) {
      if (skipped.length) step.skipped = skipped;
      skipped = [];
    }
    sink.trace.push(step);
  };
  for (;;) {
    if (i >= cur.rules.length) {
      if (cur !== base && !cur.chain.builtin) {
        push({ table, chain: cur.chain.name, rule: null, verdict: 'return', hook });
        const frame = stack.pop();
        if (frame) {
          cur = frame.chain;
          i = frame.index;
          continue;
        }
      }
      return policy(base, table, hook, pkt, sink, push);
    }
    if (!cur.tests[i](pkt, ctx)) {
      if (sink.hotdropped) {
        // A match found the packet malformed: the kernel drops it here, and the rule counts nothing.
        sink.hotdropped = false;
        push({ table, chain: cur.chain.name, rule: i + 1, verdict: 'DROP', hook });
        return 'DROP';
      }
      if (skipped) {
        skipped.push({ rule: i + 1, why: whyNot(cur.rules[i], pkt, ctx) });
        sink.hotdropped = false;
      }
      i++;
      continue;
    }
    cur.packets[i]++;
    cur.bytes[i] += pkt.length;
    const rule = cur.rules[i];
    const step: TraceStep = { table, chain: cur.chain.name, rule: i + 1, verdict: 'CONTINUE', hook };
    push(step);
    const t = rule.target;
    switch (t.kind) {
      case 'none':
        i++;
        continue;
      case 'verdict':
        step.verdict = t.verdict;
        if (t.verdict !== 'RETURN') return t.verdict;
        {
          const frame = stack.pop();
          if (!frame) return policy(base, table, hook, pkt, sink, push);
          cur = frame.chain;
          i = frame.index;
        }
        continue;
      case 'jump': {
        step.verdict = `${t.goto ? 'GOTO' : 'JUMP'}:${t.chain}`;
        const to = program.chain(table, t.chain)!;
        if (!t.goto) stack.push({ chain: cur, index: i + 1 });
        cur = to;
        i = 0;
        continue;
      }
      case 'module': {
        const before: Header = headerOf(pkt);
        sink.logs.length = 0;
        const v = t.module.apply(pkt, t.options, ctx);
        if (sink.logs.length) step.log = sink.logs.join('\n');
        const after = headerOf(pkt);
        if (!sameHeader(before, after)) Object.assign(step, { before, after });
        if (v === 'CONTINUE') {
          i++;
          continue;
        }
        step.verdict = t.module.label ?? v;
        return v;
      }
    }
  }
}

function policy(base: CompiledChain, table: TableName, hook: Hook, pkt: Packet, sink: WalkSink, push: (s: TraceStep) => void): Verdict {
  const p = base.chain.policy ?? 'ACCEPT';
  if (base.chain.counted) {
    base.policyPackets++;
    base.policyBytes += pkt.length;
  }
  void sink;
  push({ table, chain: base.chain.name, rule: null, verdict: `policy:${p}`, hook });
  return p;
}
