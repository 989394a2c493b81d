// The line the kernel's syslog logger (net/netfilter/nf_log_syslog.c, IPv4) writes for a packet, without the
// syslog timestamp and level: what `-j LOG` puts in the kernel log, and what ulogd's LOGEMU writes for NFLOG.
//
// Field order and formats as the kernel prints them (Linux 6.x):
//   <prefix>IN=<in> OUT=<out> [MAC=<dst>:<src>:08:00 | MACSRC=<src> MACDST=<dst> MACPROTO=0800 ]   (MAC only with an input device)
//   SRC= DST= LEN= TOS=0x%02X PREC=0x%02X TTL= ID= [DF ][MF ][FRAG:<offset> ]
//   TCP:  PROTO=TCP SPT= DPT= [SEQ= ACK= ]WINDOW= RES=0x00 <CWR ECE URG ACK PSH RST SYN FIN> URGP=0 [OPT (<hex>) ]
//   UDP:  PROTO=UDP SPT= DPT= LEN=<udp length>
//   ICMP: PROTO=ICMP TYPE= CODE= then ID= SEQ= (echo), or the quoted packet in brackets (errors), MTU= (frag needed)
//   other: PROTO=<number>
//   [UID= GID= ] (--log-uid, local senders only) [MARK=0x%x ] (non-zero marks)
// Every field ends with a space, so the line does too, exactly as in the kernel log.
//
// What a Packet does not carry is filled from the options, with the values the kernel recorder's packets
// (scapy, tools/recorder/packets.py) have: TCP window 8192, no DF, ICMP echo sequence 0, TCP sequence numbers
// 0, and ICMP errors quoting 28 bytes of the original (so a quoted TCP header is INCOMPLETE [8 bytes]).
import { formatIPv4 } from '../model/addr';
import { TCP, type Packet, type Quoted } from '../model/packet';

export interface LogLineOptions {
  /// The rule's --log-prefix / --nflog-prefix, written as is before IN=.
  prefix?: string;
  /// Input device ('' or null when the hook has none: OUTPUT, POSTROUTING).
  inIface?: string | null;
  /// Output device ('' or null when the hook has none: PREROUTING, INPUT).
  outIface?: string | null;
  /// Link-layer addresses of an incoming frame; written only when there is an input device.
  macDst?: string | null;
  macSrc?: string | null;
  /// --log-macdecode: MACSRC= MACDST= MACPROTO= instead of MAC=.
  macDecode?: boolean;
  /// --log-tcp-sequence: SEQ= ACK=.
  tcpSequence?: boolean;
  /// --log-tcp-options: OPT (...) when the segment has options.
  tcpOptions?: boolean;
  /// --log-uid: UID= GID= for locally sent packets.
  uid?: boolean;
  /// Header fields a Packet does not hold.
  window?: number;
  seq?: number;
  ack?: number;
  df?: boolean;
  mf?: boolean;
  icmpSeq?: number;
  /// ICMP fragmentation-needed: the next-hop MTU.
  mtu?: number;
  /// Of a quoted packet (ICMP error): its IP total length, TTL and id, and how many bytes of its transport
  /// header the error carries (8 for the minimum quote of 28 bytes).
  quotedLength?: number;
  quotedTtl?: number;
  quotedId?: number;
  quotedTransportBytes?: number;
}

/// TCP option kinds as the recorder sends them (scapy): their bytes, then zero padding to 4-byte words.
const TCP_OPTION_BYTES: Record<number, number[]> = {
  1: [1],
  2: [2, 4, 0x05, 0xb4],
  3: [3, 3, 0],
  4: [4, 2],
  8: [8, 10, 0, 0, 0, 1, 0, 0, 0, 0],
};

