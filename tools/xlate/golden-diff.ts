// Compares `--compat` with the reference's whole-file output (../shared/corpus/golden/*.nft) for every
// dump restore-translate accepted. Usage: npx tsx tools/xlate/golden-diff.ts [-v]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareGolden } from '../../test/nft/golden-compare';

const CORPUS = join(import.meta.dirname, '../../../shared/corpus');
const verbose = process.argv.includes('-v');
for (const f of readdirSync(join(CORPUS, 'real')).filter((f) => f.endsWith('.rules')).sort()) {
  const golden = join(CORPUS, 'golden', f.replace(/\.rules$/, '.nft'));
  if (!existsSync(golden)) continue;
  const ref = readFileSync(golden, 'utf8');
  if (!ref.startsWith('# Translated by iptables-restore-translate')) continue;
  const c = compareGolden(readFileSync(join(CORPUS, 'real', f), 'utf8'), ref);
  console.log(`${f}: ${c.same} same, ${c.deliberate} deliberate, ${c.extra.length} extra, ${c.missing.length} missing${c.inOrder ? '' : ', ORDER differs'}`);
  if (verbose) for (const l of [...c.extra.map((l) => `   extra   ${l}`), ...c.missing.map((l) => `   missing ${l}`)].slice(0, 12)) console.log(l);
}
