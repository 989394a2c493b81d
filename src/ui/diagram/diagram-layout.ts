// Geometry of the netfilter diagram, computed with d3 and rendered by Svelte. Two orientations of the same
// graph: "wide" (the classic picture: the forward path along the top, the local process below) and
// "tall" for phone widths (the forward path down the left). Nodes are placed by an anchor point (a hook
// box's header, a diamond's centre); edges leave a node on the side that faces their target.
import { cumsum, line, scalePoint } from 'd3';
import type { Hook, TableName } from '../../engine/model/ruleset';
import { HOOK_TABLES } from '../../engine/model/hooks';

export type NodeId = Hook | 'in' | 'out' | 'local' | 'route-in' | 'route-out';
export type Row = TableName | 'conntrack';
export type Point = readonly [number, number];

/// Tables each hook runs, in kernel order: the engine's own table.
export const HOOK_ROWS: Record<Hook, readonly Row[]> = HOOK_TABLES;

export interface DiagramNode {
  id: NodeId;
  kind: 'hook' | 'route' | 'end';
  label: string;
  /// Anchor: where edges attach and the packet enters.
  ax: number;
  ay: number;
  x: number;
  y: number;
  w: number;
  h: number;
  rows: { row: Row; y: number }[];
}

export interface DiagramEdge {
  from: NodeId;
  to: NodeId;
  points: Point[];
  d: string;
  /// Drawn only when a packet takes it (loopback through lo).
  rare?: boolean;
}

export interface DiagramLayout {
  width: number;
  height: number;
  nodes: Map<NodeId, DiagramNode>;
  edges: DiagramEdge[];
}

export type Orientation = 'wide' | 'tall';

const BOX_W = 148;
const HEADER = 26;
const ROW = 22;
const DIAMOND = 34;
const END_W = 84;
const LOCAL_W = 76;
const END_H = 34;

const GRAPH: readonly [NodeId, NodeId, boolean?][] = [
  ['in', 'PREROUTING'], ['PREROUTING', 'route-in'], ['route-in', 'INPUT'], ['route-in', 'FORWARD'],
  ['FORWARD', 'POSTROUTING'], ['POSTROUTING', 'out'], ['INPUT', 'local'], ['local', 'route-out'],
  ['route-out', 'OUTPUT'], ['OUTPUT', 'POSTROUTING'], ['POSTROUTING', 'PREROUTING', true],
];

const LABELS: Record<NodeId, string> = {
  in: 'in', out: 'out', local: 'local process', 'route-in': 'routing', 'route-out': 'routing',
  PREROUTING: 'PREROUTING', INPUT: 'INPUT', FORWARD: 'FORWARD', OUTPUT: 'OUTPUT', POSTROUTING: 'POSTROUTING',
};

/// Rows shown in a hook's box: conntrack always, tables only when the ruleset declares them.
export function rowsOf(hook: Hook, tables: ReadonlySet<TableName>): Row[] {
  return HOOK_ROWS[hook].filter((r) => r === 'conntrack' || tables.has(r));
}

const pathOf = line<Point>((p) => p[0], (p) => p[1]);

