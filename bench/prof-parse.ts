// Parse time of a 100k-rule kube-proxy dump, for profiling the parser alone (CPU time, steadier than
// wall time on a busy machine):
// esbuild bench/prof-parse.ts --bundle --platform=node --format=esm --outfile=bench/out/p.mjs && node --cpu-prof bench/out/p.mjs
import { parseRuleset } from '../src/engine/parse/index';
import { kubeProxyDump } from './kubeproxy';

const { text } = kubeProxyDump(100_000);
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  const c = process.cpuUsage();
  parseRuleset(text);
  const cpu = process.cpuUsage(c);
  console.log(`${(performance.now() - t).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms cpu`);
}
