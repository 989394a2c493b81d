// Shows where the engine and the kernel disagree on recorded cases: `npm run replay -- [PATH-SUBSTRING ...]`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simulateScenario } from '../src/nft/sim/simulate';
import { counterValues } from '../src/nft/sim/list';
import type { PacketResult } from '../src/engine/model/trace';

const ROOT = 'test/kernel/cases';
const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.json') ? [join(d, n)] : []));
const filters = process.argv.slice(2);
const short = (p: PacketResult): string => {
  const t = p.trace.map((s) => `${s.table}:${s.chain}:${s.rule ?? '-'}:${s.verdict}`).join(' ');
  const g = (p.generated ?? []).map((x) => `{${short(x)}}`).join(' ');
  const fin = p.final ? ` ${p.final.src}:${p.final.sport ?? ''}>${p.final.dst}:${p.final.dport ?? ''}` : '';
  return `${p.fate}${p.out ? '@' + p.out : ''} ${p.ctState}${fin} [${t}]${g ? ' gen ' + g : ''}`;
};
let bad = 0, total = 0;
for (const f of walk(ROOT).sort()) {
  if (filters.length && !filters.some((x) => f.includes(x))) continue;
  const c = JSON.parse(readFileSync(f, 'utf8'));
  if (!c.kernel) continue;
  total++;
  const out = simulateScenario(c.scenario);
  const errs = out.diagnostics.filter((d) => d.severity === 'error');
  const lines: string[] = errs.map((d) => `  parse ${d.line}:${d.column} ${d.message}`);
  const randomPorts = new Set((c.random ?? []).map((p: string) => Number(/packets\[(\d+)\]/.exec(p)?.[1])));
  c.kernel.packets.forEach((k: PacketResult, i: number) => {
    const a = short(k), b = out.packets[i] ? short(out.packets[i]) : '(none)';
    if (randomPorts.has(i) && a.replace(/:\d+>/, '>') === b.replace(/:\d+>/, '>')) return;
    if (a !== b) lines.push(`  #${i + 1} kernel: ${a}\n     nfplay: ${b}`);
  });
  // nft lists rules in its own canonical words: its counters are compared by place, not by text.
  const nft = typeof c.scenario.nft === 'string';
  const [kc, oc] = nft ? [counterValues(c.kernel.counters).join('\n'), counterValues(out.counters).join('\n')] : [c.kernel.counters, out.counters];
  if (oc !== kc) {
    const kl = kc.split('\n'), ol = oc.split('\n');
    kl.forEach((l: string, i: number) => l !== ol[i] && lines.push(`  counters kernel: ${l}\n           nfplay: ${ol[i]}`));
  }
  if (lines.length) {
    bad++;
    console.log(`${f}: ${c.description}\n${lines.join('\n')}`);
  }
}
console.log(`${total - bad}/${total} agree`);
