// Parse time of a plain 100k-rule filter dump, for profiling the parser alone:
// esbuild bench/prof-parse.ts --bundle --platform=node --outfile=bench/out/p.mjs && node --cpu-prof bench/out/p.mjs
import { parseRuleset } from '../src/engine/parse/index';

const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]'];
for (let i = 0; i < 100_000; i++) lines.push(`-A INPUT -s 192.0.${(i >> 8) & 255}.${i & 255}/32 -p tcp -m tcp --dport ${1 + (i % 60000)} -j ACCEPT`);
lines.push('COMMIT', '');
const text = lines.join('\n');
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  parseRuleset(text);
  console.log(`${(performance.now() - t).toFixed(0)} ms`);
}
