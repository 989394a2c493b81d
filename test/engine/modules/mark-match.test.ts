// -m mark (the MARK target's tests are in mark.test.ts).
import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('mark match', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    expect(saved('-m mark --mark 5')).toBe('-m mark --mark 0x5');
    expect(saved('-m mark ! --mark 0x5/0xff')).toBe('-m mark ! --mark 0x5/0xff');
    expect(saved('-m mark --mark 0xffffffff/0xffffffff')).toBe('-m mark --mark 0xffffffff');
    expect(saved('-m mark --mark 0x5/0x0')).toBe('-m mark --mark 0x5/0x0');
    expect(listed('-m mark --mark 5')).toBe('mark match 0x5');
    expect(listed('-m mark ! --mark 0x5/0xff')).toBe('mark match ! 0x5/0xff');
  });
  it('refuses bad input', () => {
    expect(error('-m mark')).toBe('mark match: option "--mark" must be specified');
    expect(error('-m mark --mark foo')).toBe('mark: bad integer value for option "--mark", or out of range.');
    expect(error('-m mark --mark 0x100000000')).toBe('mark: bad integer value for option "--mark", or out of range.');
    expect(error('-m mark --mark 1/2/3')).toBe('mark: trailing garbage after value for option "--mark".');
  });
  it('compares the masked packet mark', () => {
    const m = matchOf<any>('-m mark --mark 0x5/0xff');
    const r = (mark: number) => m.module.match(makePacket({ mark }), m.options, testContext(), m.state);
    expect([r(0x5), r(0x105), r(0x6)]).toEqual([true, true, false]);
    expect(m.module.explain!(makePacket({ mark: 6 }), m.options, testContext())).toBe('mark 0x6 does not match 0x5/0xff');
  });
});
