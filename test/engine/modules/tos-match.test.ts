import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('tos match', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-m tos --tos 16')).toBe('-m tos --tos 0x10/0xff');
    expect(saved('-m tos --tos 0x4/0x4')).toBe('-m tos --tos 0x04/0x04');
    expect(saved('-m tos --tos minimize-delay')).toBe('-m tos --tos 0x10/0x3f');
    expect(saved('-m tos --tos Maximize-Throughput')).toBe('-m tos --tos 0x08/0x3f');
    expect(saved('-m tos --tos Maximize-Reliability')).toBe('-m tos --tos 0x04/0x3f');
    expect(saved('-m tos --tos Minimize-Cost')).toBe('-m tos --tos 0x02/0x3f');
    expect(saved('-m tos ! --tos Normal-Service')).toBe('-m tos ! --tos 0x00/0x3f');
    expect(listed('-m tos --tos 0x10')).toBe('tos match0x10/0xff');
    expect(listed('-m tos ! --tos 0x10')).toBe('tos match!0x10/0xff');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m tos --tos 256')).toBe('Symbolic name "256" is unknown');
    expect(error('-m tos --tos foo')).toBe('Symbolic name "foo" is unknown');
    expect(error('-m tos --tos 0x10/0x100')).toBe('Illegal value: "0x10/0x100"');
    expect(error('-m tos --tos 0x10/abc')).toBe('Illegal value: "0x10/abc"');
    expect(error('-m tos')).toBe('tos: option "--tos" must be specified');
  });
  it('compares the TOS byte under the mask', () => {
    const ctx = testContext();
    const m = matchOf<any>('-m tos --tos Minimize-Delay');
    expect(m.module.match(makePacket({ tos: 0x10 }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ tos: 0x50 }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ tos: 0x18 }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.explain!(makePacket({ tos: 0x18 }), m.options, ctx)).toBe('TOS 0x18 does not match 0x10/0x3f');
  });
});
