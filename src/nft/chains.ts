// Base chains as iptables-nft registers them: type, hook and priority per table and built-in chain.
import type { Hook, Ruleset, Table, TableName } from '../engine/model/ruleset';

export interface BaseChain {
  type: 'filter' | 'nat' | 'route';
  hook: string;
  priority: number;
}

const PRIORITY: Record<TableName, number> = { raw: -300, mangle: -150, nat: -100, filter: 0, security: 50 };

/// `registered`: the priority iptables-nft 1.8.9 registers rather than the one iptables-translate prints.
/// They differ for security only: 150, not 50, so it runs after nat's input chain (100) and sees its SNAT
/// (kernel-recorded; at 50 a translation behaves otherwise).
export function baseChain(table: TableName, chain: Hook, registered = false): BaseChain {
  const hook = chain.toLowerCase();
  if (registered && table === 'security') return { type: 'filter', hook, priority: 150 };
  if (table === 'nat') return { type: 'nat', hook, priority: chain === 'PREROUTING' || chain === 'OUTPUT' ? -100 : 100 };
  if (table === 'mangle' && chain === 'OUTPUT') return { type: 'route', hook, priority: -150 };
  return { type: 'filter', hook, priority: PRIORITY[table] };
}

/// nft's names for the standard priorities (nft -o lists them this way). nft 1.0.6 accepts dstnat only
/// at prerouting and srcnat only at postrouting: nat's input and output chains keep their number.
export function symbolicPriority(b: BaseChain): string {
  if (b.type === 'nat') return b.hook === 'prerouting' && b.priority === -100 ? 'dstnat' : b.hook === 'postrouting' && b.priority === 100 ? 'srcnat' : String(b.priority);
  const named: Record<number, string> = { [-300]: 'raw', [-150]: 'mangle', 0: 'filter', 50: 'security' };
  return named[b.priority] ?? String(b.priority);
}

/// Tables in the order the source first mentions them (iptables-save has its own order).
export function tablesInSourceOrder(rs: Ruleset): Table[] {
  if (rs.tables.size < 2) return [...rs.tables.values()];
  // A chain's first rule comes before its others unless -I put it there: close enough to order tables.
  const first = (t: Table) => {
    let min = Infinity;
    for (const c of t.chains.values()) {
      // A chain's rules come after the line that declared it, when there is one.
      const at = c.span ? c.span.from : c.rules.length ? c.rules[0].span.from : Infinity;
      if (at < min) min = at;
    }
    return min;
  };
  return [...rs.tables.values()].map((t) => ({ t, at: first(t) })).sort((a, b) => a.at - b.at).map((x) => x.t);
}
