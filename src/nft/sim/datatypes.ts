// nft's datatypes as far as IPv4 rulesets use them: how a value is written, and the number or string
// the simulator compares it as (addresses as unsigned 32-bit numbers, interface names as strings).
import { formatIPv4, parseIPv4, prefixToMask } from '../../engine/model/addr';
import { parseProtocol, protocolName } from '../../engine/modules/protocols';
import { parsePort, DSCP_CLASSES } from '../../engine/modules/values';

export type Val = number | string;

export interface Datatype {
  name: string;
  /// One value as written; throws an Error with the reason when it is not one.
  parse(text: string, quoted: boolean): Val;
  /// Flags: an implicit comparison tests for any of the bits (`ct state established,related`).
  bitmask?: boolean;
  /// Strings compare as text (interface names, helper names, MAC addresses).
  string?: boolean;
  /// Width in bits (for prefixes and masks).
  bits?: number;
  /// A value as nft writes it (for explanations); numbers in decimal without it.
  format?(v: Val): string;
  /// An element written in a way the plain value parser does not take (strings only): a wildcard, or null.
  wildcard?(text: string): { s: string; wild: true } | null;
}

/// A value of the type as nft writes it: `192.0.2.1`, `tcp`, `established`, `syn,ack`, `"eth0"`.
export function formatVal(dt: Datatype, v: Val): string {
  if (dt.format) return dt.format(v);
  if (typeof v === 'string') return dt.string ? `"${v}"` : v;
  return String(v);
}

function num(text: string, max: number, what: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(n) || n > max) throw new Error(`"${text}" is not ${what}`);
  return n;
}

const named = (name: string, names: Record<string, number>, max: number, extra: Partial<Datatype> = {}): Datatype => {
  const byValue = new Map<number, string>();
  for (const [k, v] of Object.entries(names)) if (!byValue.has(v)) byValue.set(v, k);
  return {
    name, bits: Math.ceil(Math.log2(max + 1)), ...extra,
    parse(text) {
      if (Object.hasOwn(names, text)) return names[text];
      return num(text, max, `a ${name} value`);
    },
    format(v) {
      if (typeof v !== 'number') return String(v);
      if (!extra.bitmask) return byValue.get(v) ?? String(v);
      // Flags: the names of the bits set, as nft lists them (`syn,ack`).
      const out: string[] = [];
      let rest = v;
      for (const [bit, n] of [...byValue].sort((a, b) => a[0] - b[0])) {
        if (!bit || (v & bit) !== bit) continue;
        out.push(n);
        rest &= ~bit;
      }
      if (rest) out.push(`0x${rest.toString(16)}`);
      return out.join(',') || '0x0';
    },
  };
};

export const integer = (bits: number, name = `${bits}-bit integer`): Datatype => ({
  name, bits, parse: (text) => num(text, bits === 32 ? 0xffffffff : 2 ** bits - 1, `a ${name}`),
});

export const IPV4: Datatype = {
  name: 'ipv4_addr', bits: 32, format: (v) => (typeof v === 'number' ? formatIPv4(v) : v),
  parse(text) {
    const a = parseIPv4(text);
    if (a === null) throw new Error(`"${text}" is not an IPv4 address`);
    return a;
  },
};

/// A prefix `a.b.c.d/n` as its range, or null when the text is no prefix.
export function ipv4Prefix(text: string): [number, number] | null {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[2]) > 32) return null;
  const a = parseIPv4(m[1]);
  if (a === null) return null;
  const mask = prefixToMask(Number(m[2]));
  const lo = (a & mask) >>> 0;
  return [lo, (lo | ~mask) >>> 0];
}

export const SERVICE: Datatype = {
  name: 'inet_service', bits: 16,
  parse(text) {
    try {
      return parsePort(text);
    } catch {
      throw new Error(`"${text}" is not a port or service name`);
    }
  },
};

export const PROTO: Datatype = {
  name: 'inet_proto', bits: 8, format: (v) => (typeof v === 'number' ? protocolName(v) ?? String(v) : v),
  parse(text) {
    try {
      return parseProtocol(text);
    } catch {
      throw new Error(`"${text}" is not a protocol`);
    }
  },
};

