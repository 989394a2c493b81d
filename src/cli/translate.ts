// `nfplay translate FILE [--compat] [--counters]`: nftables on stdout; what could not be translated on
// stderr with its line and column (exit 0); rules that do not parse are bad input (exit 2).
import { parseRuleset } from '../engine/parse/index';
import { translateRuleset, type TranslateOptions } from '../nft/translate';

export interface TranslateFlags {
  compat: boolean;
  counters: boolean;
}

export interface CommandOutput {
  code: 0 | 2;
  stdout: string;
  stderr: string;
}

/// `text` is the rules, or a scenario JSON whose `rules` (and `sets`) are translated.
export function translateCommand(text: string, name: string, flags: TranslateFlags): CommandOutput {
  let rules = text;
  let sets: TranslateOptions['sets'];
  if (/^\s*\{/.test(text)) {
    try {
      const s = JSON.parse(text) as { rules?: unknown; sets?: TranslateOptions['sets'] };
      if (typeof s.rules !== 'string') return { code: 2, stdout: '', stderr: `nfplay: ${name}: the scenario has no "rules" text\n` };
      rules = s.rules;
      sets = s.sets;
    } catch (e) {
      return { code: 2, stdout: '', stderr: `nfplay: ${name}: not valid JSON: ${(e as Error).message}\n` };
    }
  }
  const { ruleset, diagnostics } = parseRuleset(rules);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length)
    return { code: 2, stdout: '', stderr: errors.map((d) => `nfplay: ${name}:${d.line}:${d.column}: ${d.message}\n`).join('') };
  const t = translateRuleset(ruleset, { mode: flags.compat ? 'compat' : 'idiomatic', counters: flags.counters, sets, source: rules });
  const stderr = t.untranslated.map((u) => `${name}:${u.line}:${u.column}: not translated: ${u.reason}: ${u.rule}\n`).join('');
  return { code: 0, stdout: t.text, stderr };
}
