// Parse time of a 100k-rule kube-proxy dump, for profiling the parser alone:
// esbuild bench/prof-parse.ts --bundle --platform=node --format=esm --outfile=bench/out/p.mjs && node --cpu-prof bench/out/p.mjs
import { parseRuleset } from '../src/engine/parse/index';
import { kubeProxyDump } from './kubeproxy';

const { text } = kubeProxyDump(100_000);
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  parseRuleset(text);
  console.log(`${(performance.now() - t).toFixed(0)} ms`);
}
