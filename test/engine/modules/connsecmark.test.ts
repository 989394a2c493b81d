import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('CONNSECMARK', () => {
  it('saves, lists and refuses as iptables does', () => {
    expect(saved('mangle', 'INPUT', '-j CONNSECMARK --save')).toBe('-A INPUT -j CONNSECMARK --save');
    expect(saved('security', 'INPUT', '-j CONNSECMARK --restore')).toBe('-A INPUT -j CONNSECMARK --restore');
    expect(listed('mangle', 'INPUT', '-j CONNSECMARK --restore')).toBe('CONNSECMARK restore');
    expect(error('filter', 'INPUT', '-j CONNSECMARK --restore')).toMatch(/only valid in the mangle\/security table/);
    expect(error('mangle', 'INPUT', '-j CONNSECMARK --save --restore')).toBe('CONNSECMARK: option "--save" cannot be used together with "--restore".');
  });
});
