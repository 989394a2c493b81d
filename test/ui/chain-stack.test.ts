// The user chains the diagram opens while a packet walks them: from the trace of gallery examples run
// through the worker API (kube-proxy's KUBE-SERVICES → KUBE-SVC → KUBE-SEP, Docker's DOCKER-FORWARD →
// DOCKER-BRIDGE → DOCKER), and the lane's boxes and folding.
import { describe, expect, it } from 'vitest';
import { findExample } from '../../src/ui/examples';
import { api } from '../../src/worker/api';
import { buildFrames, type Frame } from '../../src/ui/diagram/frames';
import { chainExtent, openChains } from '../../src/ui/diagram/chain-stack';
import { laneHeight, layoutChains } from '../../src/ui/diagram/chain-layout';
import { layoutDiagram } from '../../src/ui/diagram/diagram-layout';

function framesOf(id: string, packet: number): Frame[] {
  const ex = findExample(id)!;
  const out = api.run(ex.scenario);
  return buildFrames(out.packets[packet], ex.scenario.packets[packet].from);
}

const stackAt = (frames: Frame[], i: number) => openChains(frames, i)?.chains.map((c) => c.chain) ?? [];
const stepIndex = (frames: Frame[], chain: string, verdict?: string) =>
  frames.findIndex((f) => f.kind === 'step' && f.step.chain === chain && (!verdict || f.step.verdict === verdict));

describe('open user chains', () => {
  const kube = framesOf('kube-proxy', 0);

  it('opens KUBE-SERVICES, KUBE-SVC and KUBE-SEP in turn, called from nat PREROUTING', () => {
    const jump = stepIndex(kube, 'PREROUTING', 'JUMP:KUBE-SERVICES');
    expect(openChains(kube, jump)).toBeNull();
    expect(stackAt(kube, jump + 1)).toEqual(['KUBE-SERVICES']);
    const dnat = stepIndex(kube, 'KUBE-SEP-WEB1SEPXXXXXXXXX', 'DNAT');
    const open = openChains(kube, dnat)!;
    expect(open.chains.map((c) => c.chain)).toEqual(['KUBE-SERVICES', 'KUBE-SVC-WEBSVCXXXXXXXXXX', 'KUBE-SEP-WEB1SEPXXXXXXXXX']);
    expect([open.node, open.row, open.from.step.verdict]).toEqual(['PREROUTING', 'nat', 'JUMP:KUBE-SERVICES']);
    // Each chain lists the rule it matched: the jump onwards, and the DNAT at the end.
    expect(open.chains.map((c) => c.steps.map((s) => `#${s.step.rule} ${s.step.verdict}`))).toEqual([
      ['#1 JUMP:KUBE-SVC-WEBSVCXXXXXXXXXX'], ['#3 JUMP:KUBE-SEP-WEB1SEPXXXXXXXXX'], ['#2 DNAT'],
    ]);
  });

  it('closes the chains when the walk returns to the base chain or leaves the hook', () => {
    const fwd = stepIndex(kube, 'FORWARD', 'JUMP:KUBE-PROXY-FIREWALL');
    expect(openChains(kube, fwd)).toBeNull();
    expect(stackAt(kube, fwd + 1)).toEqual(['KUBE-PROXY-FIREWALL']);
    // KUBE-PROXY-FIREWALL falls off its end; FORWARD's next rule jumps to KUBE-FORWARD.
    expect(stackAt(kube, stepIndex(kube, 'FORWARD', 'JUMP:KUBE-FORWARD'))).toEqual([]);
    expect(stackAt(kube, stepIndex(kube, 'KUBE-FORWARD'))).toEqual(['KUBE-FORWARD']);
    // Routing between the hooks: nothing open.
    const route = kube.findIndex((f) => f.kind === 'event' && f.event.kind === 'route');
    expect(openChains(kube, route)).toBeNull();
    expect(openChains(kube, kube.length - 1)).toBeNull();
  });

  it('keeps the chain that decided open at the verdict when the packet stops there', () => {
    const rejected = framesOf('kube-proxy', 5);
    expect(rejected[rejected.length - 1]).toMatchObject({ kind: 'end', fate: 'rejected' });
    expect(stackAt(rejected, rejected.length - 1)).toEqual(['KUBE-SERVICES']);
  });

  it('nests Docker chains three deep, with a chain returned from closed', () => {
    const docker = framesOf('docker-bypasses-input', 0);
    const accept = stepIndex(docker, 'DOCKER', 'ACCEPT');
    expect(stackAt(docker, accept)).toEqual(['DOCKER-FORWARD', 'DOCKER-BRIDGE', 'DOCKER']);
    expect(stackAt(docker, stepIndex(docker, 'DOCKER-FORWARD', 'JUMP:DOCKER-ISOLATION-STAGE-1'))).toEqual(['DOCKER-FORWARD']);
    expect(chainExtent(docker)).toEqual({ depth: 3, steps: 3 });
  });
});

describe('chain lane layout', () => {
  const kube = framesOf('kube-proxy', 0);
  const dnat = stepIndex(kube, 'KUBE-SEP-WEB1SEPXXXXXXXXX', 'DNAT');

  it('lays three chains side by side under the diagram, the current rule marked', () => {
    const layout = layoutDiagram(new Set(['nat', 'filter']), 'wide');
    const { depth, steps } = chainExtent(kube);
    const lane = layoutChains(layout, openChains(kube, dnat), 'wide', laneHeight('wide', depth, steps), dnat);
    expect(lane.boxes.map((b) => b.chain)).toEqual(['KUBE-SERVICES', 'KUBE-SVC-WEBSVCXXXXXXXXXX', 'KUBE-SEP-WEB1SEPXXXXXXXXX']);
    expect(lane.boxes.map((b) => b.rows.map((r) => [r.text, r.current]))).toEqual([
      [['#1 → KUBE-SVC-WEBSVCXXXXXXXXXX', false]], [['#3 → KUBE-SEP-WEB1SEPXXXXXXXXX', false]], [['#2 DNAT', true]],
    ]);
    expect(lane.links).toHaveLength(3);
    for (const b of lane.boxes) {
      expect(b.y).toBeGreaterThanOrEqual(layout.height - 24);
      expect(b.y + b.h).toBeLessThanOrEqual(layout.height + lane.height);
      expect(b.x + b.w).toBeLessThanOrEqual(layout.width);
    }
  });

  it('folds the outer chains into one box naming them on a phone', () => {
    const layout = layoutDiagram(new Set(['nat', 'filter']), 'tall');
    const { depth, steps } = chainExtent(kube);
    const lane = layoutChains(layout, openChains(kube, dnat), 'tall', laneHeight('tall', depth, steps), dnat);
    expect(lane.boxes.map((b) => b.folded ?? b.chain)).toEqual([['KUBE-SERVICES', 'KUBE-SVC-WEBSVCXXXXXXXXXX'], 'KUBE-SEP-WEB1SEPXXXXXXXXX']);
    expect(lane.boxes[0].rows.map((r) => r.text)).toEqual(['KUBE-SERVICES', 'KUBE-SVC-WEBSVCXXXXXXXXXX']);
    expect(lane.boxes[1].y).toBeGreaterThan(lane.boxes[0].y + lane.boxes[0].h);
    expect(lane.boxes[1].y + lane.boxes[1].h).toBeLessThanOrEqual(layout.height + lane.height);
  });

  it('takes no room for a packet that stays in base chains', () => {
    const web = framesOf('web-server', 0);
    expect(chainExtent(web)).toEqual({ depth: 0, steps: 0 });
    expect(laneHeight('wide', 0, 0)).toBe(0);
  });
});
