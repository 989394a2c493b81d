// Parse time of a 100k-rule kube-proxy dump, for profiling the parser alone. CPU time (process.cpuUsage,
// GC helper threads included) is steadier than wall time on a busy machine; both are medians of 7 runs
// after a warm-up:
// esbuild bench/prof-parse.ts --bundle --platform=node --format=esm --outfile=bench/out/p.mjs && node --cpu-prof bench/out/p.mjs
import { parseRuleset } from '../src/engine/parse/index';
import { kubeProxyDump } from './kubeproxy';

const { text } = kubeProxyDump(100_000);
const wall: number[] = [];
const cpu: number[] = [];
for (let k = 0; k < 8; k++) {
  const t = performance.now();
  const c = process.cpuUsage();
  parseRuleset(text);
  const used = process.cpuUsage(c);
  if (k === 0) continue;
  wall.push(performance.now() - t);
  cpu.push((used.user + used.system) / 1000);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(0);
console.log(`parse 100k rules: median ${median(wall)} ms wall, ${median(cpu)} ms cpu (wall ${wall.map((x) => x.toFixed(0)).join(' ')})`);
