// `iptables -L -n -v [--line-numbers]` as iptables-nft 1.8.9 prints it, column for column
// (the layout was measured against the real command; protocols print as numbers in this version).
import { listCidr } from '../model/addr';
import type { Rule, Ruleset, TableName } from '../model/ruleset';
import { formatIface } from './save';

export interface CounterSource {
  rule(r: Rule): { packets: number; bytes: number };
  policy(table: TableName, chain: string): { packets: number; bytes: number };
}

/// xtables_print_num: up to 99999 as is, then K, M, G, T with rounding.
export function humanNum(n: number): string {
  if (n <= 99999) return String(n);
  for (const unit of ['K', 'M', 'G', 'T']) {
    n = Math.floor((n + 500) / 1000);
    if (n <= 9999) return `${n}${unit}`;
  }
  return `${n}P`;
}

const pad = (s: string, w: number) => s.padEnd(w);
const lpad = (s: string, w: number) => s.padStart(w);

export function listTable(rs: Ruleset, table: TableName, counters: CounterSource, opts: { lineNumbers?: boolean } = {}): string {
  const t = rs.tables.get(table);
  if (!t) return '';
  const refs = new Map<string, number>();
  for (const c of t.chains.values())
    for (const r of c.rules) if (r.target.kind === 'jump') refs.set(r.target.chain, (refs.get(r.target.chain) ?? 0) + 1);
  const header = `${opts.lineNumbers ? 'num  ' : ''} pkts bytes target     prot opt in     out     source               destination         `;
  const blocks: string[] = [];
  for (const c of t.chains.values()) {
    const lines: string[] = [];
    if (c.builtin) {
      const k = counters.policy(table, c.name);
      lines.push(`Chain ${c.name} (policy ${c.policy} ${humanNum(k.packets)} packets, ${humanNum(k.bytes)} bytes)`);
    } else lines.push(`Chain ${c.name} (${refs.get(c.name) ?? 0} references)`);
    lines.push(header);
    c.rules.forEach((r, i) => lines.push(listRule(r, counters.rule(r), opts.lineNumbers ? i + 1 : null)));
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n') + '\n';
}

export function listRule(r: Rule, k: { packets: number; bytes: number }, num: number | null): string {
  const t = r.target;
  const target = t.kind === 'verdict' ? t.verdict : t.kind === 'jump' ? t.chain : t.kind === 'module' ? t.module.listName ?? t.module.name : '';
  let s = num === null ? '' : pad(String(num), 4) + ' ';
  s += `${lpad(humanNum(k.packets), 5)} ${lpad(humanNum(k.bytes), 5)} ${pad(target, 9)} `;
  s += `${r.protoInv ? '!' : ' '}${pad(String(r.proto), 5)}`;
  s += `${r.fragment === null ? '--' : r.fragment ? '-f' : '!f'}  `;
  s += pad((r.iifInv ? '!' : '') + (r.iif ? formatIface(r.iif) : '*'), 6) + ' ';
  s += pad((r.oifInv ? '!' : '') + (r.oif ? formatIface(r.oif) : '*'), 6) + ' ';
  s += pad((r.srcInv ? '!' : ' ') + (r.src ? listCidr(r.src) : '0.0.0.0/0'), 20) + ' ';
  s += pad((r.dstInv ? '!' : ' ') + (r.dst ? listCidr(r.dst) : '0.0.0.0/0'), 20) + ' ';
  if (t.kind === 'jump' && t.goto) s += '[goto] ';
  for (const m of r.matches) {
    const text = m.module.list(m.options);
    if (text) s += ' ' + text;
  }
  if (t.kind === 'module') {
    const text = t.module.list(t.options);
    if (text) s += ' ' + text;
  }
  return s;
}
