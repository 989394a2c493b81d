// Base chains as iptables-nft registers them: type, hook and priority per table and built-in chain.
import type { Hook, TableName } from '../engine/model/ruleset';

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

/// nft's names for the standard priorities (nft -o lists them this way); nat's depend on the hook.
export function symbolicPriority(b: BaseChain): string {
  const named: [string, number][] = b.type === 'nat'
    ? [['dstnat', -100], ['srcnat', 100]]
    : [['raw', -300], ['mangle', -150], ['filter', 0], ['security', 50]];
  // nft 1.0.6 knows dstnat/srcnat on every hook; keep the name only where it reads right.
  for (const [name, v] of named) if (v === b.priority) return name;
  const near = named.find(([, v]) => Math.abs(b.priority - v) < 100);
  return near ? `${near[0]} ${b.priority > near[1] ? '+' : '-'} ${Math.abs(b.priority - near[1])}` : String(b.priority);
}
