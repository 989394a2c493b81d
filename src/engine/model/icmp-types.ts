/// The ICMP type names iptables knows (`iptables -p icmp -h`), with their type and code range.
/// A name for a whole type covers codes 0-255.
export interface IcmpTypeName {
  name: string;
  type: number;
  codeMin: number;
  codeMax: number;
  aliases?: string[];
}

const T = (name: string, type: number, aliases?: string[]): IcmpTypeName => ({ name, type, codeMin: 0, codeMax: 0xff, aliases });
const C = (name: string, type: number, code: number): IcmpTypeName => ({ name, type, codeMin: code, codeMax: code });

export const ICMP_TYPE_NAMES: readonly IcmpTypeName[] = [
  { name: 'any', type: 0xff, codeMin: 0, codeMax: 0xff },
  T('echo-reply', 0, ['pong']),
  T('destination-unreachable', 3),
  C('network-unreachable', 3, 0), C('host-unreachable', 3, 1), C('protocol-unreachable', 3, 2), C('port-unreachable', 3, 3),
  C('fragmentation-needed', 3, 4), C('source-route-failed', 3, 5), C('network-unknown', 3, 6), C('host-unknown', 3, 7),
  C('network-prohibited', 3, 9), C('host-prohibited', 3, 10), C('TOS-network-unreachable', 3, 11), C('TOS-host-unreachable', 3, 12),
  C('communication-prohibited', 3, 13), C('host-precedence-violation', 3, 14), C('precedence-cutoff', 3, 15),
  T('source-quench', 4),
  T('redirect', 5), C('network-redirect', 5, 0), C('host-redirect', 5, 1), C('TOS-network-redirect', 5, 2), C('TOS-host-redirect', 5, 3),
  T('echo-request', 8, ['ping']),
  T('router-advertisement', 9), T('router-solicitation', 10),
  T('time-exceeded', 11, ['ttl-exceeded']), C('ttl-zero-during-transit', 11, 0), C('ttl-zero-during-reassembly', 11, 1),
  T('parameter-problem', 12), C('ip-header-bad', 12, 0), C('required-option-missing', 12, 1),
  T('timestamp-request', 13), T('timestamp-reply', 14), T('address-mask-request', 17), T('address-mask-reply', 18),
];

export function findIcmpType(name: string): IcmpTypeName | undefined {
  const n = name.toLowerCase();
  return ICMP_TYPE_NAMES.find((t) => t.name.toLowerCase() === n || t.aliases?.includes(n));
}
