import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('AUDIT', () => {
  it('saves, lists and refuses as iptables does', () => {
    expect(saved('filter', 'INPUT', '-j AUDIT --type ACCEPT')).toBe('-A INPUT -j AUDIT --type accept');
    expect(listed('filter', 'INPUT', '-j AUDIT --type reject')).toBe('AUDIT reject');
    expect(error('filter', 'INPUT', '-j AUDIT --type foo')).toBe('Bad action type value "foo"');
    expect(error('filter', 'INPUT', '-j AUDIT')).toBe('AUDIT: option "--type" must be specified');
    const t = target('filter', 'INPUT', '-j AUDIT --type drop');
    expect(t.module.apply(makePacket(), t.options, testContext())).toBe('CONTINUE');
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'log level audit' });
  });
});