export const ICMP_TYPE = named('icmp_type', {
  'echo-reply': 0, 'destination-unreachable': 3, 'source-quench': 4, redirect: 5, 'echo-request': 8,
  'router-advertisement': 9, 'router-solicitation': 10, 'time-exceeded': 11, 'parameter-problem': 12,
  'timestamp-request': 13, 'timestamp-reply': 14, 'info-request': 15, 'info-reply': 16,
  'address-mask-request': 17, 'address-mask-reply': 18,
}, 255);

export const ICMP_CODE = named('icmp_code', {
  'net-unreachable': 0, 'host-unreachable': 1, 'prot-unreachable': 2, 'port-unreachable': 3, 'frag-needed': 4,
  'net-prohibited': 9, 'host-prohibited': 10, 'admin-prohibited': 13,
}, 255);

/// ct state bits (nf_conntrack_common.h: NF_CT_STATE_BIT).
export const CT_STATE_BITS = { invalid: 1, established: 2, related: 4, new: 8, untracked: 64 } as const;
export const CT_STATE = named('ct_state', CT_STATE_BITS, 0xffffffff, { bitmask: true });
/// ct status bits (IPS_*).
export const CT_STATUS_BITS = { expected: 1, 'seen-reply': 2, assured: 4, confirmed: 8, snat: 16, dnat: 32, dying: 512 } as const;
export const CT_STATUS = named('ct_status', CT_STATUS_BITS, 0xffffffff, { bitmask: true });
export const CT_DIR = named('ct_dir', { original: 0, reply: 1 }, 1);
export const TCP_FLAGS = named('tcp_flag', { fin: 1, syn: 2, rst: 4, psh: 8, ack: 16, urg: 32, ecn: 64, cwr: 128 }, 255, { bitmask: true });
export const DCCP_PKTTYPE = named('dccp_pkttype', {
  request: 0, response: 1, data: 2, ack: 3, dataack: 4, closereq: 5, close: 6, reset: 7, sync: 8, syncack: 9,
}, 15);
export const PKTTYPE = named('pkt_type', { host: 0, unicast: 0, broadcast: 1, multicast: 2, other: 3 }, 255);
export const DSCP = named('dscp', Object.fromEntries(Object.entries(DSCP_CLASSES).map(([k, v]) => [k.toLowerCase(), v])), 63);
export const ECN = named('ecn', { 'not-ect': 0, ect1: 1, ect0: 2, ce: 3 }, 3);
export const NFPROTO = named('nf_proto', { ipv4: 2, ipv6: 10 }, 255);
export const ETHERTYPE = named('ether_type', { ip: 0x0800, arp: 0x0806, ip6: 0x86dd, vlan: 0x8100 }, 0xffff);
export const FIB_ADDRTYPE = named('fib_addrtype', {
  unspec: 0, unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8,
}, 255);
export const DAY = named('day', { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 }, 6);
/// Device groups and route realms, named as Debian's /etc/iproute2/group and rt_realms name them.
export const DEVGROUP = named('devgroup', { default: 0 }, 0xffffffff);
export const REALM = named('realm', { cosmos: 0 }, 0xffffffff);
export const BOOL = named('boolean', { exists: 1, missing: 0, true: 1, false: 0 }, 1);

export const IFNAME: Datatype = {
  name: 'ifname', string: true,
  parse: (text) => text,
};

export const STRING: Datatype = { name: 'string', string: true, parse: (text) => text };

export const MAC: Datatype = {
  name: 'ether_addr', string: true, format: String,
  parse(text) {
    if (!/^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i.test(text)) throw new Error(`"${text}" is not a MAC address`);
    return text.toLowerCase().split(':').map((b) => b.padStart(2, '0')).join(':');
  },
};

/// `HH:MM[:SS]` as seconds of the day.
export const HOUR: Datatype = {
  name: 'hour', format: (v) => (typeof v === 'number' ? [v / 3600, (v / 60) % 60, v % 60].map((x) => String(Math.floor(x)).padStart(2, '0')).join(':') : v),
  parse(text) {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new Error(`"${text}" is not a time of day`);
    return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
  },
};

export const MARK: Datatype = { ...integer(32, 'mark'), format: (v) => (typeof v === 'number' ? `0x${v.toString(16).padStart(8, '0')}` : v) };
