import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('DSCP', () => {
  it('saves and lists as the kernel printed them', () => {
    const cases: [string, string][] = [
      ['--set-dscp 10', '0x0a'], ['--set-dscp 0x2e', '0x2e'], ['--set-dscp-class EF', '0x2e'], ['--set-dscp-class af41', '0x22'],
      ['--set-dscp-class CS1', '0x08'], ['--set-dscp-class be', '0x00'],
    ];
    for (const [opt, v] of cases) {
      expect(saved('mangle', 'PREROUTING', `-j DSCP ${opt}`)).toBe(`-A PREROUTING -j DSCP --set-dscp ${v}`);
      expect(listed('mangle', 'PREROUTING', `-j DSCP ${opt}`)).toBe(`DSCP set ${v}`);
    }
  });
  it('refuses what iptables refuses', () => {
    expect(error('mangle', 'PREROUTING', '-j DSCP --set-dscp 64')).toBe('DSCP: bad value for option "--set-dscp", or out of range (0-63).');
    expect(error('mangle', 'PREROUTING', '-j DSCP')).toBe('DSCP target: Parameter --set-dscp is required');
    expect(error('filter', 'INPUT', '-j DSCP --set-dscp 10')).toMatch(/only valid in the mangle table/);
  });
  it('rewrites the upper six bits of the TOS byte and keeps ECN', () => {
    const t = target('mangle', 'PREROUTING', '-j DSCP --set-dscp-class EF');
    const pkt = makePacket({ tos: 0x03 });
    expect(t.module.apply(pkt, t.options, testContext())).toBe('CONTINUE');
    expect(pkt.tos).toBe(0xbb);
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'ip dscp set 0x2e' });
  });
});