export function layoutDiagram(tables: ReadonlySet<TableName>, orientation: Orientation): DiagramLayout {
  const hooks = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'] as const;
  const rows = new Map(hooks.map((h) => [h, rowsOf(h, tables)]));
  const boxH = (h: Hook) => HEADER + Math.max(1, rows.get(h)!.length) * ROW + 6;
  const tallest = Math.max(...hooks.map(boxH));
  const main = ['in', 'PREROUTING', 'route-in', 'FORWARD', 'POSTROUTING', 'out'] as const;

  // The forward path runs along the main axis; INPUT, the local process and OUTPUT sit beside it.
  const wide = orientation === 'wide';
  const at = (m: number, c: number): [number, number] => (wide ? [m, c] : [c, m]);
  let along: (id: (typeof main)[number]) => number;
  if (wide) {
    // Packed: each node its own width and the gap after it, so the picture stays near 1:1 on a laptop.
    const span = { in: [END_W, 26], PREROUTING: [BOX_W, 34], 'route-in': [DIAMOND, 34], FORWARD: [BOX_W, 44], POSTROUTING: [BOX_W, 26], out: [END_W, 0] } as const;
    const ends = [...cumsum(main, (id) => span[id][0] + span[id][1])];
    along = (id) => 14 + ends[main.indexOf(id)] - span[id][1] - span[id][0] / 2;
  } else {
    const scale = scalePoint<string>().domain(main).range([40, main.length * (tallest + 40) - 80]);
    along = (id) => scale(id)!;
  }
  const cross0 = wide ? 44 : 110;
  const cross1 = wide ? cross0 + Math.max(boxH('PREROUTING'), boxH('FORWARD'), boxH('POSTROUTING')) + 64 : cross0 + BOX_W + 60;

  // Side by side, the local process and the output routing decision share the room between INPUT
  // and OUTPUT; stacked, they follow FORWARD's and POSTROUTING's rows.
  const between = (a: number, b: number, f: number) => a + (b - a) * f;
  const inputRight = along('route-in') + BOX_W / 2;
  const outputLeft = along('POSTROUTING') - BOX_W / 2;
  const localAt = wide ? between(inputRight, outputLeft, 0.36) : along('FORWARD');
  const routeOutAt = wide ? between(inputRight, outputLeft, 0.8) : (along('FORWARD') + along('POSTROUTING')) / 2;
  const anchors: Record<NodeId, [number, number]> = {
    in: at(along('in'), cross0), PREROUTING: at(along('PREROUTING'), cross0), 'route-in': at(along('route-in'), cross0),
    FORWARD: at(along('FORWARD'), cross0), POSTROUTING: at(along('POSTROUTING'), cross0), out: at(along('out'), cross0),
    INPUT: at(along('route-in'), cross1), local: at(localAt, cross1),
    'route-out': at(routeOutAt, cross1), OUTPUT: at(along('POSTROUTING'), cross1),
  };

  const nodes = new Map<NodeId, DiagramNode>();
  for (const id of Object.keys(anchors) as NodeId[]) {
    const [ax, ay] = anchors[id];
    if ((hooks as readonly string[]).includes(id)) {
      const hook = id as Hook;
      const y = ay - HEADER / 2;
      nodes.set(id, {
        id, kind: 'hook', label: LABELS[id], ax, ay, x: ax - BOX_W / 2, y, w: BOX_W, h: boxH(hook),
        rows: rows.get(hook)!.map((row, i) => ({ row, y: y + HEADER + i * ROW + ROW / 2 })),
      });
    } else if (id === 'route-in' || id === 'route-out') {
      nodes.set(id, { id, kind: 'route', label: LABELS[id], ax, ay, x: ax - DIAMOND / 2, y: ay - DIAMOND / 2, w: DIAMOND, h: DIAMOND, rows: [] });
    } else {
      // The local process's label takes two lines.
      const [w, h] = id === 'local' ? [LOCAL_W, END_H + 8] : [END_W, END_H];
      nodes.set(id, { id, kind: 'end', label: LABELS[id], ax, ay, x: ax - w / 2, y: ay - h / 2, w, h, rows: [] });
    }
  }

  const edges = GRAPH.map(([from, to, rare]) => {
    const points = rare ? loopback(nodes.get(from)!, nodes.get(to)!, wide) : connect(nodes.get(from)!, nodes.get(to)!);
    return { from, to, points, d: pathOf(points as Point[])!, rare };
  });

  const all = [...nodes.values()];
  const width = Math.max(...all.map((n) => n.x + n.w)) + (wide ? 30 : 24);
  const height = Math.max(...all.map((n) => n.y + n.h)) + 24;
  return { width, height, nodes, edges };
}

/// Where an edge leaves (or enters) a node toward a point: a side at the anchor's height, or the
/// middle of the top or bottom.
function port(n: DiagramNode, toward: Point): Point {
  const dx = toward[0] - n.ax;
  const dy = toward[1] - n.ay;
  if (Math.abs(dx) >= Math.abs(dy)) return [dx > 0 ? n.x + n.w : n.x, n.ay];
  return [n.ax, dy > 0 ? n.y + n.h : n.y];
}

function connect(a: DiagramNode, b: DiagramNode): Point[] {
  const p = port(a, [b.ax, b.ay]);
  const q = port(b, [a.ax, a.ay]);
  if (p[0] === q[0] || p[1] === q[1]) return [p, q];
  // One elbow, turning where the first leg leaves the source's side.
  const horizontal = p[1] === a.ay && (p[0] === a.x || p[0] === a.x + a.w);
  return horizontal ? [p, [q[0], p[1]], q] : [p, [p[0], q[1]], q];
}

/// POSTROUTING back to PREROUTING through lo: around the outside of the diagram.
function loopback(a: DiagramNode, b: DiagramNode, wide: boolean): Point[] {
  if (wide) {
    const top = Math.min(a.y, b.y) - 22;
    return [[a.ax + 30, a.y], [a.ax + 30, top], [b.ax + 30, top], [b.ax + 30, b.y]];
  }
  const left = Math.min(a.x, b.x) - 22;
  return [[a.x, a.ay + 8], [left, a.ay + 8], [left, b.ay + 8], [b.x, b.ay + 8]];
}

/// The edges a packet takes between two nodes (breadth first over the diagram's edges).
export function routeLegs(layout: DiagramLayout, from: NodeId, to: NodeId): DiagramEdge[] {
  if (from === to) return [];
  const prev = new Map<NodeId, DiagramEdge>();
  const queue: NodeId[] = [from];
  while (queue.length && !prev.has(to)) {
    const n = queue.shift()!;
    for (const e of layout.edges)
      if (e.from === n && !prev.has(e.to) && e.to !== from) {
        prev.set(e.to, e);
        queue.push(e.to);
      }
  }
  const legs: DiagramEdge[] = [];
  if (prev.has(to)) for (let n = to; n !== from; n = prev.get(n)!.from) legs.unshift(prev.get(n)!);
  return legs;
}
