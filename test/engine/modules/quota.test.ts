import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('quota', () => {
  it('saves and lists as iptables 1.8.9 printed them (-L shows no !)', () => {
    expect(saved('-m quota --quota 1000000')).toBe('-m quota --quota 1000000');
    expect(saved('-m quota ! --quota 0x10')).toBe('-m quota ! --quota 16');
    expect(saved('-m quota --quota 18446744073709551615')).toBe('-m quota --quota 18446744073709551615');
    expect(listed('-m quota ! --quota 1000')).toBe('quota: 1000 bytes');
  });
  it('refuses bad input with iptables wording', () => {
    for (const v of ['abc', '-1', '18446744073709551616'])
      expect(error(`-m quota --quota ${v}`)).toBe('quota: bad value for option "--quota", or out of range (0-18446744073709551615).');
    expect(error('-m quota')).toBe('quota: option "--quota" must be specified');
  });
  it('counts the bytes of the packets it lets through, per rule; a packet too large empties it', () => {
    const m = matchOf<unknown>('-m quota --quota 200');
    const ctx = testContext();
    const run = (len: number) => m.module.match(makePacket({ length: len }), m.options, ctx, m.state);
    // 84 + 84 fit (168), 40 would exceed 200: the quota is emptied, and even 20 bytes fail after.
    expect([run(84), run(84), run(40), run(20)]).toEqual([true, true, false, false]);
    const inv = matchOf<unknown>('-m quota ! --quota 100');
    const runInv = (len: number) => inv.module.match(makePacket({ length: len }), inv.options, ctx, inv.state);
    expect([runInv(100), runInv(1)]).toEqual([false, true]);
    expect(m.module.xlate!(m.options)).toEqual({ nft: 'quota 200 bytes' });
    expect(inv.module.xlate!(inv.options)).toEqual({ nft: 'quota over 100 bytes' });
  });
});
