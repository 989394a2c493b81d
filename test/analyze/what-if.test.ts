// What-if: the classes of packets whose fate a change moves, with an example the simulator confirms.
import { describe, expect, it } from 'vitest';
import { whatIf } from '../../src/engine/analyze/what-if';

const before = [
  'iptables -P INPUT DROP',
  'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
  'iptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT',
  'iptables -A INPUT -s 10.0.0.0/8 -j DROP',
].join('\n');

describe('what-if', () => {
  it('moving the DROP above with -I: SSH from the management network and replies from 10/8 change', () => {
    const after = [
      'iptables -P INPUT DROP',
      'iptables -I INPUT -s 10.0.0.0/8 -j DROP',
      'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
      'iptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT',
    ].join('\n');
    const changes = whatIf(before, after);
    expect(changes.map((c) => [c.hook, c.packets, c.before.rule?.line, c.before.verdict, c.after.rule?.line, c.after.verdict, c.confirmed])).toEqual([
      ['INPUT', 'from 10.0.0.0/8 state RELATED,ESTABLISHED', 2, 'ACCEPT', 2, 'DROP', null],
      ['INPUT', 'tcp from 10.0.0.0/24 dport 22 state INVALID,NEW,UNTRACKED unfragmented', 3, 'ACCEPT', 2, 'DROP', true],
    ]);
    expect(changes[1].example).toEqual({ from: 'eth0', src: '10.0.0.1', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] });
    expect(changes[1].fates).toEqual({ before: 'delivered', after: 'dropped' });
    expect(changes[1].after.rule?.text).toBe('-I INPUT -s 10.0.0.0/8 -j DROP');
  });

  it('an OUTPUT restriction: the egress it drops, confirmed', () => {
    const open = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
    const hardened = open.replace('COMMIT', '-A OUTPUT -p tcp -m multiport --dports 80,443,22,3306 -j ACCEPT\n-A OUTPUT -p tcp --dport 1024:65535 -j DROP\nCOMMIT');
    const changes = whatIf(open, hardened);
    expect(changes.map((c) => [c.hook, c.packets, c.before.rule, c.after.rule?.line, c.confirmed])).toEqual([
      ['OUTPUT', 'tcp dport 1024:3305,3307:65535 unfragmented', null, 6, true],
    ]);
    expect(changes[0].example.dport).toBe(1024);
  });

  it('no change, no classes: a reordering that decides the same', () => {
    const same = before.replace('iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n', '') + '\niptables -I INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT';
    expect(whatIf(before, same)).toEqual([]);
  });
});
