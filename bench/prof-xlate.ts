// Translation time of a kube-proxy dump (parse excluded), for profiling the translator alone (CPU time,
// steadier than wall time on a busy machine):
// esbuild bench/prof-xlate.ts --bundle --platform=node --format=esm --outfile=bench/out/x.mjs && node --cpu-prof bench/out/x.mjs [RULES] [compat|idiomatic]
import { parseRuleset } from '../src/engine/parse/index';
import { translateRuleset } from '../src/nft/translate';
import { kubeProxyDump } from './kubeproxy';

const rules = Number(process.argv[2] ?? 100_000);
const modes = process.argv[3] ? [process.argv[3] as 'compat' | 'idiomatic'] : (['compat', 'idiomatic'] as const);
const { text } = kubeProxyDump(rules);
const { ruleset } = parseRuleset(text);
for (const mode of modes) {
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const out = translateRuleset(ruleset, { mode, source: text });
    const cpu = process.cpuUsage(c);
    console.log(`${mode}: ${(performance.now() - t).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms cpu, ${out.rules} rules, ${out.text.length} chars`);
  }
}
