// Geometry of the open user chains (chain-stack.ts), in a lane under the hooks diagram: one box per
// chain, linked from the table row it was called from and from each other, the rules the packet matched
// in it listed with the current one marked. Past a depth the outer chains fold into one box that only
// names them (a kube-proxy walk is four chains deep, with 25-character names). d3 gives the link curves;
// Svelte draws.
import { linkHorizontal, linkVertical } from 'd3';
import { shortStep } from './describe-frame';
import type { DiagramLayout, Orientation, Point } from './diagram-layout';
import type { OpenChains } from './chain-stack';

export interface ChainRow {
  y: number;
  text: string;
  /// The whole rule, for a tooltip.
  title: string;
  current: boolean;
  drop: boolean;
}

export interface ChainBox {
  key: string;
  chain: string;
  table: string;
  x: number;
  y: number;
  w: number;
  h: number;
  rows: ChainRow[];
  /// Earlier matches not shown (the box lists the last few).
  hidden: number;
  /// A folded box: the names of the outer chains it stands for, outermost first.
  folded?: string[];
}

export interface ChainLane {
  /// Extra height the diagram takes for the lane.
  height: number;
  boxes: ChainBox[];
  links: string[];
}

const HEADER = 24;
const ROW = 19;
/// Between boxes side by side, and stacked.
const GAP = 26;
const V_GAP = 18;
const PAD = 6;
/// From the diagram's bottom to the first box (room for the link to turn).
const LANE_TOP = 26;
/// Matched rules shown per box.
export const MAX_ROWS = 4;

/// Chains shown as boxes before the outer ones fold.
export const maxOpen = (o: Orientation) => (o === 'wide' ? 3 : 2);
const boxWidth = (o: Orientation, layout: DiagramLayout) => (o === 'wide' ? 236 : layout.width - 28);
/// Characters a row of a box has room for (11px monospace is about 6.6 units a character).
const roomIn = (w: number) => Math.floor((w - 16) / 6.6);

const boxHeight = (rows: number) => HEADER + Math.max(1, rows) * ROW + PAD;

/// The lane's height for a packet whose walk goes `depth` chains deep with up to `steps` matches in one
/// chain: reserved for the whole packet, so the diagram keeps its size while the packet plays.
export function laneHeight(o: Orientation, depth: number, steps: number): number {
  if (!depth) return 0;
  const limit = maxOpen(o);
  const rows = Math.max(Math.min(MAX_ROWS, Math.max(1, steps)), depth > limit ? Math.min(MAX_ROWS, depth - limit + 1) : 0);
  const h = boxHeight(rows);
  const shown = Math.min(depth, limit);
  return o === 'wide' ? LANE_TOP + h + 12 : LANE_TOP + shown * (h + V_GAP) - V_GAP + 12;
}

export function layoutChains(layout: DiagramLayout, open: OpenChains | null, o: Orientation, height: number, frame: number): ChainLane {
  if (!open || !height) return { height, boxes: [], links: [] };
  const wide = o === 'wide';
  const limit = maxOpen(o);
  const w = boxWidth(o, layout);
  const room = roomIn(w);
  const top = layout.height - 24 + LANE_TOP;
  const chains = open.chains;
  const folded = chains.length > limit ? chains.slice(0, chains.length - limit + 1) : [];
  const shown = chains.slice(folded.length);
  const slots = (folded.length ? 1 : 0) + shown.length;
  const hook = layout.nodes.get(open.node)!;
  const row = hook.rows.find((r) => r.row === open.row);

  // Wide: side by side, starting under the hook they come from as far as the lane allows.
  const span = slots * w + (slots - 1) * GAP;
  const left = wide ? Math.max(14, Math.min(hook.x, layout.width - 14 - span)) : 14;
  // Stacked boxes follow each other down; side by side they share a top.
  let below = top;
  const at = (k: number, h: number): Point => {
    if (wide) return [left + k * (w + GAP), top];
    const y = below;
    below += h + V_GAP;
    return [left, y];
  };

  const boxes: ChainBox[] = [];
  const fit = (text: string) => (text.length <= room ? text : text.slice(0, room - 1) + '…');
  let k = 0;
  if (folded.length) {
    const names = folded.map((c) => c.chain);
    const list = names.length > MAX_ROWS ? [...names.slice(0, MAX_ROWS - 1), `… ${names.length - MAX_ROWS + 1} more`] : names;
    const h = boxHeight(list.length);
    const [x, y] = at(k++, h);
    boxes.push({
      key: 'folded', chain: names[names.length - 1], table: folded[0].table, x, y, w, h, hidden: 0, folded: names,
      rows: list.map((text, i) => ({ y: y + HEADER + i * ROW + ROW / 2, text: fit(text), title: text, current: false, drop: false })),
    });
  }
  for (const c of shown) {
    const steps = c.steps.slice(-MAX_ROWS);
    const h = boxHeight(Math.min(MAX_ROWS, Math.max(1, steps.length)));
    const [x, y] = at(k++, h);
    boxes.push({
      key: `${c.table}/${c.chain}`, chain: c.chain, table: c.table, x, y, w, h, hidden: c.steps.length - steps.length,
      rows: steps.map((s, i) => ({
        y: y + HEADER + i * ROW + ROW / 2,
        text: fit(shortStep(s.step, c.chain)),
        title: s.step.text ?? shortStep(s.step, c.chain),
        current: s.frame === frame,
        drop: /DROP|REJECT/.test(s.step.verdict),
      })),
    });
  }

  // Links: from the calling table row to the first box, and from each box's last row to the next box.
  const links: string[] = [];
  const down = linkVertical();
  const across = linkHorizontal();
  const first = boxes[0];
  if (row) links.push(down({ source: [hook.x + hook.w - 16, row.y + 9.5], target: [first.x + 24, first.y] })!);
  for (let i = 1; i < boxes.length; i++) {
    const a = boxes[i - 1];
    const b = boxes[i];
    const from = a.rows[a.rows.length - 1]?.y ?? a.y + HEADER;
    links.push(wide ? across({ source: [a.x + a.w, from], target: [b.x, b.y + HEADER / 2] })! : down({ source: [a.x + 24, a.y + a.h], target: [b.x + 24, b.y] })!);
  }
  return { height, boxes, links };
}
