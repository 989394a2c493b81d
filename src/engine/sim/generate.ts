// Packets the host makes in answer to another: REJECT's TCP reset or ICMP error, and the ICMP errors of
// forwarding (time exceeded, unreachable). Built as nf_reject_ipv4 and icmp_send build them.
import { makePacket, TCP, type Packet } from '../model/packet';
import type { RejectWith } from '../modules/types';
import { ICMP_ERRORS } from './conntrack';
import type { Host } from './host';

const UNREACH_CODE: Record<Exclude<RejectWith, 'tcp-reset'>, number> = {
  'icmp-net-unreachable': 0, 'icmp-host-unreachable': 1, 'icmp-proto-unreachable': 2, 'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9, 'icmp-host-prohibited': 10, 'icmp-admin-prohibited': 13,
};

export interface Generated {
  pkt: Packet;
  what: string;
}

export function makeReject(orig: Packet, kind: RejectWith, host: Host): Generated | null {
  if (kind !== 'tcp-reset') return makeIcmpError(orig, 3, UNREACH_CODE[kind], host);
  // No reset for a reset, nor for a later fragment.
  if (orig.proto !== 6 || orig.flags & TCP.RST || orig.fragOffset) return null;
  const pkt = makePacket({
    src: orig.dst, dst: orig.src, proto: 6, sport: orig.dport, dport: orig.sport,
    flags: orig.flags & TCP.ACK ? TCP.RST : TCP.RST | TCP.ACK, length: 40, ttl: 64,
  });
  return { pkt, what: `tcp ${orig.flags & TCP.ACK ? 'RST' : 'RST,ACK'}` };
}

/// icmp_send: never about an ICMP error, a broadcast or multicast, or a later fragment. It quotes the IP
/// header and 8 bytes, within the 576 bytes an error may take.
export function makeIcmpError(orig: Packet, type: number, code: number, host: Host): Generated | null {
  if (orig.proto === 1 && ICMP_ERRORS.has(orig.icmpType)) return null;
  if (orig.fragOffset || orig.pkttype === 'broadcast' || orig.pkttype === 'multicast' || orig.dst >>> 28 === 14) return null;
  const src = host.isLocal(orig.dst) ? orig.dst : host.sourceFor(orig.src);
  if (src === null) return null;
  const pkt = makePacket({
    src, dst: orig.src, proto: 1, icmpType: type, icmpCode: code, ttl: 64, kernelSocket: true,
    length: 28 + Math.min(orig.length, 576 - 28),
    inner: { src: orig.src, dst: orig.dst, proto: orig.proto, sport: orig.sport, dport: orig.dport, icmpType: orig.icmpType, icmpId: orig.icmpId },
  });
  return { pkt, what: `icmp ${type}/${code}` };
}
