// Words for each frame: the text equivalent of the animation (step list, screen readers, embeds).
import type { StepView } from '../../worker/client';
import type { Frame } from './frames';

/// The target a non-terminating step ran (LOG, MARK ...): "CONTINUE" alone says nothing.
function continuedBy(s: StepView): string | undefined {
  return s.verdict === 'CONTINUE' ? /(?:^|\s)-j (\S+)/.exec(s.text ?? '')?.[1] : undefined;
}

/// A step in a few characters, for a table row in the diagram: "#2 ACCEPT", "SSH#1 DROP", "policy DROP".
export function shortStep(s: StepView, hook: string): string {
  const chain = s.chain === hook ? '' : s.chain;
  const v = continuedBy(s) ?? (s.verdict.startsWith('JUMP:') ? `→ ${s.verdict.slice(5)}` : verdictText(s.verdict));
  return s.rule === null ? `${chain}${chain ? ' ' : ''}${v}` : `${chain}#${s.rule} ${v}`;
}

export function verdictText(verdict: string): string {
  if (verdict.startsWith('policy:')) return `policy ${verdict.slice(7)}`;
  if (verdict.startsWith('JUMP:')) return `jump to ${verdict.slice(5)}`;
  if (verdict.startsWith('GOTO:')) return `go to ${verdict.slice(5)}`;
  if (verdict === 'return') return 'end of chain, back to the caller';
  if (verdict === 'CONTINUE') return 'continue';
  return verdict;
}

export function frameTitle(f: Frame): string {
  switch (f.kind) {
    case 'enter':
      return f.iface ? `Arrives on ${f.iface}` : 'A local process sends it';
    case 'step': {
      const s = f.step;
      const target = continuedBy(s);
      return `${s.table} ${s.chain}${s.rule === null ? '' : ` rule ${s.rule}`}: ${target ? `${target}, continue` : verdictText(s.verdict)}`;
    }
    case 'event': {
      const e = f.event;
      const what = { route: 'routing', conntrack: 'conntrack', nat: 'NAT', hook: e.hook ?? 'hook', deliver: 'delivered', egress: 'egress', drop: 'dropped' }[e.kind];
      return e.kind === 'deliver' || e.kind === 'drop' ? e.detail.replace(/^./, (c) => c.toUpperCase()) : `${what}: ${e.detail}`;
    }
    case 'end':
      switch (f.fate) {
        case 'delivered': return 'Delivered to the local process';
        case 'forwarded': return `Forwarded out ${f.out}`;
        case 'sent': return `Sent out ${f.out}`;
        case 'rejected': return 'Rejected: the host answers with an error';
        default: return f.reason ? `Dropped: ${f.reason}` : 'Dropped';
      }
  }
}
