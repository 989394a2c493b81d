import { describe, expect, it } from 'vitest';
import { makePacket, TCP } from '../../../src/engine/model/packet';
import type { XlateContext } from '../../../src/engine/modules/types';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';

describe('SYNPROXY', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('filter', 'INPUT', '-p tcp -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460')).toBe('-A INPUT -p tcp -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460');
    expect(listed('filter', 'INPUT', '-p tcp -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460')).toBe('SYNPROXY sack-perm timestamp wscale 7 mss 1460 ');
    expect(saved('filter', 'INPUT', '-p tcp -j SYNPROXY --ecn --mss 1460')).toBe('-A INPUT -p tcp -j SYNPROXY --mss 1460 --ecn');
    expect(listed('filter', 'FORWARD', '-p tcp -j SYNPROXY')).toBe('SYNPROXY ');
    // The structure holds 8 and 16 bits.
    expect(saved('filter', 'INPUT', '-p tcp -j SYNPROXY --wscale 256 --mss 65536')).toBe('-A INPUT -p tcp -j SYNPROXY --wscale 0 --mss 0');
  });
  it('refuses what iptables and the kernel refuse', () => {
    expect(error('filter', 'INPUT', '-p tcp -j SYNPROXY --wscale x')).toBe('SYNPROXY: bad value for option "--wscale", or out of range (0-4294967295).');
    expect(error('filter', 'INPUT', '-p tcp -j SYNPROXY --mss x')).toBe('SYNPROXY: bad value for option "--mss", or out of range (0-4294967295).');
    expect(error('filter', 'INPUT', '-j SYNPROXY --mss 1460')).toMatch(/only valid with -p tcp/);
    expect(error('filter', 'OUTPUT', '-p tcp -j SYNPROXY')).toBe('SYNPROXY target is only valid in INPUT, FORWARD');
  });
  it('consumes a SYN and a bare ACK (the proxy answers them), lets other segments continue', () => {
    const t = target('filter', 'INPUT', '-p tcp -j SYNPROXY --mss 1460');
    const seg = (flags: number) => t.module.apply(makePacket({ proto: 6, flags }), t.options, testContext());
    expect([seg(TCP.SYN), seg(TCP.ACK), seg(TCP.ACK | TCP.PSH), seg(TCP.SYN | TCP.ACK), seg(TCP.RST), seg(TCP.FIN | TCP.ACK)]).toEqual(['DROP', 'DROP', 'DROP', 'CONTINUE', 'CONTINUE', 'CONTINUE']);
    expect(t.module.xlate!(t.options)).toMatchObject({ nft: 'synproxy mss 1460' });
    // nft's synproxy takes any SYN and any ACK (nft-origins/synproxy-fin-ack-goes-on): idiomatic hands it only these.
    expect(t.module.xlate!(t.options, { flavour: 'idiomatic' } as XlateContext)).toEqual({ nft: 'tcp flags & (fin | syn | rst | ack) { syn, ack } synproxy mss 1460' });
  });
  it('answers a SYN with a SYN/ACK offering the options asked for that the client sent (60 and 40 bytes as recorded)', () => {
    const answer = (spec: string, tcpOptions: number[]) => {
      const t = target('filter', 'INPUT', `-p tcp -j SYNPROXY ${spec}`);
      const sent: { pkt: ReturnType<typeof makePacket>; what: string }[] = [];
      const syn = makePacket({ proto: 6, flags: TCP.SYN, src: 1, dst: 2, sport: 40000, dport: 22, tcpOptions });
      t.module.apply(syn, t.options, testContext({ answer: (pkt, what) => sent.push({ pkt, what }) }));
      const [{ pkt, what }] = sent;
      return { what, src: pkt.src, dst: pkt.dst, sport: pkt.sport, dport: pkt.dport, flags: pkt.flags, tcpOptions: pkt.tcpOptions, length: pkt.length, mss: pkt.mss };
    };
    expect(answer('--sack-perm --timestamp --wscale 7 --mss 1460', [2, 4, 8, 3])).toEqual({
      what: 'tcp SYN,ACK', src: 2, dst: 1, sport: 22, dport: 40000, flags: TCP.SYN | TCP.ACK, tcpOptions: [2, 4, 8, 3], length: 60, mss: 1460,
    });
    expect(answer('--mss 1400', [])).toMatchObject({ tcpOptions: [], length: 40, mss: null });
    // Without timestamps the cookie cannot keep window scaling or SACK.
    expect(answer('--sack-perm --wscale 7 --mss 1460', [2, 4, 3])).toMatchObject({ tcpOptions: [2], length: 44 });
    expect(target('filter', 'INPUT', '-p tcp -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460 --ecn').module.xlate!(target<unknown>('filter', 'INPUT', '-p tcp -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460 --ecn').options))
      .toMatchObject({ nft: 'synproxy sack-perm timestamp wscale 7 mss 1460 ecn', note: expect.stringMatching(/^nft's synproxy also takes a SYN with ACK/) });
  });
});
