// checkEquivalence: the original and its translations run the same packets; differences come with both
// outcomes and traces.
import { describe, expect, it } from 'vitest';
import type { PacketSpec, Scenario } from '../../src/engine/model/scenario';
import { checkEquivalence, describeDifference } from '../../src/nft/equivalence';
import { HOST, syn } from '../helpers/scenario';

const scenario = (rules: string, packets: PacketSpec[], extra: Partial<Scenario> = {}): Scenario => ({ version: 1, host: HOST, rules, packets, ...extra });

describe('checkEquivalence', () => {
  it('finds no difference where the translation is faithful, NAT and replies included', () => {
    const rules = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80
-A POSTROUTING -o eth0 -s 10.0.0.0/24 -j MASQUERADE
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp -m multiport --dports 22,443 -j ACCEPT
-A INPUT -p tcp --dport 23 -j REJECT --reject-with tcp-reset
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i eth0 -o eth1 -m conntrack --ctstate DNAT -j ACCEPT
-A FORWARD -i eth1 -o eth0 -j ACCEPT
COMMIT
`;
    const packets: PacketSpec[] = [
      syn(22), syn(23), syn(25), syn(8080, { sport: 41000 }),
      { from: 'eth1', src: '10.0.0.5', dst: '198.51.100.7', proto: 'tcp', sport: 80, dport: 41000, flags: ['SYN', 'ACK'] },
      { from: 'eth1', src: '10.0.0.5', dst: '192.0.2.1', proto: 'udp', sport: 5353, dport: 53 },
      { from: 'eth0', src: '192.0.2.1', dst: '203.0.113.10', proto: 'udp', sport: 53, dport: 5353 },
    ];
    const report = checkEquivalence(scenario(rules, packets));
    expect(report.diagnostics).toEqual([]);
    expect(report.modes.map((m) => [m.mode, m.complete, m.diagnostics, m.differences])).toEqual([
      ['idiomatic', true, [], []],
      ['compat', true, [], []],
    ]);
  });

  it('carries ipsets over as nft sets', () => {
    const rules = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set blocked src -j DROP\nCOMMIT\n';
    const report = checkEquivalence(scenario(rules, [syn(22), syn(22, { src: '192.0.2.9' })], { sets: { blocked: { type: 'hash:net', members: ['198.51.100.0/24'] } } }));
    expect(report.modes.map((m) => [m.mode, m.complete, m.differences.length])).toEqual([['idiomatic', true, 0], ['compat', true, 0]]);
  });

  it('reports a packet whose fate differs, with both traces (compat keeps iptables-translate\'s `ct status ! dnat`)', () => {
    // kube-proxy's KUBE-FIREWALL: a packet without a connection (a lone SYN-ACK: INVALID) passes
    // `! --ctstate RELATED,ESTABLISHED,DNAT` in iptables; nft's ct status never matches it (kernel-recorded
    // in test/kernel/cases/nft-sim/ctstate-dnat-negated-invalid-*).
    const rules = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n' +
      '-A FORWARD -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\nCOMMIT\n';
    const lone: PacketSpec = { from: 'eth0', src: '198.51.100.7', dst: '10.0.0.5', proto: 'tcp', sport: 40009, dport: 80, flags: ['SYN', 'ACK'] };
    const report = checkEquivalence(scenario(rules, [syn(80, { dst: '10.0.0.5' }), lone]));
    const [idiomatic, compat] = report.modes;
    expect(idiomatic.complete).toBe(false);
    expect(idiomatic.translation.untranslated.map((u) => u.reason)).toEqual([
      "-m conntrack: packets without a connection pass ! --ctstate RELATED,ESTABLISHED,DNAT and then match, but nft's ct status needs a connection: the translation would not match them",
    ]);
    expect(compat.complete).toBe(true);
    expect(compat.differences.map(describeDifference)).toEqual([
      'compat packet 2 (eth0 tcp 198.51.100.7:40009 > 10.0.0.5:80 SYN,ACK): fate, out, final differ\n' +
      '  iptables: dropped - [filter FORWARD 1 DROP]\n' +
      '  nft:      forwarded@eth1 198.51.100.7:40009>10.0.0.5:80 [filter FORWARD - policy:ACCEPT]',
    ]);
    // The SYN, NEW and not DNATed, is dropped by both.
    expect(compat.differences.map((d) => d.packet)).toEqual([1]);
  });

  it('compares nothing when the iptables rules do not parse', () => {
    const report = checkEquivalence(scenario('*filter\n-A INPUT -p tcp --dport x -j ACCEPT\nCOMMIT\n', [syn(22)]));
    expect(report.modes).toEqual([]);
    expect(report.diagnostics.map((d) => `${d.line}:${d.column}`)).toEqual(['2:25']);
  });
});
