import { describe, expect, it } from 'vitest';
import { makePacket, TCP } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { formatLogLine } from '../../../src/engine/sim/log-line';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';

const ip = (s: string) => parseIPv4(s)!;

describe('LOG', () => {
  it('saves as iptables-save printed it', () => {
    expect(saved('filter', 'INPUT', '-j LOG')).toBe('-A INPUT -j LOG');
    expect(saved('filter', 'INPUT', '-j LOG --log-level warning')).toBe('-A INPUT -j LOG');
    expect(saved('filter', 'INPUT', '-j LOG --log-level debug')).toBe('-A INPUT -j LOG --log-level 7');
    expect(saved('filter', 'INPUT', '-j LOG --log-level panic')).toBe('-A INPUT -j LOG --log-level 0');
    expect(saved('filter', 'INPUT', '-j LOG --log-level error')).toBe('-A INPUT -j LOG --log-level 3');
    expect(saved('filter', 'INPUT', '-j LOG --log-prefix "abc "')).toBe('-A INPUT -j LOG --log-prefix "abc "');
    expect(saved('filter', 'INPUT', '-j LOG --log-prefix a_b-c')).toBe('-A INPUT -j LOG --log-prefix a_b-c');
    expect(saved('filter', 'INPUT', '-j LOG --log-prefix a.b')).toBe('-A INPUT -j LOG --log-prefix "a.b"');
    expect(saved('filter', 'INPUT', String.raw`-j LOG --log-prefix "a\"b"`)).toBe(String.raw`-A INPUT -j LOG --log-prefix "a\"b"`);
    expect(saved('filter', 'INPUT', '-j LOG --log-prefix 123456789012345678901234567890')).toBe('-A INPUT -j LOG --log-prefix 12345678901234567890123456789');
    expect(saved('filter', 'INPUT', '-j LOG --log-macdecode --log-uid --log-ip-options --log-tcp-options --log-tcp-sequence --log-level 1 --log-prefix x'))
      .toBe('-A INPUT -j LOG --log-prefix x --log-level 1 --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid --log-macdecode');
  });

  it('lists as iptables -L printed it', () => {
    expect(listed('filter', 'INPUT', '-j LOG')).toBe('LOG flags 0 level 4');
    expect(listed('filter', 'INPUT', '-j LOG --log-prefix "abc "')).toBe('LOG flags 0 level 4 prefix "abc "');
    expect(listed('filter', 'INPUT', String.raw`-j LOG --log-prefix "a\"b"`)).toBe('LOG flags 0 level 4 prefix "a"b"');
    expect(listed('filter', 'INPUT', '-j LOG --log-prefix x --log-level 1 --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid --log-macdecode'))
      .toBe('LOG flags 47 level 1 prefix "x"');
    expect(listed('filter', 'INPUT', '-j LOG --log-uid --log-ip-options')).toBe('LOG flags 12 level 4');
  });

  it('refuses what iptables refuses', () => {
    expect(error('filter', 'INPUT', '-j LOG --log-level warn')).toBe('log level "warn" unknown');
    expect(error('filter', 'INPUT', '-j LOG --log-level err')).toBe('log level "err" unknown');
    expect(error('filter', 'INPUT', '-j LOG --log-level 8')).toBe('log level "8" unknown');
    expect(error('filter', 'INPUT', '-j LOG --log-prefix ""')).toBe('Argument must have a minimum length of 1 characters');
  });

  it('writes the kernel line for an incoming TCP SYN', () => {
    const t = target('filter', 'INPUT', '-j LOG --log-prefix "IN-DROP: "');
    const ctx = testContext();
    const pkt = makePacket({ src: ip('198.51.100.7'), dst: ip('10.0.0.1'), proto: 6, sport: 40000, dport: 22, flags: TCP.SYN, length: 40, id: 4097, iif: 'eth0', macSrc: '02:00:00:00:01:01' });
    expect(t.module.apply(pkt, t.options, ctx)).toBe('CONTINUE');
    expect(ctx.logs).toEqual([
      'IN-DROP: IN=eth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:01:01:08:00 SRC=198.51.100.7 DST=10.0.0.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=4097 PROTO=TCP SPT=40000 DPT=22 WINDOW=8192 RES=0x00 SYN URGP=0 ',
    ]);
  });

  it('writes sequence numbers, options, uid and mark for a local packet in OUTPUT', () => {
    const t = target('filter', 'OUTPUT', '-j LOG --log-tcp-sequence --log-tcp-options --log-uid');
    const ctx = testContext({ hook: 'OUTPUT' });
    const pkt = makePacket({ src: ip('10.0.0.1'), dst: ip('192.0.2.1'), proto: 6, sport: 5000, dport: 443, flags: TCP.SYN | TCP.ACK, tcpOptions: [2], length: 44, oif: 'eth0', uid: 1000, gid: 100, mark: 0x2a, tos: 0xb8 });
    t.module.apply(pkt, t.options, ctx);
    expect(ctx.logs).toEqual([
      'IN= OUT=eth0 SRC=10.0.0.1 DST=192.0.2.1 LEN=44 TOS=0x18 PREC=0xA0 TTL=64 ID=0 PROTO=TCP SPT=5000 DPT=443 SEQ=0 ACK=0 WINDOW=8192 RES=0x00 ACK SYN URGP=0 OPT (020405B4) UID=1000 GID=100 MARK=0x2a ',
    ]);
  });

  it('writes MACSRC/MACDST with --log-macdecode and both devices in FORWARD', () => {
    const t = target('filter', 'FORWARD', '-j LOG --log-macdecode');
    const ctx = testContext({ hook: 'FORWARD' });
    const pkt = makePacket({ src: ip('10.0.0.5'), dst: ip('203.0.113.9'), proto: 17, sport: 5353, dport: 53, length: 28, iif: 'eth1', oif: 'eth0', macSrc: '02:00:00:00:02:05' });
    t.module.apply(pkt, t.options, ctx);
    expect(ctx.logs).toEqual([
      'IN=eth1 OUT=eth0 MACSRC=02:00:00:00:02:05 MACDST=02:00:00:00:00:01 MACPROTO=0800 SRC=10.0.0.5 DST=203.0.113.9 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=UDP SPT=5353 DPT=53 LEN=8 ',
    ]);
  });

  it('formats ICMP echo and errors with the quoted packet', () => {
    const echo = makePacket({ src: ip('10.0.0.5'), dst: ip('10.0.0.1'), proto: 1, icmpType: 8, icmpId: 7, length: 28, iif: 'eth1', macSrc: '02:00:00:00:02:05' });
    expect(formatLogLine(echo, { inIface: 'eth1', macDst: '02:00:00:00:00:02', macSrc: '02:00:00:00:02:05' }))
      .toBe('IN=eth1 OUT= MAC=02:00:00:00:00:02:02:00:00:00:02:05:08:00 SRC=10.0.0.5 DST=10.0.0.1 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=0 ');
    const err = makePacket({ src: ip('10.0.0.1'), dst: ip('10.0.0.5'), proto: 1, icmpType: 3, icmpCode: 3, length: 56,
      inner: { src: ip('10.0.0.5'), dst: ip('10.0.0.1'), proto: 17, sport: 5353, dport: 53 } });
    expect(formatLogLine(err, { outIface: 'eth1' }))
      .toBe('IN= OUT=eth1 SRC=10.0.0.1 DST=10.0.0.5 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.0.0.5 DST=10.0.0.1 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=UDP SPT=5353 DPT=53 LEN=8 ] ');
    const tcpErr = makePacket({ src: ip('10.0.0.1'), dst: ip('10.0.0.5'), proto: 1, icmpType: 3, icmpCode: 4, length: 56,
      inner: { src: ip('10.0.0.5'), dst: ip('10.0.0.1'), proto: 6, sport: 20, dport: 80 } });
    expect(formatLogLine(tcpErr, { mtu: 1400 }))
      .toBe('IN= OUT= SRC=10.0.0.1 DST=10.0.0.5 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=ICMP TYPE=3 CODE=4 [SRC=10.0.0.5 DST=10.0.0.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=TCP INCOMPLETE [8 bytes] ] MTU=1400 ');
  });

  it('writes only the protocol for a later fragment and other protocols', () => {
    const frag = makePacket({ src: ip('1.2.3.4'), dst: ip('5.6.7.8'), proto: 6, fragOffset: 185, length: 100 });
    expect(formatLogLine(frag)).toBe('IN= OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=100 TOS=0x00 PREC=0x00 TTL=64 ID=0 FRAG:185 PROTO=TCP ');
    expect(formatLogLine(makePacket({ src: ip('1.2.3.4'), dst: ip('5.6.7.8'), proto: 47 }), { df: true }))
      .toBe('IN= OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=20 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=47 ');
  });

  it('translates', () => {
    const x = (spec: string) => { const t = target('filter', 'INPUT', spec); return t.module.xlate!(t.options); };
    expect(x('-j LOG --log-prefix "test: " --log-level 1')).toEqual({ nft: 'log prefix "test: " level alert' });
    expect(x('-j LOG --log-level 4')).toEqual({ nft: 'log' });
    expect(x('-j LOG --log-uid')).toEqual({ nft: 'log flags skuid' });
  });
});
