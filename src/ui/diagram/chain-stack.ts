// The user chains open at a frame: the call stack the packet has built since it entered its table's base
// chain (KUBE-SERVICES → KUBE-SVC-… → KUBE-SEP-…), each with the rules it matched there so far. Read
// from the trace alone: a step in a chain already on the stack means the chains above it returned; a
// step in a new chain means the previous step jumped (or went) to it; a step in a base chain, or a frame
// in another hook, closes them all.
import type { StepView } from '../../worker/client';
import type { NodeId, Row } from './diagram-layout';
import type { Frame } from './frames';

const BASE_CHAINS = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);

export interface ChainStep {
  /// The frame of this step.
  frame: number;
  step: StepView;
}

export interface ChainVisit {
  table: string;
  chain: string;
  /// The rules the packet matched in this chain during this visit, up to the frame.
  steps: ChainStep[];
}

export interface OpenChains {
  /// The hook and table row the chains were called from.
  node: NodeId;
  row: Row;
  /// The base chain's step that made the first jump.
  from: ChainStep;
  /// Outermost first.
  chains: ChainVisit[];
}

/// The chains open at frame `index` (null when the packet is in no user chain there).
export function openChains(frames: readonly Frame[], index: number): OpenChains | null {
  let base: { node: NodeId; row: Row; last: ChainStep } | null = null;
  let stack: ChainVisit[] = [];
  let prev: StepView | null = null;
  for (let i = 0; i <= index && i < frames.length; i++) {
    const f = frames[i];
    if (f.kind !== 'step') {
      // Leaving the hook (routing, the next hook, the end somewhere else) closes the chains.
      if (base && f.node !== base.node) (base = null), (stack = []);
      continue;
    }
    const s = f.step;
    const here = { frame: i, step: s };
    if (BASE_CHAINS.has(s.chain) || !base || base.node !== f.node || base.row !== f.row) {
      base = BASE_CHAINS.has(s.chain) ? { node: f.node, row: f.row, last: here } : null;
      stack = [];
      prev = s;
      continue;
    }
    const at = stack.findIndex((c) => c.chain === s.chain);
    if (at >= 0) stack.length = at + 1;
    else {
      // A goto replaces the chain that made it (a RETURN from the new one goes back past it).
      if (prev?.verdict === `GOTO:${s.chain}` && stack.length) stack.pop();
      stack.push({ table: s.table, chain: s.chain, steps: [] });
    }
    stack[stack.length - 1].steps.push(here);
    prev = s;
  }
  if (!base || !stack.length) return null;
  // Every step since the base chain's last one is in a user chain: that step made the first jump.
  return { node: base.node, row: base.row, from: base.last, chains: stack.map((c) => ({ ...c, steps: [...c.steps] })) };
}

/// The deepest stack and the most steps one visit shows over a whole packet: the diagram reserves room
/// for them once, so it does not change size while the packet plays.
export function chainExtent(frames: readonly Frame[]): { depth: number; steps: number } {
  let depth = 0;
  let steps = 0;
  for (let i = 0; i < frames.length; i++) {
    if (frames[i].kind !== 'step') continue;
    const open = openChains(frames, i);
    if (!open) continue;
    depth = Math.max(depth, open.chains.length);
    for (const c of open.chains) steps = Math.max(steps, c.steps.length);
  }
  return { depth, steps };
}
