import { formatIPv4 } from '../model/addr';
import { hasPorts, type Packet } from '../model/packet';
import type { Header } from '../model/trace';

/// The addresses and ports of a packet as the trace format writes them (ports only where the protocol has them).
export function headerOf(p: Packet): Header {
  const h: Header = { src: formatIPv4(p.src), dst: formatIPv4(p.dst) };
  if (hasPorts(p.proto)) {
    h.sport = p.sport;
    h.dport = p.dport;
  }
  return h;
}

export function sameHeader(a: Header, b: Header): boolean {
  return a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport;
}
