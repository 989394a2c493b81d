// -j SYNPROXY: answer a client's SYN with a SYN cookie and open the connection to the server only once
// the client's ACK proves the cookie (xt_SYNPROXY). INPUT and FORWARD, -p tcp only. Kernel-recorded
// (test/kernel/cases/modules-more/synproxy-*): the SYN is taken and a SYN/ACK goes back through OUTPUT,
// carrying the SYN's connection as an established reply (none when the SYN was untracked: it is then
// INVALID there); a bare ACK without a valid cookie is dropped; other segments go on.
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { makePacket, TCP, type Packet } from '../../model/packet';
import { cUint, U32 } from '../c-number';

export interface SynproxyOptions {
  sackPerm: boolean;
  timestamp: boolean;
  /// Kept in 8 bits as the kernel's structure holds it (--wscale 256 is 0).
  wscale: number | null;
  /// Kept in 16 bits (--mss 65536 is 0).
  mss: number | null;
  ecn: boolean;
}

function uint(v: string, option: string, bits: number): number {
  const n = cUint(v, U32);
  if (n === null) throw new OptionError(`SYNPROXY: bad value for option "--${option}", or out of range (0-4294967295).`);
  return Number(n) % 2 ** bits;
}

function words(o: SynproxyOptions): string[] {
  const out: string[] = [];
  if (o.sackPerm) out.push('sack-perm');
  if (o.timestamp) out.push('timestamp');
  if (o.wscale !== null) out.push(`wscale ${o.wscale}`);
  if (o.mss !== null) out.push(`mss ${o.mss}`);
  if (o.ecn) out.push('ecn');
  return out;
}

/// The SYN/ACK with the cookie (synproxy_send_client_synack): the client's options the proxy is told to
/// offer, MSS only when the client sent one; without timestamps (where the cookie keeps them) no window
/// scaling or SACK either.
export function synAck(syn: Packet, o: SynproxyOptions): Packet {
  const sent = new Set(syn.tcpOptions);
  const mss = sent.has(2) && o.mss !== null;
  const ts = sent.has(8) && o.timestamp;
  const sack = ts && sent.has(4) && o.sackPerm;
  const wscale = ts && sent.has(3) && o.wscale !== null;
  const tcpOptions = [...(mss ? [2] : []), ...(sack ? [4] : []), ...(ts ? [8] : []), ...(wscale ? [3] : [])];
  // Aligned sizes: MSS 4, SACK-permitted with the timestamp 12 (alone 4), window scale 4.
  const bytes = (mss ? 4 : 0) + (ts ? 12 : sack ? 4 : 0) + (wscale ? 4 : 0);
  return makePacket({
    src: syn.dst, dst: syn.src, proto: 6, sport: syn.dport, dport: syn.sport, flags: TCP.SYN | TCP.ACK, ttl: 64,
    tcpOptions, mss: mss ? o.mss : null, length: 40 + bytes,
  });
}

export const synproxy: TargetModule<SynproxyOptions> = {
  kind: 'target',
  name: 'SYNPROXY',
  help: 'Answer SYNs with SYN cookies and connect to the server once the client\'s ACK proves one. INPUT and FORWARD, -p tcp.',
  simulated: 'the cookie is not modelled: the SYN/ACK goes back, but no scenario ACK can prove the cookie, so it is dropped and the connection to the server is never opened',
  label: 'SYNPROXY',
  hooks: ['INPUT', 'FORWARD'],
  options: [
    { name: 'sack-perm', args: 0, help: 'Offer selective acknowledgement, as the server does.' },
    { name: 'timestamp', args: 0, help: 'Offer TCP timestamps, as the server does.' },
    { name: 'wscale', parse: ([v]) => uint(v, 'wscale', 8), help: 'The server\'s window scale.' },
    { name: 'mss', parse: ([v]) => uint(v, 'mss', 16), help: 'The server\'s maximum segment size.' },
    { name: 'ecn', args: 0, help: 'Offer ECN, as the server does.' },
  ],
  finalize(p, rule) {
    if (rule.proto !== 6 || rule.protoInv) throw new OptionError('SYNPROXY is only valid with -p tcp (the kernel refuses the rule: Invalid argument)');
    return {
      sackPerm: !!p['sack-perm'], timestamp: !!p.timestamp, wscale: p.wscale?.value ?? null, mss: p.mss?.value ?? null, ecn: !!p.ecn,
    };
  },
  apply(pkt, o, ctx) {
    const f = pkt.flags;
    if (f & TCP.SYN && !(f & (TCP.ACK | TCP.FIN | TCP.RST))) {
      ctx.answer?.(synAck(pkt, o), 'tcp SYN,ACK');
      return 'DROP';
    }
    if (f & TCP.ACK && !(f & (TCP.SYN | TCP.FIN | TCP.RST))) return 'DROP';
    return 'CONTINUE';
  },
  save: (o) => words(o).map((w) => `--${w}`).join(' '),
  // iptables -L ends the target's column with a space.
  list: (o) => `${['SYNPROXY', ...words(o)].join(' ')} `,
  // nft's synproxy answers any segment with SYN set and drops any other with ACK set (FIN/ACK, RST/ACK)
  // without a cookie, where -j SYNPROXY lets those go on: idiomatic hands it the bare SYNs and ACKs only.
  xlate: (o, ctx) => {
    const nft = ['synproxy', ...words(o)].join(' ');
    if (ctx?.flavour === 'idiomatic') return { nft: `tcp flags & (fin | syn | rst | ack) { syn, ack } ${nft}` };
    return { nft, note: 'nft\'s synproxy also takes a SYN with ACK, FIN or RST, and drops a FIN/ACK or RST/ACK that has no cookie, which -j SYNPROXY lets go on (the idiomatic translation adds `tcp flags & (fin | syn | rst | ack) { syn, ack }`)' };
  },
};
