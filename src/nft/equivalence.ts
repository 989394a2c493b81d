// Does the translation behave like the original? The scenario's packets go through the iptables rules and
// through their nftables translation (idiomatic and --compat), each in a fresh run; every packet whose
// fate, egress, final header or generated replies differ is reported with both traces.
import { parseRuleset } from '../engine/parse/index';
import type { PacketSpec, Scenario } from '../engine/model/scenario';
import type { Diagnostic } from '../engine/model/span';
import type { Header, PacketResult } from '../engine/model/trace';
import { simulateRuleset, type SimOptions } from '../engine/sim/simulate';
import { simulateNft } from './sim/simulate';
import { translateRuleset, type Translation } from './translate';

export type Mode = 'idiomatic' | 'compat';

/// What differs about one packet: `fate`, `out`, `final`, or `generated` (the replies the host made).
export type Aspect = 'fate' | 'out' | 'final' | 'generated';

export interface Difference {
  mode: Mode;
  /// Index into the scenario's packets.
  packet: number;
  spec: PacketSpec;
  aspects: Aspect[];
  iptables: PacketResult;
  nft: PacketResult;
}

export interface ModeReport {
  mode: Mode;
  translation: Translation;
  /// No rule was left untranslated: the translator claims the same behaviour.
  complete: boolean;
  /// Errors the nft simulator found in the translation (it should have none).
  diagnostics: Diagnostic[];
  /// Parts of the translation the nft run could not simulate.
  unsimulated: Record<string, string>;
  differences: Difference[];
}

export interface EquivalenceReport {
  /// Errors in the iptables rules themselves: nothing is compared then.
  diagnostics: Diagnostic[];
  modes: ModeReport[];
}

const headerKey = (h: Header | null) => (h ? `${h.src}:${h.sport ?? ''}>${h.dst}:${h.dport ?? ''}` : '-');
const generatedKey = (p: PacketResult) =>
  (p.generated ?? []).map((g) => `${g.what} ${g.fate}@${g.out ?? '-'} ${headerKey(g.final)}`).join('; ');

export function compareResults(a: PacketResult, b: PacketResult): Aspect[] {
  const out: Aspect[] = [];
  if (a.fate !== b.fate) out.push('fate');
  if ((a.out ?? null) !== (b.out ?? null)) out.push('out');
  if (headerKey(a.final) !== headerKey(b.final)) out.push('final');
  if (generatedKey(a) !== generatedKey(b)) out.push('generated');
  return out;
}

export function checkEquivalence(scenario: Scenario, opts: SimOptions & { modes?: Mode[] } = {}): EquivalenceReport {
  const text = scenario.rules ?? '';
  const { ruleset, diagnostics } = parseRuleset(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { diagnostics: errors, modes: [] };
  const original = simulateRuleset(ruleset, scenario, opts).packets;
  const modes = (opts.modes ?? ['idiomatic', 'compat']).map((mode): ModeReport => {
    // Translating reads the ruleset only; a fresh parse keeps the runs independent all the same.
    const translation = translateRuleset(parseRuleset(text).ruleset, { mode, source: text, sets: scenario.sets });
    const nft = simulateNft({ ...scenario, nft: translation.text }, opts);
    const differences: Difference[] = [];
    original.forEach((a, i) => {
      const b = nft.packets[i];
      const aspects = compareResults(a, b);
      if (aspects.length) differences.push({ mode, packet: i, spec: scenario.packets[i], aspects, iptables: a, nft: b });
    });
    return {
      mode, translation, complete: translation.untranslated.length === 0, diagnostics: nft.diagnostics,
      unsimulated: nft.unsimulated, differences,
    };
  });
  return { diagnostics: [], modes };
}

/// One line per difference, for messages: the packet, what differs, and both outcomes with their traces.
export function describeDifference(d: Difference): string {
  const s = d.spec;
  const p = `${s.from} ${s.proto} ${s.src}${s.sport !== undefined ? ':' + s.sport : ''} > ${s.dst}${s.dport !== undefined ? ':' + s.dport : ''}${s.flags ? ' ' + s.flags.join(',') : ''}`;
  const show = (r: PacketResult) =>
    `${r.fate}${r.out ? '@' + r.out : ''} ${headerKey(r.final)} [${r.trace.map((t) => `${t.table} ${t.chain} ${t.rule ?? '-'} ${t.verdict}`).join(', ')}]${r.generated?.length ? ` + ${generatedKey(r)}` : ''}`;
  return `${d.mode} packet ${d.packet + 1} (${p}): ${d.aspects.join(', ')} differ\n  iptables: ${show(d.iptables)}\n  nft:      ${show(d.nft)}`;
}
