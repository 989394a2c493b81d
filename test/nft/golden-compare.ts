// --compat against the reference's whole-file output for a dump (../shared/corpus/golden/*.nft).
// Lines compare as multisets (one extra line must not shift the rest), then the order of the common
// lines. The lines below a `# nfplay:` note, up to its rule, are a deliberate difference; untranslatable
// reasons and the header and trailer lines (timestamps) are not compared.
import { parseRuleset } from '../../src/engine/parse/index';
import { translateRuleset } from '../../src/nft/translate';

export interface GoldenComparison {
  same: number;
  /// Lines nfplay knowingly prints differently (each replaces a reference line).
  deliberate: number;
  /// Lines of ours not in the reference, without a note.
  extra: string[];
  /// Reference lines neither printed nor replaced by a deliberate difference.
  missing: string[];
  inOrder: boolean;
}

const ignored = (l: string) => /^# (Translated by|Completed|nfplay:|untranslatable:)/.test(l) || l === '';

export function compareGolden(rules: string, reference: string): GoldenComparison {
  const { ruleset } = parseRuleset(rules);
  const ours = translateRuleset(ruleset, { mode: 'compat', source: rules }).text.split('\n');
  const deliberateAt = new Set<number>();
  ours.forEach((l, i) => {
    if (!l.startsWith('# nfplay:') || ours[i - 1]?.startsWith('# nfplay:')) return;
    let j = i + 1;
    while (ours[j]?.startsWith('# nfplay:')) j++;
    // The note covers its rule and the sets declared for it.
    for (; j < ours.length; j++) {
      deliberateAt.add(j);
      if (!ours[j].startsWith('add set ') && !ours[j].startsWith('add ct helper ')) break;
    }
  });
  const count = new Map<string, number>();
  const ref = reference.split('\n').filter((l) => !ignored(l)).map((l) => l.replace(/ $/, ''));
  for (const l of ref) count.set(l, (count.get(l) ?? 0) + 1);
  let same = 0;
  let deliberate = 0;
  const extra: string[] = [];
  const common: string[] = [];
  ours.forEach((raw, i) => {
    if (ignored(raw)) return;
    const l = raw.replace(/ $/, '');
    const n = count.get(l) ?? 0;
    if (n > 0) {
      count.set(l, n - 1);
      same++;
      common.push(l);
    } else if (deliberateAt.has(i)) deliberate++;
    else extra.push(l);
  });
  const left = [...count].flatMap(([l, n]) => Array<string>(n).fill(l));
  // Each deliberate line stands for one reference line it replaces.
  const missing = left.length > deliberate ? left : [];
  const inCommon = new Map<string, number>();
  for (const l of common) inCommon.set(l, (inCommon.get(l) ?? 0) + 1);
  const refCommon = ref.filter((l) => {
    const n = inCommon.get(l) ?? 0;
    if (!n) return false;
    inCommon.set(l, n - 1);
    return true;
  });
  return { same, deliberate, extra, missing, inOrder: refCommon.join('\n') === common.join('\n') };
}
