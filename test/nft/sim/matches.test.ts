// What each nft expression matches, packet by packet: payload, meta, ct, fib, relational operators,
// flag tests, anonymous and named sets, concatenations, verdict maps.
import { describe, expect, it } from 'vitest';
import type { PacketSpec } from '../../../src/engine/model/scenario';
import { input, runNft, steps, syn } from './helpers';

/// The fates of the packets with one input rule `RULE accept` under a drop policy.
function fates(rule: string, packets: PacketSpec[], extra = ''): string[] {
  const text = extra ? input(rule + ' accept').replace('table ip t {\n', `table ip t {\n${extra}\n`) : input(rule + ' accept');
  return runNft(text, packets).packets.map((p) => p.fate);
}

const udp = (dport: number, over: Partial<PacketSpec> = {}): PacketSpec => ({ from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'udp', sport: 5000, dport, ...over });
const ping: PacketSpec = { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'icmp', icmpType: 'echo-request' };

describe('payload and meta matches', () => {
  it('compares addresses with values, prefixes, ranges and !=', () => {
    const pk = [syn(22), syn(22, { src: '198.51.100.200' }), syn(22, { src: '10.0.0.5', from: 'eth1', dst: '10.0.0.1' })];
    expect(fates('ip saddr 198.51.100.7', pk)).toEqual(['delivered', 'dropped', 'dropped']);
    expect(fates('ip saddr 198.51.100.0/25', pk)).toEqual(['delivered', 'dropped', 'dropped']);
    expect(fates('ip saddr 198.51.100.100-198.51.100.255', pk)).toEqual(['dropped', 'delivered', 'dropped']);
    expect(fates('ip saddr != 10.0.0.0/8', pk)).toEqual(['delivered', 'delivered', 'dropped']);
  });

  it('reads ports only of their protocol, and th ports of any protocol with ports', () => {
    const pk = [syn(22), udp(22), ping];
    expect(fates('tcp dport 22', pk)).toEqual(['delivered', 'dropped', 'dropped']);
    expect(fates('tcp dport != 22', pk)).toEqual(['dropped', 'dropped', 'dropped']);
    expect(fates('th dport 22', pk)).toEqual(['delivered', 'delivered', 'dropped']);
    expect(fates('meta l4proto { tcp, udp }', pk)).toEqual(['delivered', 'delivered', 'dropped']);
    expect(fates('ip protocol icmp', pk)).toEqual(['dropped', 'dropped', 'delivered']);
  });

  it('takes anonymous sets with ranges, and the relational operators', () => {
    const pk = [syn(22), syn(1500), syn(2500), syn(80)];
    expect(fates('tcp dport { 22, 1000-2000 }', pk)).toEqual(['delivered', 'delivered', 'dropped', 'dropped']);
    expect(fates('tcp dport != { 22, 1000-2000 }', pk)).toEqual(['dropped', 'dropped', 'delivered', 'delivered']);
    expect(fates('tcp dport < 1024', pk)).toEqual(['delivered', 'dropped', 'dropped', 'delivered']);
    expect(fates('tcp dport >= 1500', pk)).toEqual(['dropped', 'delivered', 'delivered', 'dropped']);
    expect(fates('tcp dport 1000-2000', pk)).toEqual(['dropped', 'delivered', 'dropped', 'dropped']);
  });

  it('tests TCP flags as nft does: any of the bits, masked equality, exact equality', () => {
    const pk = [syn(22), syn(22, { flags: ['SYN', 'ACK'] }), syn(22, { flags: ['ACK'] })];
    expect(fates('tcp flags syn', pk)).toEqual(['delivered', 'delivered', 'dropped']);
    expect(fates('tcp flags & (syn|ack) == syn', pk)).toEqual(['delivered', 'dropped', 'dropped']);
    expect(fates('tcp flags syn / fin,syn,rst,ack', pk)).toEqual(['delivered', 'dropped', 'dropped']);
    expect(fates('tcp flags != syn / fin,syn,rst,ack', pk)).toEqual(['dropped', 'delivered', 'delivered']);
    expect(fates('tcp flags == syn|ack', pk)).toEqual(['dropped', 'delivered', 'dropped']);
    expect(fates('tcp flags ! syn', pk)).toEqual(['dropped', 'dropped', 'delivered']);
  });

  it('matches ICMP types and codes by name and number', () => {
    const pk = [ping, { ...ping, icmpType: 'timestamp-request' }, syn(22)];
    expect(fates('icmp type echo-request', pk)).toEqual(['delivered', 'dropped', 'dropped']);
    expect(fates('icmp type { 8, 13 }', pk)).toEqual(['delivered', 'delivered', 'dropped']);
    expect(fates('icmp type echo-request icmp code 0', pk)).toEqual(['delivered', 'dropped', 'dropped']);
  });

  it('matches interface names with and without the * wildcard, and iif only where there is one', () => {
    const pk = [syn(22), syn(22, { from: 'eth1', src: '10.0.0.5', dst: '10.0.0.1' })];
    expect(fates('iifname "eth*"', pk)).toEqual(['delivered', 'delivered']);
    expect(fates('iifname "eth1"', pk)).toEqual(['dropped', 'delivered']);
    expect(fates('meta iifname != "eth1"', pk)).toEqual(['delivered', 'dropped']);
    expect(fates('iifname { "eth0", "lo" }', pk)).toEqual(['delivered', 'dropped']);
    // oif has no device in input: the rule breaks, even with !=.
    expect(fates('oif != "eth0"', pk)).toEqual(['dropped', 'dropped']);
    expect(fates('oifname != "eth0"', pk)).toEqual(['delivered', 'delivered']);
  });

  it('reads the IP header: ttl, length, dscp, ecn, fragment offset', () => {
    const pk = [syn(22, { ttl: 3, tos: 0x88 }), syn(22), syn(22, { length: 600 })];
    expect(fates('ip ttl < 10', pk)).toEqual(['delivered', 'dropped', 'dropped']);
    expect(fates('ip dscp af41', pk)).toEqual(['delivered', 'dropped', 'dropped']);
    expect(fates('ip dscp cs0 ip ecn not-ect', pk)).toEqual(['dropped', 'delivered', 'delivered']);
    expect(fates('ip length > 500', pk)).toEqual(['dropped', 'dropped', 'delivered']);
    expect(fates('meta length 40', pk)).toEqual(['delivered', 'delivered', 'dropped']);
    expect(fates('ip frag-off & 0x1fff == 0', pk)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('matches marks with masks, set by an earlier chain', () => {
    const nft = `table ip m {\n\tchain pre {\n\t\ttype filter hook prerouting priority mangle; policy accept;\n\t\ttcp dport 22 meta mark set 0x5\n\t}\n}\n` + input('meta mark and 0x4 == 0x4 accept', 'mark 0x0 accept');
    const out = runNft(nft, [syn(22), syn(80)]);
    expect(out.packets.map((p) => p.fate)).toEqual(['delivered', 'delivered']);
    expect(out.packets.map((p) => steps(p).pop())).toEqual(['t in 1 ACCEPT', 't in 2 ACCEPT']);
  });

  it('classifies destinations with fib', () => {
    const pk = [syn(22), syn(22, { dst: '203.0.113.255' }), syn(22, { dst: '10.0.0.1', from: 'eth0' })];
    expect(fates('fib daddr type local', pk)).toEqual(['delivered', 'dropped', 'delivered']);
    expect(fates('fib daddr type broadcast', pk)).toEqual(['dropped', 'delivered', 'dropped']);
    // 10.0.0.1 is the host's, but not an address of eth0.
    expect(fates('fib daddr . iif type local', pk)).toEqual(['delivered', 'dropped', 'dropped']);
  });
});

describe('conntrack matches', () => {
  const reply = syn(40000, { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', sport: 22, flags: ['SYN', 'ACK'] });
  const out: PacketSpec = { from: 'local', src: '203.0.113.10', dst: '198.51.100.7', proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] };

  it('reads ct state as flags (any of them) and ct state without a connection', () => {
    const pk = [out, reply, syn(22, { flags: ['SYN', 'ACK'], sport: 41000 })];
    expect(fates('ct state established,related', pk)).toEqual(['sent', 'delivered', 'dropped']);
    expect(fates('ct state invalid', pk)).toEqual(['sent', 'dropped', 'delivered']);
    expect(fates('ct state ! invalid', pk)).toEqual(['sent', 'delivered', 'dropped']);
  });

  it('reads the direction, status and tuples of the connection; none breaks the rule', () => {
    const pk = [out, reply, syn(22, { flags: ['SYN', 'ACK'], sport: 41000 })];
    expect(fates('ct direction reply', pk)).toEqual(['sent', 'delivered', 'dropped']);
    expect(fates('ct status seen-reply', pk)).toEqual(['sent', 'delivered', 'dropped']);
    expect(fates('ct original saddr 203.0.113.10 ct original proto-dst 22', pk)).toEqual(['sent', 'delivered', 'dropped']);
    // No connection: even a negated ct status does not match.
    expect(fates('ct status ! dnat', pk)).toEqual(['sent', 'delivered', 'dropped']);
  });

  it('decides by verdict map, and a key the map lacks goes on to the next rule', () => {
    const nft = input('ct state vmap { established : accept, new : jump new }', 'tcp dport 23 accept').replace('\t}\n}\n', '\t}\n\tchain new {\n\t\ttcp dport 22 accept\n\t}\n}\n');
    // A lone FIN has no connection: INVALID, which the map does not list.
    const r = runNft(nft, [syn(22), syn(80), syn(23, { flags: ['FIN'] })]);
    expect(r.packets.map(steps)).toEqual([
      ['t in 1 JUMP:new', 't new 1 ACCEPT'],
      ['t in 1 JUMP:new', 't new - return', 't in - policy:DROP'],
      ['t in 2 ACCEPT'],
    ]);
    expect(r.packets.map((p) => p.ctState)).toEqual(['NEW', 'NEW', 'INVALID']);
  });
});

describe('named sets and maps', () => {
  const sets = `\tset admins {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 198.51.100.0/28, 192.0.2.7 }\n\t}\n` +
    `\tset svc {\n\t\ttype ipv4_addr . inet_service\n\t\telements = { 198.51.100.7 . 22, 198.51.100.9 . 80 }\n\t}\n` +
    `\tmap ports {\n\t\ttype inet_service : verdict\n\t\telements = { 22 : accept, 23 : drop }\n\t}`;

  it('looks addresses up in interval sets and concatenations in sets', () => {
    const pk = [syn(22), syn(22, { src: '192.0.2.7' }), syn(22, { src: '198.51.100.20' })];
    expect(fates('ip saddr @admins', pk, sets)).toEqual(['delivered', 'delivered', 'dropped']);
    expect(fates('ip saddr != @admins', pk, sets)).toEqual(['dropped', 'dropped', 'delivered']);
    expect(fates('ip saddr . tcp dport @svc', [syn(22), syn(80), syn(80, { src: '198.51.100.9' })], sets)).toEqual(['delivered', 'dropped', 'delivered']);
    expect(fates('ip saddr . tcp dport { 198.51.100.0/24 . 20-25 }', [syn(22), syn(80)])).toEqual(['delivered', 'dropped']);
  });

  it('jumps through a named verdict map', () => {
    const r = runNft(input('tcp dport vmap @ports', 'accept').replace('table ip t {\n', `table ip t {\n${sets}\n`), [syn(22), syn(23), syn(24)]);
    expect(r.packets.map(steps)).toEqual([['t in 1 ACCEPT'], ['t in 1 DROP'], ['t in 2 ACCEPT']]);
  });

  it('fills dynamic sets from rules, with timeouts, and limits per element', () => {
    const dyn = '\tset seen {\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t\ttimeout 10s\n\t}';
    const text = input('tcp dport 1234 add @seen { ip saddr } drop', 'tcp dport 22 ip saddr @seen accept').replace('table ip t {\n', `table ip t {\n${dyn}\n`);
    const r = runNft(text, [syn(22), syn(1234, { time: 1 }), syn(22, { time: 2, sport: 40001 }), syn(22, { time: 20, sport: 40002 })]);
    expect(r.packets.map((p) => p.fate)).toEqual(['dropped', 'dropped', 'delivered', 'dropped']);
    // A limit per source: two packets pass at once (burst 2), the third is over the rate.
    const lim = '\tset rate {\n\t\ttype ipv4_addr\n\t\tflags dynamic\n\t}';
    const l = runNft(input('update @rate { ip saddr limit rate 1/minute burst 2 packets } accept').replace('table ip t {\n', `table ip t {\n${lim}\n`),
      [syn(22), syn(22, { sport: 40001 }), syn(22, { sport: 40002 }), syn(22, { src: '198.51.100.9' })]);
    expect(l.packets.map((p) => p.fate)).toEqual(['delivered', 'delivered', 'dropped', 'delivered']);
  });

  it('counts connections per source with ct count', () => {
    const cl = '\tset cl {\n\t\ttype ipv4_addr\n\t\tflags dynamic\n\t}';
    const r = runNft(input('tcp dport 22 add @cl { ip saddr ct count over 2 } drop', 'accept').replace('table ip t {\n', `table ip t {\n${cl}\n`),
      [syn(22), syn(22, { sport: 40001 }), syn(22, { sport: 40002 }), syn(22, { src: '198.51.100.9' })]);
    expect(r.packets.map((p) => p.fate)).toEqual(['delivered', 'delivered', 'dropped', 'delivered']);
  });

  it('rate-limits a rule with limit, and over inverts it', () => {
    const pk = [0, 1, 2, 3].map((i) => syn(22, { sport: 40000 + i }));
    expect(fates('limit rate 2/minute burst 2 packets', pk)).toEqual(['delivered', 'delivered', 'dropped', 'dropped']);
    expect(fates('limit rate over 2/minute burst 2 packets', pk)).toEqual(['dropped', 'dropped', 'delivered', 'delivered']);
  });
});
