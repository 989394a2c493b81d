// iptables -> nftables: the whole ruleset, in the reference's command form (compat) or as one
// declarative ruleset (idiomatic).
import type { Ruleset } from '../engine/model/ruleset';
import { compatText } from './compat';
import { idiomaticText } from './idiomatic';

export interface TranslateOptions {
  mode: 'compat' | 'idiomatic';
  /// Keep counters: `counter` on every idiomatic rule; the dump's packet and byte counts in both modes.
  counters?: boolean;
  /// ipset contents (the scenario's `sets`), declared as nft sets.
  sets?: Record<string, { type: string; members: string[] }>;
  /// The text the ruleset was parsed from: compat echoes untranslatable rules as written and keeps
  /// the order and -A/-I of the commands.
  source?: string;
}

export interface Untranslated {
  line: number;
  column: number;
  /// The rule as written (or as iptables-save prints it when the source is not known).
  rule: string;
  reason: string;
}

/// A place where --compat knowingly prints something other than iptables-translate 1.8.9, and why.
export interface Difference {
  line: number;
  column: number;
  note: string;
}

export interface Translation {
  text: string;
  untranslated: Untranslated[];
  /// --compat only: the `# nfplay:` notes of rules, with the rule's place.
  differences: Difference[];
  /// nft rules emitted.
  rules: number;
}

export function translateRuleset(ruleset: Ruleset, opts: TranslateOptions): Translation {
  return opts.mode === 'compat' ? compatText(ruleset, opts) : idiomaticText(ruleset, opts);
}
