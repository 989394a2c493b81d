import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../../src/engine/analyze/lint';
const dir = '/work/shared/corpus/real';
const code = process.argv[2];
let n = 0;
for (const f of readdirSync(dir).filter((f) => f.endsWith('.rules'))) {
  const r = lint(readFileSync(join(dir, f), 'utf8'));
  for (const x of r.findings) if (x.code === code && n++ < Number(process.argv[3] ?? 8)) console.log(f, x.line, x.severity, x.message.slice(0, 300));
}
