// -j QUEUE: the old ip_queue target (queue 0). Linux removed ip_queue in 3.5; iptables-nft 1.8.9 refuses
// the rule on this kernel ("RULE_APPEND failed (No such file or directory)").
import type { TargetModule } from '../types';

export const queue: TargetModule<Record<string, never>> = {
  kind: 'target',
  name: 'QUEUE',
  help: 'Obsolete: queue to userspace through ip_queue (use NFQUEUE). Without a listener the packet is dropped.',
  simulated: 'ip_queue no longer exists (iptables-nft 1.8.9 refuses the rule); nfplay drops the packet as a queue without a listener does',
  label: 'QUEUE',
  options: [],
  finalize: () => ({}),
  apply: () => 'DROP',
  save: () => '',
  list: () => '',
  xlate: () => ({ nft: 'queue num 0', note: 'iptables-translate 1.8.9 leaves -j QUEUE untranslated; it is NFQUEUE queue 0' }),
};
