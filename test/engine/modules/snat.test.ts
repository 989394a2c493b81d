import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void parseIPv4; void testContext; void error; void listed; void saved; void target;
const ip = (s: string) => parseIPv4(s)!;
void ip;

describe('SNAT', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('nat', 'POSTROUTING', '-j SNAT --to-source 1.2.3.4')).toBe('-A POSTROUTING -j SNAT --to-source 1.2.3.4');
    expect(saved('nat', 'INPUT', '-j SNAT --to 1.2.3.4')).toBe('-A INPUT -j SNAT --to-source 1.2.3.4');
    expect(saved('nat', 'POSTROUTING', '-p tcp -j SNAT --to-source 1.2.3.4:1000-2000 --persistent --random-fully --random'))
      .toBe('-A POSTROUTING -p tcp -j SNAT --to-source 1.2.3.4:1000-2000 --random --random-fully --persistent');
    expect(listed('nat', 'POSTROUTING', '-p tcp -j SNAT --to-source 1.2.3.4:1000-2000 --random-fully')).toBe('to:1.2.3.4:1000-2000 random-fully');
    expect(listed('nat', 'POSTROUTING', '-p tcp -j SNAT --to-source 1.2.3.4-1.2.3.6 --persistent')).toBe('to:1.2.3.4-1.2.3.6 persistent');
  });
  it('refuses what iptables refuses', () => {
    expect(error('nat', 'POSTROUTING', '-j SNAT')).toBe('SNAT: option "--to-source" must be specified');
    expect(error('nat', 'PREROUTING', '-j SNAT --to-source 1.2.3.4')).toMatch(/SNAT target is only valid in POSTROUTING, INPUT/);
  });
  it('asks for the binding', () => {
    const t = target('nat', 'POSTROUTING', '-p udp -j SNAT --to-source 1.2.3.4:1000');
    const ctx = testContext({ hook: 'POSTROUTING' });
    expect(t.module.apply(makePacket({ proto: 17 }), t.options, ctx)).toBe('ACCEPT');
    expect(ctx.nats).toEqual([{ kind: 'snat', minAddr: ip('1.2.3.4'), maxAddr: ip('1.2.3.4'), minPort: 1000, maxPort: 1000, random: false, persistent: false }]);
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'snat to 1.2.3.4:1000' });
  });
});
