// Compares `--compat` with the reference's whole-file output (../shared/corpus/golden/*.nft) for every
// dump restore-translate accepted; a line below a `# nfplay:` note is a deliberate difference.
// Usage: npx tsx tools/xlate/golden-diff.ts [-v]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleset } from '../../src/engine/parse/index';
import { translateRuleset } from '../../src/nft/translate';

const CORPUS = join(import.meta.dirname, '../../../shared/corpus');
const verbose = process.argv.includes('-v');
const skip = (l: string) => /^# (Translated by|Completed|nfplay:)/.test(l) || l === '';

for (const f of readdirSync(join(CORPUS, 'real')).filter((f) => f.endsWith('.rules')).sort()) {
  const golden = join(CORPUS, 'golden', f.replace(/\.rules$/, '.nft'));
  if (!existsSync(golden)) continue;
  const ref = readFileSync(golden, 'utf8');
  if (!ref.startsWith('# Translated by iptables-restore-translate')) continue;
  const text = readFileSync(join(CORPUS, 'real', f), 'utf8');
  const { ruleset, diagnostics } = parseRuleset(text);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const ours = translateRuleset(ruleset, { mode: 'compat', source: text }).text.split('\n');
  const deliberate = new Set<number>();
  ours.forEach((l, i) => { if (l.startsWith('# nfplay:')) { let j = i + 1; while (ours[j]?.startsWith('# nfplay:')) j++; deliberate.add(j); } });
  const a = ours.map((l, i) => ({ l, d: deliberate.has(i) })).filter((x) => !skip(x.l));
  const b = ref.split('\n').filter((l) => !skip(l)).map((l) => l.replace(/ $/, ''));
  // Lines as multisets (an extra or missing line must not shift the rest), then the order of the
  // common lines.
  const count = new Map<string, number>();
  for (const l of b) count.set(l, (count.get(l) ?? 0) + 1);
  let same = 0, delib = 0, other = 0;
  const shown: string[] = [];
  const common: string[] = [];
  for (const { l, d } of a) {
    const x = l.replace(/ $/, '');
    const n = count.get(x) ?? 0;
    if (n > 0) {
      count.set(x, n - 1);
      same++;
      common.push(x);
    } else if (d) delib++;
    else {
      other++;
      if (shown.length < 8) shown.push(`   extra ${x}`);
    }
  }
  const missing = [...count].filter(([, n]) => n > 0).flatMap(([l, n]) => Array(n).fill(l) as string[]);
  for (const m of missing.slice(0, 8)) shown.push(`   missing ${m}`);
  const inOrder = b.filter((l) => common.includes(l)).join('\n') === common.join('\n');
  other += Math.max(0, missing.length - delib);
  console.log(`${f}: ${same} same, ${delib} deliberate, ${other} other (${missing.length} missing)${inOrder ? '' : ', ORDER differs'}${errors ? ` (${errors} parse errors)` : ''}`);
  if (verbose) for (const s of shown) console.log(s);
}
