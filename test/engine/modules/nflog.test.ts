import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import type { Conn } from '../../../src/engine/model/conntrack';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void parseIPv4; void testContext; void error; void listed; void saved; void target;
const conn = (mark: number) => ({ mark } as unknown as Conn);
void conn;

describe('NFLOG', () => {
  it('saves and lists as iptables printed them', () => {
    expect(saved('filter', 'INPUT', '-j NFLOG')).toBe('-A INPUT -j NFLOG');
    expect(saved('filter', 'INPUT', '-j NFLOG --nflog-group 0')).toBe('-A INPUT -j NFLOG');
    expect(saved('filter', 'INPUT', '-j NFLOG --nflog-group 3 --nflog-prefix p --nflog-size 10 --nflog-threshold 5')).toBe('-A INPUT -j NFLOG --nflog-prefix p --nflog-group 3 --nflog-size 10 --nflog-threshold 5');
    expect(saved('filter', 'INPUT', '-j NFLOG --nflog-prefix "hi there" --nflog-group 2 --nflog-range 100')).toBe('-A INPUT -j NFLOG --nflog-prefix "hi there" --nflog-group 2');
    expect(listed('filter', 'INPUT', '-j NFLOG --nflog-prefix "hi there" --nflog-group 2')).toBe('nflog-prefix "hi there" nflog-group 2');
    expect(listed('filter', 'INPUT', String.raw`-j NFLOG --nflog-prefix "a\"b c"`)).toBe(String.raw`nflog-prefix "a\"b c"`);
    expect(listed('filter', 'INPUT', '-j NFLOG --nflog-size 0')).toBe('nflog-size 0');
    expect(listed('filter', 'INPUT', '-j NFLOG')).toBe('');
  });
  it('refuses bad values', () => {
    expect(error('filter', 'INPUT', '-j NFLOG --nflog-group 65536')).toBe('NFLOG: bad value for option "--nflog-group", or out of range (0-65535).');
    expect(error('filter', 'INPUT', '-j NFLOG --nflog-range 10 --nflog-size 20')).toBe('NFLOG: option "--nflog-range" cannot be used together with "--nflog-size".');
  });
  it('logs the packet with its prefix and continues', () => {
    const t = target('filter', 'OUTPUT', '-j NFLOG --nflog-prefix "out "');
    const ctx = testContext({ hook: 'OUTPUT' });
    const pkt = makePacket({ src: parseIPv4('10.0.0.1')!, dst: parseIPv4('10.0.0.2')!, proto: 17, sport: 1, dport: 2, length: 28, oif: 'eth0' });
    expect(t.module.apply(pkt, t.options, ctx)).toBe('CONTINUE');
    expect(ctx.logs).toEqual(['out IN= OUT=eth0 SRC=10.0.0.1 DST=10.0.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=UDP SPT=1 DPT=2 LEN=8 ']);
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'log prefix "out " group 0' });
  });
});
