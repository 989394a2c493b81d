import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('NOTRACK', () => {
  it('saves, lists, refuses outside raw, and untracks', () => {
    expect(saved('raw', 'OUTPUT', '-p udp -j NOTRACK')).toBe('-A OUTPUT -p udp -j NOTRACK');
    expect(listed('raw', 'PREROUTING', '-j NOTRACK')).toBe('NOTRACK');
    expect(error('filter', 'INPUT', '-j NOTRACK')).toMatch(/only valid in the raw table/);
    expect(error('mangle', 'PREROUTING', '-j NOTRACK')).toMatch(/only valid in the raw table/);
    const t = target('raw', 'PREROUTING', '-j NOTRACK');
    const ctx = testContext({ hook: 'PREROUTING', table: 'raw' });
    expect(t.module.apply(makePacket(), t.options, ctx)).toBe('CONTINUE');
    expect(ctx.notracked).toBe(true);
  });
});
