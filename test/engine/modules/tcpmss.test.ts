import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('TCPMSS', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('mangle', 'FORWARD', '-p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu')).toBe('-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu');
    expect(saved('filter', 'FORWARD', '-p tcp -j TCPMSS --set-mss 1400')).toBe('-A FORWARD -p tcp -j TCPMSS --set-mss 1400');
    expect(listed('mangle', 'FORWARD', '-p tcp -j TCPMSS --clamp-mss-to-pmtu')).toBe('TCPMSS clamp to PMTU');
    expect(listed('mangle', 'FORWARD', '-p tcp -j TCPMSS --set-mss 1400')).toBe('TCPMSS set 1400');
  });
  it('refuses what iptables refuses, and lowers (never raises) the MSS of a SYN', () => {
    expect(error('mangle', 'FORWARD', '-p tcp -j TCPMSS')).toBe('TCPMSS target: At least one parameter is required');
    expect(error('mangle', 'FORWARD', '-p udp -j TCPMSS --set-mss 1400')).toMatch(/only valid with -p tcp/);
    const t = target('mangle', 'FORWARD', '-p tcp -j TCPMSS --set-mss 1400');
    expect(t.module.simulated).toBe(true);
    const syn = makePacket({ proto: 6, flags: 2, tcpOptions: [2], mss: 1460, length: 44 });
    expect(t.module.apply(syn, t.options, testContext())).toBe('CONTINUE');
    expect([syn.mss, syn.length]).toEqual([1400, 44]);
    const small = makePacket({ proto: 6, flags: 2, tcpOptions: [2], mss: 536, length: 44 });
    t.module.apply(small, t.options, testContext());
    expect(small.mss).toBe(536);
    // No MSS option: one is added, at most 536, and the segment grows by four bytes.
    const bare = makePacket({ proto: 6, flags: 2, length: 40 });
    t.module.apply(bare, t.options, testContext());
    expect([bare.mss, bare.tcpOptions, bare.length]).toEqual([536, [2], 44]);
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'tcp option maxseg size set 1400' });
  });
});
