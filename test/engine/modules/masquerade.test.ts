import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void parseIPv4; void testContext; void error; void listed; void saved; void target;
const ip = (s: string) => parseIPv4(s)!;
void ip;

describe('MASQUERADE', () => {
  it('saves and lists as the kernel printed them', () => {
    const cases: [string, string, string][] = [
      ['-j MASQUERADE', '-j MASQUERADE', ''],
      ['-p tcp -j MASQUERADE --to-ports 1000', '-p tcp -j MASQUERADE --to-ports 1000', 'masq ports: 1000'],
      ['-p tcp -j MASQUERADE --to-ports 1000-2000', '-p tcp -j MASQUERADE --to-ports 1000-2000', 'masq ports: 1000-2000'],
      ['-j MASQUERADE --random-fully', '-j MASQUERADE --random-fully', 'random-fully'],
      ['-p tcp -j MASQUERADE --random-fully --random --to-ports 5-6', '-p tcp -j MASQUERADE --to-ports 5-6 --random --random-fully', 'masq ports: 5-6 random random-fully'],
    ];
    for (const [spec, s, l] of cases) {
      expect(saved('nat', 'POSTROUTING', spec)).toBe(`-A POSTROUTING ${s}`);
      expect(listed('nat', 'POSTROUTING', spec)).toBe(l);
    }
  });
  it('refuses what iptables refuses', () => {
    expect(error('nat', 'POSTROUTING', '-j MASQUERADE --to-ports 1000')).toBe('Need TCP, UDP, SCTP or DCCP with port specification');
    expect(error('nat', 'PREROUTING', '-j MASQUERADE')).toMatch(/only valid in POSTROUTING/);
  });
  it('asks for the binding', () => {
    const t = target('nat', 'POSTROUTING', '-p tcp -j MASQUERADE --to-ports 1000-2000 --random');
    const ctx = testContext({ hook: 'POSTROUTING' });
    expect(t.module.apply(makePacket({ proto: 6 }), t.options, ctx)).toBe('ACCEPT');
    expect(ctx.nats).toEqual([{ kind: 'masquerade', minPort: 1000, maxPort: 2000, random: true }]);
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'masquerade to :1000-2000 random' });
  });
});
