// Base chains as iptables-nft registers them: type, hook and priority per table and built-in chain.
import type { Hook, Ruleset, Table, TableName } from '../engine/model/ruleset';

export interface BaseChain {
  type: 'filter' | 'nat' | 'route';
  hook: string;
  priority: number;
}

const PRIORITY: Record<TableName, number> = { raw: -300, mangle: -150, nat: -100, filter: 0, security: 50 };

export function baseChain(table: TableName, chain: Hook): BaseChain {
  const hook = chain.toLowerCase();
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
  // A chain's first rule comes before its others unless -I put it there: close enough to order tables.
  const first = (t: Table) => {
    let min = Infinity;
    for (const c of t.chains.values()) {
      if (c.span) min = Math.min(min, c.span.from);
      if (c.rules.length) min = Math.min(min, c.rules[0].span.from);
    }
    return min;
  };
  return [...rs.tables.values()].map((t) => ({ t, at: first(t) })).sort((a, b) => a.at - b.at).map((x) => x.t);
}
