// Small nft scenarios: the host of test/helpers/scenario.ts, an nft ruleset, packets.
import type { PacketSpec } from '../../../src/engine/model/scenario';
import { simulateNft } from '../../../src/nft/sim/simulate';
import { HOST } from '../../helpers/scenario';

export { syn } from '../../helpers/scenario';

export function runNft(nft: string, packets: PacketSpec[]) {
  const out = simulateNft({ version: 1, host: HOST, rules: '', nft, packets });
  if (out.diagnostics.length) throw new Error(out.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return out;
}

/// Steps as `table chain rule verdict`.
export const steps = (p: { trace: { table: string; chain: string; rule: number | null; verdict: string }[] }) =>
  p.trace.map((s) => `${s.table} ${s.chain} ${s.rule ?? '-'} ${s.verdict}`);

/// One input chain of a table `t` with a drop policy, the rules given.
export const input = (...rules: string[]) =>
  `table ip t {\n\tchain in {\n\t\ttype filter hook input priority filter; policy drop;\n${rules.map((r) => `\t\t${r}\n`).join('')}\t}\n}\n`;
