import { describe, expect, it } from 'vitest';
import { makePacket, TCP } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('ecn', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    expect(saved('-m ecn --ecn-tcp-cwr -p tcp')).toBe('-p tcp -m ecn --ecn-tcp-cwr');
    expect(listed('-p tcp -m ecn --ecn-tcp-cwr')).toBe('ECN match CWR');
    expect(saved('-p tcp -m ecn ! --ecn-tcp-cwr ! --ecn-tcp-ece ! --ecn-ip-ect 2')).toBe('-p tcp -m ecn ! --ecn-tcp-ece ! --ecn-tcp-cwr ! --ecn-ip-ect 2');
    expect(listed('-p tcp -m ecn ! --ecn-tcp-cwr ! --ecn-tcp-ece ! --ecn-ip-ect 2')).toBe('ECN match !ECE !CWR !ECT=2');
    expect(listed('-p tcp -m ecn --ecn-tcp-ece --ecn-ip-ect 3')).toBe('ECN match ECE ECT=3');
    expect(saved('-p udp -m ecn --ecn-ip-ect 1')).toBe('-p udp -m ecn --ecn-ip-ect 1');
  });
  it('refuses what iptables and the kernel refuse', () => {
    expect(error('-p tcp -m ecn --ecn-ip-ect 4')).toBe('ecn: bad value for option "--ecn-ip-ect", or out of range (0-3).');
    expect(error('-p tcp -m ecn')).toBe('ECN match: some option required');
    expect(error('-m ecn --ecn-tcp-cwr')).toMatch(/only valid with -p tcp/);
  });
  it('reads ECT from the TOS byte and ECE/CWR from the TCP flags', () => {
    const m = (s: string, tos: number, flags: number) => { const x = matchOf<unknown>(`-p tcp -m ecn ${s}`); return x.module.match(makePacket({ proto: 6, tos, flags }), x.options, testContext(), x.state); };
    expect([m('--ecn-ip-ect 3', 0xb3, 0), m('--ecn-ip-ect 3', 0xb2, 0), m('! --ecn-ip-ect 0', 0x01, 0)]).toEqual([true, false, true]);
    expect([m('--ecn-tcp-cwr', 0, TCP.CWR | TCP.ACK), m('--ecn-tcp-cwr', 0, TCP.ECE), m('! --ecn-tcp-ece', 0, TCP.CWR)]).toEqual([true, false, true]);
    const x = matchOf<unknown>('-p tcp -m ecn --ecn-tcp-ece ! --ecn-ip-ect 2');
    expect(x.module.space!(x.options)).toEqual({ all: [{ not: { field: 'tos', value: 2, mask: 3 } }, { field: 'tcpflags', value: 64, mask: 64 }] });
  });
  it('translates as iptables-translate 1.8.9 does where that is right; a negated flag tests its one bit (kernel-checked)', () => {
    const x = (s: string, flavour: 'compat' | 'idiomatic' = 'compat') => { const m = matchOf<unknown>(`-p tcp -m ecn ${s}`); return m.module.xlate!(m.options, { flavour } as never); };
    const note = 'iptables-translate 1.8.9 negates every ECN option once one is negated, and writes a negated flag as `tcp flags != cwr`, which compares all the flags with that one (it matches SYN,ECE,CWR, which `! --ecn-tcp-cwr` does not)';
    expect(x('--ecn-tcp-cwr')).toEqual({ nft: 'tcp flags cwr' });
    expect(x('--ecn-tcp-cwr --ecn-tcp-ece --ecn-ip-ect 1')).toEqual({ nft: 'tcp flags ecn tcp flags cwr ip ecn ect1' });
    expect(x('! --ecn-ip-ect 2')).toEqual({ nft: 'ip ecn != ect0' });
    expect(x('! --ecn-tcp-cwr ! --ecn-tcp-ece ! --ecn-ip-ect 2')).toEqual({ nft: 'tcp flags & ecn == 0 tcp flags & cwr == 0 ip ecn != ect0', note });
    expect(x('! --ecn-tcp-cwr')).toEqual({ nft: 'tcp flags & cwr == 0', note });
    expect(x('! --ecn-tcp-cwr', 'idiomatic')).toEqual({ nft: 'tcp flags & cwr == 0' });
    // The reference would print `tcp flags != ecn ip ecn != ect0` here.
    expect(x('--ecn-tcp-ece ! --ecn-ip-ect 2')).toEqual({ nft: 'tcp flags ecn ip ecn != ect0', note });
  });
});
