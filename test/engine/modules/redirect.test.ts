import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void parseIPv4; void testContext; void error; void listed; void saved; void target;
const ip = (s: string) => parseIPv4(s)!;
void ip;

describe('REDIRECT', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('nat', 'PREROUTING', '-p tcp -j REDIRECT')).toBe('-A PREROUTING -p tcp -j REDIRECT');
    expect(saved('nat', 'PREROUTING', '-p tcp -j REDIRECT --random --to-ports 5')).toBe('-A PREROUTING -p tcp -j REDIRECT --to-ports 5 --random');
    expect(listed('nat', 'PREROUTING', '-p tcp -j REDIRECT --to-ports 8080-8090 --random')).toBe('redir ports 8080-8090 random');
    expect(listed('nat', 'OUTPUT', '-p tcp -j REDIRECT --to-ports 8080')).toBe('redir ports 8080');
    expect(listed('nat', 'PREROUTING', '-p tcp -j REDIRECT')).toBe('');
  });
  it('refuses what iptables refuses', () => {
    expect(error('nat', 'PREROUTING', '-j REDIRECT --to-ports 8080')).toBe('Need TCP, UDP, SCTP or DCCP with port specification');
    expect(error('nat', 'POSTROUTING', '-p tcp -j REDIRECT --to-ports 8080')).toMatch(/only valid in PREROUTING, OUTPUT/);
    expect(error('nat', 'PREROUTING', '-p tcp -j REDIRECT --to-ports x')).toBe("Port `x' not valid");
  });
  it('asks for the binding', () => {
    const t = target('nat', 'PREROUTING', '-p tcp -j REDIRECT --to-ports 3128');
    const ctx = testContext({ hook: 'PREROUTING' });
    expect(t.module.apply(makePacket({ proto: 6 }), t.options, ctx)).toBe('ACCEPT');
    expect(ctx.nats).toEqual([{ kind: 'redirect', minPort: 3128, maxPort: 3128, random: false }]);
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'redirect to :3128' });
  });
});
