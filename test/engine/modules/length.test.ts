import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('length', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-m length --length 100')).toBe('-m length --length 100');
    expect(saved('-m length --length :200')).toBe('-m length --length 0:200');
    expect(saved('-m length --length 100:')).toBe('-m length --length 100:65535');
    expect(saved('-m length --length 0x10')).toBe('-m length --length 16');
    expect(saved('-m length --length 200:100')).toBe('-m length --length 200:100');
    expect(listed('-m length --length 100:200')).toBe('length 100:200');
    expect(listed('-m length ! --length 100:200')).toBe('length !100:200');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m length --length 65536')).toBe('length: bad value for option "--length" near "65536", or out of range (0-65535).');
    expect(error('-m length --length abc')).toBe('length: bad value for option "--length" near "abc", or out of range (0-65535).');
    expect(error('-m length --length 1:2:3')).toBe('length: Too many components for option "--length" (max: 2)');
    expect(error('-m length')).toBe('length: option "--length" must be specified');
  });
  it('matches the IP total length', () => {
    const ctx = testContext();
    const m = matchOf<any>('-m length --length 100:200');
    expect(m.module.match(makePacket({ length: 200 }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ length: 201 }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.explain!(makePacket({ length: 201 }), m.options, ctx)).toBe('length 201 is not in 100:200');
    const n = matchOf<any>('-m length ! --length 100');
    expect(n.module.match(makePacket({ length: 100 }), n.options, ctx, n.state)).toBe(false);
    expect(n.module.match(makePacket({ length: 60 }), n.options, ctx, n.state)).toBe(true);
  });
});
