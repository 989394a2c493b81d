// Protocol names as `-p` takes them (/etc/protocols) and as iptables-save prints them back.
import { OptionError } from './types';
import { isDigits } from './values';

const NAMES: [string, number][] = [
  ['icmp', 1], ['igmp', 2], ['ggp', 3], ['ipencap', 4], ['st', 5], ['tcp', 6], ['egp', 8], ['igp', 9], ['pup', 12], ['udp', 17],
  ['hmp', 20], ['xns-idp', 22], ['rdp', 27], ['iso-tp4', 29], ['dccp', 33], ['xtp', 36], ['ddp', 37], ['idpr-cmtp', 38],
  ['ipv6', 41], ['ipv6-route', 43], ['ipv6-frag', 44], ['idrp', 45], ['rsvp', 46], ['gre', 47], ['esp', 50], ['ah', 51],
  ['skip', 57], ['ipv6-icmp', 58], ['ipv6-nonxt', 59], ['ipv6-opts', 60], ['rspf', 73], ['vmtp', 81], ['eigrp', 88], ['ospf', 89],
  ['ax.25', 93], ['ipip', 94], ['etherip', 97], ['encap', 98], ['pim', 103], ['ipcomp', 108], ['vrrp', 112], ['l2tp', 115],
  ['isis', 124], ['sctp', 132], ['fc', 133], ['mobility-header', 135], ['udplite', 136], ['mpls-in-ip', 137], ['manet', 138],
  ['hip', 139], ['shim6', 140], ['wesp', 141], ['rohc', 142], ['ethernet', 143],
];
const BY_NAME = new Map<string, number>([...NAMES, ['all', 0], ['ip', 0], ['hopopt', 0], ['icmpv6', 58], ['mh', 135], ['ospfigp', 89]]);
const BY_NUMBER = new Map<number, string>(NAMES.map(([n, v]) => [v, n]));

/// `tcp`, `TCP`, `6`, `all`; iptables' "unknown protocol" otherwise.
export function parseProtocol(text: string): number {
  if (isDigits(text)) {
    const n = Number(text);
    if (n <= 255) return n;
  }
  const n = BY_NAME.get(text.toLowerCase());
  if (n === undefined) throw new OptionError(`unknown protocol "${text}" specified`);
  return n;
}

/// The name iptables-save prints for a protocol number, or null to print the number.
export function protocolName(n: number): string | null {
  return BY_NUMBER.get(n) ?? null;
}

export const PROTOCOL_NAMES: readonly string[] = ['all', ...NAMES.map(([n]) => n)];
