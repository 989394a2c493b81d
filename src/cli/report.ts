// The readable `nfplay simulate` report: one block per packet, the rules that decided, the fate.
import type { PacketSpec } from '../engine/model/scenario';
import type { PacketResult, TraceStep } from '../engine/model/trace';

function describe(p: PacketSpec): string {
  const proto = String(p.proto).toLowerCase();
  const ports = p.sport !== undefined || p.dport !== undefined;
  const flags = p.flags?.length ? ` [${p.flags.join(',')}]` : proto === 'tcp' ? ' [SYN]' : '';
  const icmp = proto === 'icmp' ? ` ${p.icmpType ?? 'echo-request'}` : '';
  return `${proto} ${p.src}${ports ? ':' + (p.sport ?? '') : ''} > ${p.dst}${ports ? ':' + (p.dport ?? '') : ''}${flags}${icmp} from ${p.from}`;
}

function step(s: TraceStep): string {
  const where = `${s.table} ${s.chain}`;
  const rule = s.rule === null ? '' : ` rule ${s.rule}`;
  const log = s.log ? `\n        log: ${s.log}` : '';
  const nat = s.before && s.after ? `  (${s.before.src}${s.before.dport !== undefined ? ':' + s.before.dport : ''} > ${s.before.dst} becomes ${s.after.src} > ${s.after.dst}${s.after.dport !== undefined ? ':' + s.after.dport : ''})` : '';
  return `      ${where}${rule}: ${s.verdict}${nat}${log}`;
}

function result(r: PacketResult, indent: string): string[] {
  const lines = r.trace.map((s) => indent + step(s).trimStart().replace(/^/, '  '));
  const out = r.out ? ` via ${r.out}` : '';
  const fin = r.final ? ` as ${r.final.src}${r.final.sport !== undefined ? ':' + r.final.sport : ''} > ${r.final.dst}${r.final.dport !== undefined ? ':' + r.final.dport : ''}` : '';
  lines.push(`${indent}  => ${r.fate}${out}${fin}${r.reason ? ` (${r.reason})` : ''}`);
  for (const g of r.generated ?? []) {
    lines.push(`${indent}  generated ${g.what}, ${g.ctState}:`);
    lines.push(...result(g, indent + '    '));
  }
  return lines;
}

export function report(specs: PacketSpec[], results: PacketResult[]): string {
  const out: string[] = [];
  results.forEach((r, i) => {
    out.push(`#${i + 1} ${describe(specs[i])}  ${r.ctState}`);
    out.push(...result(r, '  '));
  });
  return out.join('\n') + '\n';
}
