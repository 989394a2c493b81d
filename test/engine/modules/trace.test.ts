import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('TRACE', () => {
  it('is accepted in every table by iptables-nft, saves bare and changes nothing', () => {
    expect(saved('raw', 'PREROUTING', '-j TRACE')).toBe('-A PREROUTING -j TRACE');
    expect(saved('filter', 'INPUT', '-j TRACE')).toBe('-A INPUT -j TRACE');
    expect(saved('mangle', 'PREROUTING', '-j TRACE')).toBe('-A PREROUTING -j TRACE');
    expect(listed('raw', 'OUTPUT', '-j TRACE')).toBe('');
    const t = target('raw', 'OUTPUT', '-j TRACE');
    const pkt = makePacket({ mark: 3 });
    expect(t.module.apply(pkt, t.options, testContext())).toBe('CONTINUE');
    expect(pkt).toEqual(makePacket({ mark: 3 }));
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'nftrace set 1' });
  });
});
