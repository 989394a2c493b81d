// Transport headers the packet model carries as the first bytes of the payload (DCCP, ESP, AH: a scenario
// packet writes them there, as the kernel recorder sends them). nft reads a field with its payload
// expression only when the packet holds all of the field's bytes: a shorter header breaks the rule, as
// does another protocol or a later fragment (nft_payload_eval). The iptables matches drop such a packet
// instead (hotdrop): the translations check the length (src/engine/modules/spi.ts, dccp.ts).
import { payloadUint, type Packet } from '../../engine/model/packet';
import * as T from './datatypes';
import type { Datatype, Val } from './datatypes';

/// Big-endian `bytes` bytes at `at`, with `mask`/`shift` for a bit field; null when the payload is shorter.
function read(p: Packet, proto: number, at: number, bytes: number, shift = 0, mask = -1): Val | null {
  const v = p.proto === proto && p.fragOffset === 0 ? payloadUint(p.payload, at, bytes) : null;
  return v === null || mask < 0 ? v : (v >>> shift) & mask;
}

type Field = [Datatype, (p: Packet) => Val | null];
const field = (proto: number, dt: Datatype, at: number, bytes: number, shift = 0, mask = -1): Field =>
  [dt, (p) => read(p, proto, at, bytes, shift, mask)];

/// RFC 4340's generic header: ports, then the type in bits 3-6 of byte 8.
export const DCCP_FIELDS: Record<string, Field> = {
  sport: field(33, T.SERVICE, 0, 2),
  dport: field(33, T.SERVICE, 2, 2),
  type: field(33, T.DCCP_PKTTYPE, 8, 1, 1, 15),
};

export const ESP_FIELDS: Record<string, Field> = {
  spi: field(50, T.integer(32), 0, 4),
  sequence: field(50, T.integer(32), 4, 4),
};

export const AH_FIELDS: Record<string, Field> = {
  nexthdr: field(51, T.PROTO, 0, 1),
  hdrlength: field(51, T.integer(8), 1, 1),
  reserved: field(51, T.integer(16), 2, 2),
  spi: field(51, T.integer(32), 4, 4),
  sequence: field(51, T.integer(32), 8, 4),
};

/// `th sport`/`th dport` of a DCCP packet: its ports are in the payload.
export const dccpPort = (p: Packet, which: 'sport' | 'dport'): Val | null => DCCP_FIELDS[which][1](p);
