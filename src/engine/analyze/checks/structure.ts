// The shape of the jump graph: user chains nothing reaches, and jump loops (the kernel refuses to load them).
import type { Chain, Rule } from '../../model/ruleset';
import type { LintContext } from '../context';
import { finding, type Finding } from '../finding';

export function structure(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const [tname, table] of ctx.ruleset.tables) {
    const jumps = new Map<Chain, { rule: Rule; to: Chain }[]>();
    for (const c of table.chains.values())
      jumps.set(c, c.rules.flatMap((r) => {
        const to = r.target.kind === 'jump' ? table.chains.get(r.target.chain) : undefined;
        return to ? [{ rule: r, to }] : [];
      }));
    // Reachable through rules that can match at all.
    const live = new Set<Chain>();
    const anyRef = new Set<Chain>();
    const stack = [...table.chains.values()].filter((c) => c.builtin);
    for (const c of stack) live.add(c);
    while (stack.length) {
      const c = stack.pop()!;
      for (const { rule, to } of jumps.get(c)!) {
        const rf = ctx.walk.rules.get(rule);
        if (rf?.neverMatches || rf?.shadowedBy) continue;
        if (!live.has(to)) {
          live.add(to);
          stack.push(to);
        }
      }
    }
    for (const js of jumps.values()) for (const j of js) anyRef.add(j.to);
    for (const c of table.chains.values()) {
      if (c.builtin || live.has(c) || !c.span) continue;
      const referenced = anyRef.has(c);
      out.push(finding(c.span, c.rules.length ? 'warning' : 'info', 'unreachable-chain',
        referenced ? `Chain ${c.name} is only jumped to from rules that never match` : `Chain ${c.name} is never jumped to`,
        `No rule of a built-in chain of the ${tname} table leads to ${c.name}${referenced ? ' through a rule that can match' : ''}, so its ${c.rules.length} rule${c.rules.length === 1 ? '' : 's'} never run.`,
        `Add a jump to it (-A INPUT -j ${c.name}) where it belongs, or delete the chain.`));
    }
    // Loops: depth-first search over the jump graph, reported at the jump that closes the cycle.
    const state = new Map<Chain, 1 | 2>();
    const path: Chain[] = [];
    const visit = (c: Chain) => {
      state.set(c, 1);
      path.push(c);
      for (const { rule, to } of jumps.get(c)!) {
        if (state.get(to) === 1) {
          const cycle = [...path.slice(path.indexOf(to)), to].map((x) => x.name).join(' → ');
          out.push(finding(rule.span, 'error', 'jump-loop', `Jump loop: ${cycle}`,
            'A packet would jump around this cycle forever; the kernel refuses to load a table with a loop (iptables-restore fails with "Too many levels of symbolic links").',
            'Break the cycle: one of these chains must not jump back to a chain that called it (use RETURN).'));
        } else if (!state.has(to)) visit(to);
      }
      path.pop();
      state.set(c, 2);
    };
    for (const c of table.chains.values()) if (!state.has(c)) visit(c);
  }
  return out;
}
