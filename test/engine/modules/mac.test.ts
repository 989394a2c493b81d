import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('mac', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-m mac --mac-source 00:11:22:AA:bb:cc')).toBe('-m mac --mac-source 00:11:22:aa:bb:cc');
    expect(saved('-m mac --mac-source 0:1:2:3:4:5')).toBe('-m mac --mac-source 00:01:02:03:04:05');
    expect(saved('-m mac --mac-source 00:11:22:33:44:55', 'FORWARD')).toBe('-m mac --mac-source 00:11:22:33:44:55');
    expect(listed('-m mac ! --mac-source 00:11:22:aa:bb:cc')).toBe('MAC ! 00:11:22:aa:bb:cc');
    expect(listed('-m mac --mac-source 00:11:22:aa:bb:cc')).toBe('MAC 00:11:22:aa:bb:cc');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m mac --mac-source 00:11:22:33:44')).toBe('Invalid MAC address specified.');
    expect(error('-m mac --mac-source 00-11-22-33-44-55')).toBe('Invalid MAC address specified.');
    expect(error('-m mac')).toBe('mac: option "--mac-source" must be specified');
    expect(error('-m mac --mac-source 00:11:22:33:44:55', 'OUTPUT')).toMatch(/^mac match: only valid in PREROUTING, INPUT and FORWARD/);
  });
  it('matches the source MAC; a local packet has none', () => {
    const ctx = testContext();
    const m = matchOf<any>('-m mac --mac-source 00:11:22:aa:bb:cc');
    expect(m.module.match(makePacket({ macSrc: '00:11:22:AA:BB:CC' }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ macSrc: '00:11:22:aa:bb:cd' }), m.options, ctx, m.state)).toBe(false);
    const n = matchOf<any>('-m mac ! --mac-source 00:11:22:aa:bb:cc');
    expect(n.module.match(makePacket({ macSrc: null }), n.options, ctx, n.state)).toBe(false);
    expect(n.module.match(makePacket({ macSrc: '00:11:22:aa:bb:cd' }), n.options, ctx, n.state)).toBe(true);
  });
});
