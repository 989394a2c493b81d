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
  it('refuses what iptables refuses, and is parsed only', () => {
    expect(error('mangle', 'FORWARD', '-p tcp -j TCPMSS')).toBe('TCPMSS target: At least one parameter is required');
    expect(error('mangle', 'FORWARD', '-p udp -j TCPMSS --set-mss 1400')).toMatch(/only valid with -p tcp/);
    const t = target('mangle', 'FORWARD', '-p tcp -j TCPMSS --set-mss 1400');
    expect(typeof t.module.simulated).toBe('string');
    expect(t.module.apply(makePacket({ proto: 6 }), t.options, testContext())).toBe('CONTINUE');
    expect(t.module.xlate!(t.options)).toEqual({ nft: 'tcp option maxseg size set 1400' });
  });
});
