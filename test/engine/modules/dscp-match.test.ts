import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('dscp match', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-m dscp --dscp 10')).toBe('-m dscp --dscp 0x0a');
    expect(saved('-m dscp ! --dscp 0')).toBe('-m dscp ! --dscp 0x00');
    expect(saved('-m dscp --dscp-class af41')).toBe('-m dscp --dscp 0x22');
    expect(saved('-m dscp ! --dscp-class CS1')).toBe('-m dscp ! --dscp 0x08');
    expect(listed('-m dscp --dscp-class EF')).toBe('DSCP match 0x2e');
    expect(listed('-m dscp ! --dscp 0')).toBe('DSCP match !0x00');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m dscp --dscp 64')).toBe('dscp: bad value for option "--dscp", or out of range (0-63).');
    expect(error('-m dscp --dscp abc')).toBe('dscp: bad value for option "--dscp", or out of range (0-63).');
    expect(error('-m dscp --dscp-class XX')).toBe("Invalid DSCP value `XX'");
    expect(error('-m dscp --dscp 1 --dscp-class EF')).toBe('dscp: option "--dscp" cannot be used together with "--dscp-class".');
    expect(error('-m dscp')).toBe('DSCP match: Parameter --dscp is required');
  });
  it('matches the upper six bits of the TOS byte', () => {
    const ctx = testContext();
    const m = matchOf<any>('-m dscp --dscp-class EF');
    expect(m.module.match(makePacket({ tos: 0xb8 }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ tos: 0xb9 }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ tos: 0x00 }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.explain!(makePacket({ tos: 0 }), m.options, ctx)).toBe('DSCP 0x00 is not 0x2e');
  });
});