function tcpOptionHex(kinds: readonly number[]): string {
  const bytes: number[] = [];
  for (const k of kinds) bytes.push(...(TCP_OPTION_BYTES[k] ?? [k, 2]));
  while (bytes.length % 4) bytes.push(0);
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

const hex2 = (n: number) => '0x' + n.toString(16).toUpperCase().padStart(2, '0');

const TRANSPORT_BYTES: Record<number, number> = { 6: 20, 17: 8, 136: 8, 1: 8 };

interface IpView {
  src: number;
  dst: number;
  proto: number;
  length: number;
  tos: number;
  ttl: number;
  id: number;
  df: boolean;
  mf: boolean;
  fragOffset: number;
}

function ipPart(ip: IpView): string {
  let s = `SRC=${formatIPv4(ip.src)} DST=${formatIPv4(ip.dst)} `;
  s += `LEN=${ip.length} TOS=${hex2(ip.tos & 0x1e)} PREC=${hex2(ip.tos & 0xe0)} TTL=${ip.ttl} ID=${ip.id} `;
  if (ip.df) s += 'DF ';
  if (ip.mf) s += 'MF ';
  if (ip.fragOffset) s += `FRAG:${ip.fragOffset} `;
  return s;
}

const FLAG_ORDER: [string, number][] = [
  ['CWR', TCP.CWR], ['ECE', TCP.ECE], ['URG', TCP.URG], ['ACK', TCP.ACK], ['PSH', TCP.PSH], ['RST', TCP.RST], ['SYN', TCP.SYN], ['FIN', TCP.FIN],
];

function tcpPart(sport: number, dport: number, flags: number, kinds: readonly number[], o: LogLineOptions): string {
  let s = `SPT=${sport} DPT=${dport} `;
  if (o.tcpSequence) s += `SEQ=${o.seq ?? 0} ACK=${o.ack ?? 0} `;
  s += `WINDOW=${o.window ?? 8192} RES=0x00 `;
  for (const [name, bit] of FLAG_ORDER) if (flags & bit) s += `${name} `;
  s += 'URGP=0 ';
  if (o.tcpOptions && kinds.length) s += `OPT (${tcpOptionHex(kinds)}) `;
  return s;
}

function quotedPart(q: Quoted, o: LogLineOptions): string {
  const tbytes = o.quotedTransportBytes ?? 8;
  const length = o.quotedLength ?? 20 + (TRANSPORT_BYTES[q.proto] ?? 0);
  let s = ipPart({ src: q.src, dst: q.dst, proto: q.proto, length, tos: 0, ttl: o.quotedTtl ?? 64, id: o.quotedId ?? 0, df: false, mf: false, fragOffset: 0 });
  switch (q.proto) {
    case 6:
      s += 'PROTO=TCP ';
      if (tbytes < 20) return s + `INCOMPLETE [${tbytes} bytes] `;
      return s + tcpPart(q.sport, q.dport, TCP.SYN, [], { window: o.window });
    case 17:
    case 136:
      s += q.proto === 17 ? 'PROTO=UDP ' : 'PROTO=UDPLITE ';
      if (tbytes < 8) return s + `INCOMPLETE [${tbytes} bytes] `;
      return s + `SPT=${q.sport} DPT=${q.dport} LEN=${length - 20} `;
    case 1: {
      s += 'PROTO=ICMP ';
      if (tbytes < 8) return s + `INCOMPLETE [${tbytes} bytes] `;
      const type = q.icmpType ?? 8;
      s += `TYPE=${type} CODE=0 `;
      if (type === 0 || type === 8) s += `ID=${q.icmpId ?? 0} SEQ=0 `;
      return s;
    }
    default:
      return s + `PROTO=${q.proto} `;
  }
}

/// The kernel's LOG line for `pkt`, as dmesg shows it after the timestamp.
export function formatLogLine(pkt: Packet, o: LogLineOptions = {}): string {
  const inIface = o.inIface ?? '';
  let s = `${o.prefix ?? ''}IN=${inIface} OUT=${o.outIface ?? ''} `;
  if (inIface) {
    const dst = o.macDst ?? '00:00:00:00:00:00';
    const src = o.macSrc ?? '00:00:00:00:00:00';
    s += o.macDecode ? `MACSRC=${src} MACDST=${dst} MACPROTO=0800 ` : `MAC=${dst}:${src}:08:00 `;
  }
  s += ipPart({ ...pkt, df: o.df ?? false, mf: o.mf ?? false });
  const fragment = pkt.fragOffset !== 0;
  switch (pkt.proto) {
    case 6:
      s += 'PROTO=TCP ';
      if (!fragment) s += tcpPart(pkt.sport, pkt.dport, pkt.flags, pkt.tcpOptions, o);
      break;
    case 17:
    case 136:
      s += pkt.proto === 17 ? 'PROTO=UDP ' : 'PROTO=UDPLITE ';
      if (!fragment) s += `SPT=${pkt.sport} DPT=${pkt.dport} LEN=${pkt.length - 20} `;
      break;
    case 1:
      s += 'PROTO=ICMP ';
      if (fragment) break;
      s += `TYPE=${pkt.icmpType} CODE=${pkt.icmpCode} `;
      if (pkt.icmpType === 0 || pkt.icmpType === 8) s += `ID=${pkt.icmpId} SEQ=${o.icmpSeq ?? 0} `;
      else if (pkt.icmpType === 12) s += 'PARAMETER=0 ';
      else if (pkt.icmpType === 3 || pkt.icmpType === 4 || pkt.icmpType === 5 || pkt.icmpType === 11) {
        if (pkt.icmpType === 5) s += 'GATEWAY=0.0.0.0 ';
        if (pkt.inner) s += `[${quotedPart(pkt.inner, o)}] `;
        if (pkt.icmpType === 3 && pkt.icmpCode === 4) s += `MTU=${o.mtu ?? 0} `;
      }
      break;
    case 51:
      if (!fragment) s += 'PROTO=AH SPI=0x0 ';
      break;
    case 50:
      s += 'PROTO=ESP ';
      if (!fragment) s += 'SPI=0x0 ';
      break;
    default:
      s += `PROTO=${pkt.proto} `;
  }
  if (o.uid && pkt.uid !== null) s += `UID=${pkt.uid} GID=${pkt.gid ?? 0} `;
  if (pkt.mark) s += `MARK=0x${(pkt.mark >>> 0).toString(16)} `;
  return s;
}

/// The devices the kernel passes to the logger at each hook: no output device before routing, no input
/// device for locally generated packets and after routing (POSTROUTING).
export function hookDevices(hook: string, pkt: Packet): { inIface: string; outIface: string } {
  const inIface = hook === 'PREROUTING' || hook === 'INPUT' || hook === 'FORWARD' ? pkt.iif ?? '' : '';
  const outIface = hook === 'FORWARD' || hook === 'OUTPUT' || hook === 'POSTROUTING' ? pkt.oif ?? '' : '';
  return { inIface, outIface };
}

/// The destination MAC of an incoming frame: the interface's own, or the group address it was sent to.
export function frameDestination(pkt: Packet, ifaceMac: string): string {
  if (pkt.pkttype === 'broadcast') return 'ff:ff:ff:ff:ff:ff';
  if (pkt.pkttype === 'multicast') {
    const a = pkt.dst;
    const h = (n: number) => n.toString(16).padStart(2, '0');
    return `01:00:5e:${h((a >>> 16) & 0x7f)}:${h((a >>> 8) & 0xff)}:${h(a & 0xff)}`;
  }
  return ifaceMac;
}
