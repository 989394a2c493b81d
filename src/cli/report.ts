// The readable `nfplay simulate` report: one block per packet, the rules that decided, the fate.
import type { Ruleset, Table } from '../engine/model/ruleset';
import type { PacketSpec } from '../engine/model/scenario';
import { formatRuleSpec } from '../engine/print/save';
import type { PacketResult, TraceStep } from '../engine/model/trace';

function describe(p: PacketSpec): string {
  const proto = String(p.proto).toLowerCase();
  const ports = p.sport !== undefined || p.dport !== undefined;
  const flags = p.flags?.length ? ` [${p.flags.join(',')}]` : proto === 'tcp' ? ' [SYN]' : '';
  const icmp = proto === 'icmp' ? ` ${p.icmpType ?? 'echo-request'}` : '';
  return `${proto} ${p.src}${ports ? ':' + (p.sport ?? '') : ''} > ${p.dst}${ports ? ':' + (p.dport ?? '') : ''}${flags}${icmp} from ${p.from}`;
}

/// The rule a step names, as iptables-save prints it.
type RuleText = (s: TraceStep) => string;

function step(s: TraceStep, text: RuleText): string {
  const where = `${s.table} ${s.chain}`;
  const rule = s.rule === null ? '' : ` rule ${s.rule}`;
  const spec = s.rule === null ? '' : `   ${text(s)}`;
  const log = s.log ? `\n        log: ${s.log}` : '';
  const nat = s.before && s.after ? `  (${s.before.src}${s.before.dport !== undefined ? ':' + s.before.dport : ''} > ${s.before.dst} becomes ${s.after.src} > ${s.after.dst}${s.after.dport !== undefined ? ':' + s.after.dport : ''})` : '';
  return `      ${where}${rule}: ${s.verdict}${nat}${spec}${log}`;
}

function result(r: PacketResult, indent: string, text: RuleText): string[] {
  const lines = r.trace.map((s) => indent + step(s, text).trimStart().replace(/^/, '  '));
  const out = r.out ? ` via ${r.out}` : '';
  const fin = r.final ? ` as ${r.final.src}${r.final.sport !== undefined ? ':' + r.final.sport : ''} > ${r.final.dst}${r.final.dport !== undefined ? ':' + r.final.dport : ''}` : '';
  lines.push(`${indent}  => ${r.fate}${out}${fin}${r.reason ? ` (${r.reason})` : ''}`);
  for (const g of r.generated ?? []) {
    lines.push(`${indent}  generated ${g.what}, ${g.ctState}:`);
    lines.push(...result(g, indent + '    ', text));
  }
  return lines;
}

/// `rules`: the iptables ruleset the steps name, or the text of a step's rule (an nft ruleset's).
export function report(specs: PacketSpec[], results: PacketResult[], rules: Ruleset | ((s: TraceStep) => string | undefined)): string {
  const text: RuleText = typeof rules === 'function'
    ? (s) => {
      const t = rules(s);
      return t === undefined ? '' : `(${t})`;
    }
    : (s) => {
      // Looked up by any name: an nft table's misses.
      const tables: ReadonlyMap<string, Table> = rules.tables;
      const r = tables.get(s.table)?.chains.get(s.chain)?.rules[s.rule! - 1];
      return r ? `(-A ${s.chain} ${formatRuleSpec(r)})` : '';
    };
  const out: string[] = [];
  results.forEach((r, i) => {
    out.push(`#${i + 1} ${describe(specs[i])}  ${r.ctState ?? 'not tracked'}`);
    out.push(...result(r, '  ', text));
  });
  return out.join('\n') + '\n';
}
