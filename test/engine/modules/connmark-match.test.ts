// -m connmark (the CONNMARK target's tests are in connmark.test.ts).
import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import type { Conn } from '../../../src/engine/model/conntrack';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('connmark match', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    expect(saved('-m connmark --mark 5')).toBe('-m connmark --mark 0x5');
    expect(saved('-m connmark ! --mark 0x5/0xff')).toBe('-m connmark ! --mark 0x5/0xff');
    expect(listed('-m connmark --mark 5')).toBe('connmark match  0x5');
    expect(listed('-m connmark ! --mark 0x5/0xff')).toBe('connmark match ! 0x5/0xff');
  });
  it('refuses bad input', () => {
    expect(error('-m connmark')).toBe('connmark match: option "--mark" must be specified');
    expect(error('-m connmark --mark foo')).toBe('connmark: bad integer value for option "--mark", or out of range.');
  });
  it("compares the connection's mark; no connection never matches", () => {
    const m = matchOf<any>('-m connmark ! --mark 1');
    expect(m.module.match(makePacket(), m.options, testContext({ ct: { mark: 2 } as Conn }), m.state)).toBe(true);
    expect(m.module.match(makePacket(), m.options, testContext({ ct: { mark: 1 } as Conn }), m.state)).toBe(false);
    expect(m.module.match(makePacket(), m.options, testContext({ ct: null }), m.state)).toBe(false);
    expect(m.module.explain!(makePacket(), m.options, testContext({ ct: null }))).toBe('the packet has no connection');
  });
});
