// Compares `nfplay translate --compat` per rule with the reference rows of ../shared/corpus/rules-xlate.tsv
// and prints the mismatches: a development aid (the suite uses test/nft/cases).
import { readFileSync } from 'node:fs';
import { commandCase } from '../../test/nft/command-case';

const rows = readFileSync(process.argv[2] ?? '../shared/corpus/rules-xlate.tsv', 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
let same = 0, diff = 0, noparse = 0;
const byReason = new Map<string, number>();
for (const row of rows) {
  const [cmd, ref, check, source, family, , status] = row;
  if (family !== 'ip' || status === 'error') continue;
  const got = commandCase(cmd);
  if ('error' in got) {
    noparse++;
    const k = got.error.replace(/`[^']*'|"[^"]*"/g, 'X').slice(0, 70);
    byReason.set(k, (byReason.get(k) ?? 0) + 1);
    if (process.env.V === 'parse') console.log(`PARSE ${cmd}\n   ${got.error}`);
    continue;
  }
  if (got.compat === ref) same++;
  else {
    diff++;
    if (!process.env.V || process.env.V === 'diff') console.log(`${source} ${check}\n  ${cmd}\n  ref ${ref}\n  got ${got.compat}`);
  }
}
console.log({ same, diff, noparse });
if (process.env.V === 'reasons') console.log([...byReason].sort((a, b) => b[1] - a[1]).slice(0, 40));
