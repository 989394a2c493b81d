import type { Program } from '../sim/program';
import { formatRuleSpec } from './save';

/// `iptables-save -c` after a run: the run's counters on the parsed ruleset.
export function saveWithCounters(program: Program): string {
  const lines: string[] = [];
  for (const t of program.ruleset.tables.values()) {
    lines.push(`*${t.name}`);
    for (const c of t.chains.values()) {
      const k = program.chainCounters(t.name, c);
      lines.push(`:${c.name} ${c.policy ?? '-'} [${c.builtin ? k.packets : 0}:${c.builtin ? k.bytes : 0}]`);
    }
    for (const c of t.chains.values()) {
      const cc = program.chain(t.name, c.name)!;
      c.rules.forEach((r, i) => {
        const spec = formatRuleSpec(r);
        lines.push(`[${cc.packets[i]}:${cc.bytes[i]}] -A ${c.name}${spec ? ' ' + spec : ''}`);
      });
    }
    lines.push('COMMIT');
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
