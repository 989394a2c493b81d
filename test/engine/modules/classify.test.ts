import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('CLASSIFY', () => {
  it('saves zero-padded and lists bare, as the kernel printed them', () => {
    expect(saved('mangle', 'POSTROUTING', '-j CLASSIFY --set-class 1:a')).toBe('-A POSTROUTING -j CLASSIFY --set-class 0001:000a');
    expect(saved('filter', 'OUTPUT', '-j CLASSIFY --set-class 1:10')).toBe('-A OUTPUT -j CLASSIFY --set-class 0001:0010');
    expect(listed('mangle', 'POSTROUTING', '-j CLASSIFY --set-class ffff:ffff')).toBe('CLASSIFY set ffff:ffff');
    expect(listed('mangle', 'POSTROUTING', '-j CLASSIFY --set-class 1:a')).toBe('CLASSIFY set 1:a');
  });
  it('refuses what iptables refuses; parsed only', () => {
    expect(error('mangle', 'POSTROUTING', '-j CLASSIFY --set-class 10')).toBe('Bad class value "10"');
    expect(error('mangle', 'POSTROUTING', '-j CLASSIFY')).toBe('CLASSIFY: option "--set-class" must be specified');
    expect(error('mangle', 'PREROUTING', '-j CLASSIFY --set-class 1:10')).toMatch(/only valid in OUTPUT, FORWARD, POSTROUTING/);
    const t = target('mangle', 'POSTROUTING', '-j CLASSIFY --set-class 1:10');
    expect(typeof t.module.simulated).toBe('string');
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'meta priority set 1:10' });
  });
});
