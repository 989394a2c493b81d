// A packet's journey as frames: one per trace step and per path event (routing decision, conntrack
// lookup, NAT rewrite), plus where it enters and where it ends. Playback is a position over these frames,
// so play, pause, step and scrub are one thing; the dot's place between two frames is interpolated along
// the diagram's edges.
import type { Hook } from '../../engine/model/ruleset';
import type { PathEvent } from '../../engine/model/trace';
import type { PacketView, StepView } from '../../worker/client';
import { routeLegs, type DiagramEdge, type DiagramLayout, type NodeId, type Point, type Row } from './diagram-layout';

export type Frame =
  | { kind: 'enter'; node: NodeId; iface: string | null }
  | { kind: 'step'; node: NodeId; row: Row; index: number; step: StepView }
  | { kind: 'event'; node: NodeId; row?: Row; event: PathEvent }
  | { kind: 'end'; node: NodeId; fate: PacketView['fate']; out: string | null; reason?: string };

const BUILTIN_HOOKS = new Set<string>(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);

function hookOfStep(s: StepView, fallback: Hook): Hook {
  return s.hook ?? (BUILTIN_HOOKS.has(s.chain) ? (s.chain as Hook) : fallback);
}

function eventFrame(e: PathEvent, hook: Hook): Frame {
  const h = e.hook ?? hook;
  switch (e.kind) {
    case 'route':
      // A reroute after OUTPUT's NAT happens at OUTPUT, not at the first routing decision.
      if (h === 'OUTPUT') return { kind: 'event', node: /rerouted/.test(e.detail) ? 'OUTPUT' : 'route-out', event: e };
      return { kind: 'event', node: 'route-in', event: e };
    case 'conntrack':
      return { kind: 'event', node: h, row: 'conntrack', event: e };
    case 'nat':
      return { kind: 'event', node: h, row: 'nat', event: e };
    case 'deliver':
      return { kind: 'event', node: 'local', event: e };
    case 'egress':
      return { kind: 'event', node: 'out', event: e };
    default:
      return { kind: 'event', node: h, event: e };
  }
}

export function buildFrames(p: PacketView, from: string): Frame[] {
  const local = from === 'local';
  const frames: Frame[] = [{ kind: 'enter', node: local ? 'local' : 'in', iface: local ? null : from }];
  const events = p.events ?? [];
  let hook: Hook = local ? 'OUTPUT' : 'PREROUTING';
  for (let i = 0; i <= p.trace.length; i++) {
    for (const e of events) if (e.at === i) {
      if (e.hook) hook = e.hook;
      frames.push(eventFrame(e, hook));
    }
    const s = p.trace[i];
    if (!s) continue;
    hook = hookOfStep(s, hook);
    frames.push({ kind: 'step', node: hook, row: s.table, index: i, step: s });
  }
  const last = frames[frames.length - 1];
  const node: NodeId = p.fate === 'delivered' ? 'local' : p.fate === 'forwarded' || p.fate === 'sent' ? 'out' : last.node;
  frames.push({ kind: 'end', node, fate: p.fate, out: p.out, reason: p.reason });
  return frames;
}

/// Where a frame puts the packet: its table's row in a hook box, else the node's anchor.
export function framePoint(layout: DiagramLayout, f: Frame, prev?: Point): Point {
  const n = layout.nodes.get(f.node)!;
  const row = f.kind === 'step' || f.kind === 'event' ? f.row : undefined;
  const r = row && n.rows.find((x) => x.row === row);
  // Just inside the box's left edge, pointing at the row without covering its text (and the trail
  // between rows stays hidden under the box).
  if (r) return [n.x + 3, r.y];
  // A drop or the end stays where the packet was, when it is in that same node.
  if (prev && (f.kind === 'end' || (f.kind === 'event' && f.event.kind === 'drop')) && isInside(n, prev)) return prev;
  // On an end node the dot waits on its left edge, clear of the label.
  return n.kind === 'end' ? [n.x, n.ay] : [n.ax, n.ay];
}

const isInside = (n: { x: number; y: number; w: number; h: number }, p: Point) => p[0] >= n.x && p[0] <= n.x + n.w && p[1] >= n.y && p[1] <= n.y + n.h;

export interface Track {
  points: Point[];
  /// The diagram edges the packet travels.
  edges: Set<DiagramEdge>;
  /// The polyline from frame k to frame k+1, with its cumulative lengths.
  legs: { points: Point[]; lengths: number[] }[];
}

export function buildTrack(layout: DiagramLayout, frames: Frame[]): Track {
  const points: Point[] = [];
  const edges = new Set<DiagramEdge>();
  for (const f of frames) points.push(framePoint(layout, f, points[points.length - 1]));
  const legs = frames.slice(1).map((f, k) => {
    const a = frames[k];
    const via: Point[] = [];
    if (a.node !== f.node) {
      const na = layout.nodes.get(a.node)!;
      const nb = layout.nodes.get(f.node)!;
      const center = (n: typeof na): Point[] => (n.kind === 'hook' ? [[n.ax, n.ay]] : []);
      const legs = routeLegs(layout, a.node, f.node);
      legs.forEach((e) => edges.add(e));
      via.push(...center(na), ...legs.flatMap((e) => e.points), ...center(nb));
    }
    const pts = [points[k], ...via, points[k + 1]];
    const lengths = [0];
    for (let i = 1; i < pts.length; i++) lengths.push(lengths[i - 1] + Math.hypot(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]));
    return { points: pts, lengths };
  });
  return { points, edges, legs };
}

/// The dot's position at a fractional frame position.
export function pointAt(track: Track, position: number): Point {
  if (!track.points.length) return [0, 0];
  const k = Math.max(0, Math.min(track.points.length - 1, Math.floor(position)));
  const t = position - k;
  const leg = track.legs[k];
  if (!leg || t <= 0) return track.points[k];
  const total = leg.lengths[leg.lengths.length - 1];
  const want = total * t;
  let i = 1;
  while (i < leg.lengths.length - 1 && leg.lengths[i] < want) i++;
  const span = leg.lengths[i] - leg.lengths[i - 1] || 1;
  const u = (want - leg.lengths[i - 1]) / span;
  const [a, b] = [leg.points[i - 1], leg.points[i]];
  return [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u];
}

/// The trail up to a position, as a polyline.
export function trailTo(track: Track, position: number): Point[] {
  const k = Math.max(0, Math.min(track.points.length - 1, Math.floor(position)));
  const out: Point[] = [];
  for (let i = 0; i < k; i++) out.push(...track.legs[i].points);
  if (!out.length) out.push(track.points[0]);
  out.push(pointAt(track, position));
  return out;
}

/// The latest frame at or before `index` that is a rule's step: the rule to highlight.
export function stepAtOrBefore(frames: Frame[], index: number): Extract<Frame, { kind: 'step' }> | null {
  for (let i = Math.min(index, frames.length - 1); i >= 0; i--) {
    const f = frames[i];
    if (f.kind === 'step') return f;
  }
  return null;
}
