// What each target does, as the analysis needs it: whether it ends the chain and with which verdict, and
// which packet fields it rewrites for the rules after it. Verdicts follow the modules' `apply`.
import type { Rule } from '../model/ruleset';
import { D } from './box';

export type Decision = 'ACCEPT' | 'DROP' | 'REJECT';

/// Targets that end the walk of the table, and the verdict they give.
const DECIDING: Record<string, Decision> = {
  REJECT: 'REJECT', QUEUE: 'DROP', DNAT: 'ACCEPT', SNAT: 'ACCEPT', MASQUERADE: 'ACCEPT', REDIRECT: 'ACCEPT',
  NETMAP: 'ACCEPT', TPROXY: 'ACCEPT',
};

/// Packet fields a non-deciding target may change (what a later rule then sees).
const REWRITES: Record<string, readonly number[]> = {
  MARK: [D.mark], CONNMARK: [D.mark, D.connmark], TOS: [D.tos], DSCP: [D.tos], TTL: [D.ttl],
};

/// The logging targets: what "something logs the drops" means.
export const LOGGING = new Set(['LOG', 'NFLOG', 'ULOG']);

export type Effect =
  | { kind: 'decide'; verdict: Decision; label: string }
  | { kind: 'return' }
  | { kind: 'jump'; chain: string; goto: boolean }
  | { kind: 'continue'; rewrites: readonly number[]; label: string };

export function effectOf(r: Rule): Effect {
  const t = r.target;
  switch (t.kind) {
    case 'none':
      return { kind: 'continue', rewrites: [], label: '' };
    case 'verdict':
      return t.verdict === 'RETURN' ? { kind: 'return' } : { kind: 'decide', verdict: t.verdict, label: t.verdict };
    case 'jump':
      return { kind: 'jump', chain: t.chain, goto: t.goto };
    case 'module': {
      const name = t.module.name;
      if (name === 'NFQUEUE') return { kind: 'decide', verdict: (t.options as { bypass?: boolean }).bypass ? 'ACCEPT' : 'DROP', label: name };
      const v = DECIDING[name];
      if (v) return { kind: 'decide', verdict: v, label: name };
      return { kind: 'continue', rewrites: REWRITES[name] ?? [], label: name };
    }
  }
}

/// ACCEPT, DROP, REJECT and NAT targets as an operator reads them: REJECT with its reply, DNAT with its address.
export function sameDecision(a: Rule, b: Rule): boolean {
  const ea = effectOf(a);
  const eb = effectOf(b);
  if (ea.kind !== 'decide' || eb.kind !== 'decide' || ea.label !== eb.label) return false;
  if (a.target.kind === 'module' && b.target.kind === 'module')
    return a.target.module.save(a.target.options) === b.target.module.save(b.target.options);
  return true;
}
