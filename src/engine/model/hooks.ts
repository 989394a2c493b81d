import type { Hook, TableName } from './ruleset';

/// The tables each hook runs, in the order iptables-nft's priorities give (measured with the kernel's trace:
/// raw -300, conntrack -200, mangle -150, nat for destinations -100, filter 0, nat for sources 100, and
/// security last at 150). 'conntrack' marks the connection tracking lookup.
export const HOOK_TABLES: Record<Hook, readonly (TableName | 'conntrack')[]> = {
  PREROUTING: ['raw', 'conntrack', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'nat', 'security'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'conntrack', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
};
