// nft's `dup` and `synproxy` statements: what the engine does for -j TEE and -j SYNPROXY (the same kernel
// code, nf_dup_ipv4 and nf_synproxy), with nft's own choice of packets for synproxy.
import { parseIPv4 } from '../../engine/model/addr';
import { TCP, type Packet } from '../../engine/model/packet';
import type { MatchContext } from '../../engine/modules/types';
import { synAck, type SynproxyOptions } from '../../engine/modules/targets/synproxy';
import type { Cursor } from './lex';

type Outcome = boolean | { kind: 'drop'; label: string };
type Step = (pkt: Packet, ctx: MatchContext) => Outcome;

/// `dup to ADDR [device DEV]`: a copy to the gateway, the packet goes on (nft_dup_ipv4).
export function dup(c: Cursor, unsimulated: (what: string, why: string) => void): Step {
  c.i++;
  c.expect('to');
  const t = c.next('address');
  const gw = t.quoted ? null : parseIPv4(t.text);
  let dev: string | null = null;
  if (c.eat('device')) dev = c.next('device').text;
  if (gw === null) {
    // `dup to ip saddr map { ... }` and the like.
    while (!c.done()) c.i++;
    return () => {
      unsimulated('dup', 'dup to an address taken from a map is not simulated: nfplay goes on as if it did nothing');
      return true;
    };
  }
  return (_p, ctx) => {
    ctx.duplicate?.(gw, dev);
    return true;
  };
}

const SYNPROXY = { kind: 'drop', label: 'SYNPROXY' } as const;

/// `synproxy [mss N] [wscale N] [timestamp] [sack-perm]` (nft_synproxy_eval): unlike -j SYNPROXY it answers
/// any segment with SYN set, and checks the cookie of any other with ACK set (none is valid in a scenario:
/// dropped); other TCP segments go on, anything else breaks the rule.
export function synproxy(c: Cursor, unsimulated: (what: string, why: string) => void): Step {
  c.i++;
  const o: SynproxyOptions = { sackPerm: false, timestamp: false, wscale: null, mss: null, ecn: false };
  for (;;) {
    if (c.eat('mss')) o.mss = Number(c.next('mss').text) & 0xffff;
    else if (c.eat('wscale')) o.wscale = Number(c.next('wscale').text) & 0xff;
    else if (c.eat('timestamp')) o.timestamp = true;
    else if (c.eat('sack-perm')) o.sackPerm = true;
    else if (c.is('name') || c.is('map')) {
      while (!c.done()) c.i++;
      return () => {
        unsimulated('synproxy', 'a synproxy object is not simulated: nfplay goes on as if it did nothing');
        return true;
      };
    } else break;
  }
  return (p, ctx) => {
    if (p.proto !== 6) return false;
    if (p.flags & TCP.SYN) {
      ctx.answer?.(synAck(p, o), 'tcp SYN,ACK');
      return SYNPROXY;
    }
    return p.flags & TCP.ACK ? SYNPROXY : true;
  };
}
