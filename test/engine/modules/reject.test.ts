import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';

describe('REJECT', () => {
  it('saves the default and every alias under its canonical name (kernel 6.18, iptables 1.8.9)', () => {
    expect(saved('filter', 'INPUT', '-j REJECT')).toBe('-A INPUT -j REJECT --reject-with icmp-port-unreachable');
    const cases: [string, string][] = [
      ['net-unreach', 'icmp-net-unreachable'], ['host-unreach', 'icmp-host-unreachable'], ['proto-unreach', 'icmp-proto-unreachable'],
      ['port-unreach', 'icmp-port-unreachable'], ['net-prohib', 'icmp-net-prohibited'], ['host-prohib', 'icmp-host-prohibited'],
      ['admin-prohib', 'icmp-admin-prohibited'], ['icmp-admin-prohibited', 'icmp-admin-prohibited'],
    ];
    for (const [alias, name] of cases) expect(saved('filter', 'INPUT', `-j REJECT --reject-with ${alias}`)).toBe(`-A INPUT -j REJECT --reject-with ${name}`);
    expect(saved('filter', 'INPUT', '-p tcp -j REJECT --reject-with tcp-rst')).toBe('-A INPUT -p tcp -j REJECT --reject-with tcp-reset');
  });

  it('lists as iptables -L does', () => {
    expect(listed('filter', 'INPUT', '-j REJECT --reject-with host-prohib')).toBe('reject-with icmp-host-prohibited');
    expect(listed('filter', 'FORWARD', '-p tcp -j REJECT --reject-with tcp-reset')).toBe('reject-with tcp-reset');
  });

  it('refuses what iptables refuses', () => {
    expect(error('filter', 'INPUT', '-j REJECT --reject-with icmp-foo')).toBe('unknown reject type "icmp-foo"');
    expect(error('filter', 'INPUT', '-j REJECT --reject-with icmp6-adm-prohibited')).toBe('unknown reject type "icmp6-adm-prohibited"');
    expect(error('filter', 'INPUT', '-p udp -j REJECT --reject-with tcp-reset')).toMatch(/only valid with -p tcp/);
    expect(error('filter', 'INPUT', '! -p tcp -j REJECT --reject-with tcp-reset')).toMatch(/only valid with -p tcp/);
    expect(error('mangle', 'INPUT', '-j REJECT')).toMatch(/REJECT target is only valid in the filter table/);
    expect(error('nat', 'PREROUTING', '-j REJECT')).toMatch(/only valid in the filter table/);
  });

  it('asks for the reply and drops', () => {
    const t = target('filter', 'INPUT', '-p tcp -j REJECT --reject-with tcp-reset');
    const ctx = testContext();
    expect(t.module.apply(makePacket({ proto: 6 }), t.options, ctx)).toBe('DROP');
    expect(ctx.rejects).toEqual(['tcp-reset']);
    expect(t.module.label).toBe('REJECT');
  });

  it('translates', () => {
    const x = (spec: string) => { const t = target('filter', 'INPUT', spec); return t.module.xlate!(t.options); };
    expect(x('-j REJECT')).toEqual({ nft: 'reject' });
    expect(x('-p tcp -j REJECT --reject-with tcp-reset')).toEqual({ nft: 'reject with tcp reset' });
    expect(x('-j REJECT --reject-with icmp-proto-unreachable')).toEqual({ nft: 'reject with icmp type prot-unreachable' });
  });
});
