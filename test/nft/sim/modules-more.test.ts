// The nft expressions and statements the translations of the modules added for --compat use (issue 4):
// device groups, route realms, meta cgroup, conntrack counters, ESP/AH/DCCP headers read from the payload,
// fib for a local or 0.0.0.0 source, verdict maps with `continue`, dup and synproxy. What the kernel does
// with each is recorded in test/kernel/cases/nft-equiv/modules-more-* (replayed by test/kernel/replay.test.ts);
// these pin the details with small rulesets.
import { describe, expect, it } from 'vitest';
import type { PacketSpec, Scenario } from '../../../src/engine/model/scenario';
import { simulateNft } from '../../../src/nft/sim/simulate';
import { HOST } from '../../helpers/scenario';
import { input, steps, syn } from './helpers';

function run(nft: string, packets: PacketSpec[], host: Scenario['host'] = HOST) {
  const out = simulateNft({ version: 1, host, rules: '', nft, packets });
  if (out.diagnostics.length) throw new Error(out.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return out;
}
const fates = (rule: string, packets: PacketSpec[], host?: Scenario['host']) => run(input(`${rule} accept`), packets, host).packets.map((p) => p.fate);
/// Whether the one rule of a chain at `hook` matched each packet (routing may drop it later: martians).
const matched = (hook: string, rule: string, packets: PacketSpec[], host?: Scenario['host']) =>
  run(chain(hook, `${rule} accept`), packets, host).packets.map((p) => steps(p).includes(`t c 1 ACCEPT`));
/// One chain at `hook` with an accept policy, the rules given.
const chain = (hook: string, ...rules: string[]) =>
  `table ip t {\n\tchain c {\n\t\ttype filter hook ${hook} priority filter; policy accept;\n${rules.map((r) => `\t\t${r}\n`).join('')}\t}\n}\n`;

const REMOTE = '198.51.100.7';
const lan = (over: Partial<PacketSpec> = {}): PacketSpec => syn(22, { from: 'eth1', src: '10.0.0.5', dst: '10.0.0.1', ...over });
const local = (dst: string, over: Partial<PacketSpec> = {}): PacketSpec => ({ from: 'local', src: '203.0.113.10', dst, proto: 'tcp', sport: 50000, dport: 443, ...over });

describe('device groups and route realms', () => {
  const grouped: Scenario['host'] = { ...HOST, interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'], group: 1 }, { name: 'eth1', addresses: ['10.0.0.1/24'], group: 6 }] };

  it('reads iifgroup from the input interface, with the name default for group 0 and masks', () => {
    const pk = [syn(22), lan()];
    expect(fates('iifgroup 0x6', pk, grouped)).toEqual(['dropped', 'delivered']);
    expect(fates('iifgroup default', pk, grouped)).toEqual(['dropped', 'dropped']);
    expect(fates('iifgroup default', pk)).toEqual(['delivered', 'delivered']);
    expect(fates('iifgroup and 0x4 == 0x4', pk, grouped)).toEqual(['dropped', 'delivered']);
    expect(fates('meta iifgroup != 1', pk, grouped)).toEqual(['dropped', 'delivered']);
  });

  it('reads oifgroup of the route out; no input device breaks an iifgroup rule', () => {
    const out = run(chain('output', 'oifgroup 0x6 drop', 'iifgroup 0 drop'), [local('10.0.0.5'), local(REMOTE)], grouped);
    expect(out.packets.map((p) => p.fate)).toEqual(['dropped', 'sent']);
    expect(out.packets.map(steps)).toEqual([['t c 1 DROP'], ['t c - policy:ACCEPT']]);
  });

  it('reads rtclassid: the realm to the destination low, from the source high (delivered: only the high half)', () => {
    const realms: Scenario['host'] = { ...HOST, routes: [{ to: 'default', via: '203.0.113.1' }, { to: '192.0.2.0/24', via: '10.0.0.2', dev: 'eth1', realm: 5 }, { to: '198.51.100.0/24', via: '203.0.113.1', dev: 'eth0', realm: 3 }] };
    const fwd = [syn(22, { src: '203.0.113.50', dst: '192.0.2.9' }), syn(22, { src: REMOTE, dst: '192.0.2.9' }), lan({ dst: '203.0.113.50' })];
    const classes = (hook: string, pk: PacketSpec[]) => ['rtclassid 0x5', 'rtclassid 0x30005', 'rtclassid and 0xffff0000 == 0x30000', 'rtclassid cosmos']
      .map((r) => run(chain(hook, `${r} drop`), pk, realms).packets.map((p) => p.fate));
    expect(classes('forward', fwd)).toEqual([
      ['dropped', 'forwarded', 'forwarded'], ['forwarded', 'dropped', 'forwarded'], ['forwarded', 'dropped', 'forwarded'], ['forwarded', 'forwarded', 'dropped'],
    ]);
    expect(classes('input', [syn(22, { src: REMOTE })])).toEqual([['delivered'], ['delivered'], ['dropped'], ['delivered']]);
    // Before the routing decision there is no route: the rule breaks, even negated.
    expect(run(chain('prerouting', 'rtclassid != 0x5 drop'), [syn(22)], realms).packets[0].fate).toBe('delivered');
  });
});

describe('sockets and conntrack counters', () => {
  it('matches meta cgroup 0 on a local process\'s packet; one from outside has no socket', () => {
    const out = run(chain('output', 'meta cgroup 0 drop'), [local(REMOTE)]);
    expect(out.packets[0].fate).toBe('dropped');
    expect(out.unsimulated).toHaveProperty('meta cgroup');
    expect(fates('meta cgroup 0', [syn(22)])).toEqual(['dropped']);
    expect(fates('meta cgroup != 1', [syn(22)])).toEqual(['dropped']);
  });

  it('counts ct packets, bytes and avgpkt per direction, this packet included', () => {
    const udp = (length: number, sport = 5353): PacketSpec => ({ from: 'eth0', src: REMOTE, dst: '203.0.113.10', proto: 'udp', sport, dport: 53, length });
    const back = (length: number): PacketSpec => ({ from: 'local', src: '203.0.113.10', dst: REMOTE, proto: 'udp', sport: 53, dport: 5353, length });
    const pk = [udp(60), back(40), udp(150), udp(28)];
    // The rule in input and output, so that both directions meet it: did it match each packet?
    const both = (rule: string) => run(chain('input', `${rule} counter`) + chain('output', `${rule} counter`).replace('table ip t', 'table ip o'), pk)
      .packets.map((p) => steps(p).some((x) => / c 1 CONTINUE$/.test(x)));
    // The original direction counts 1, 1, 2, 3 packets; the reply 0, 1, 1, 1.
    expect(both('ct original packets ge 2')).toEqual([false, false, true, true]);
    expect(both('ct reply packets 1')).toEqual([false, true, true, true]);
    // Bytes both ways: 60, 100, 250, 278.
    expect(both('ct bytes 100-250')).toEqual([false, true, true, false]);
    // 60, 50, 83, 69 bytes per packet.
    expect(both('ct avgpkt lt 70')).toEqual([true, true, false, true]);
    // The original direction alone: 60, 60, 105, 79.
    expect(both('ct original avgpkt ge 100')).toEqual([false, false, true, false]);
  });

  it('breaks on a packet without a connection, whatever the comparison', () => {
    const nft = chain('prerouting', 'notrack').replace('filter;', 'raw;') + input('ct packets ge 0 accept', 'ct packets lt 5 accept').replace('table ip t', 'table ip f');
    expect(run(nft, [syn(22)]).packets.map((p) => p.fate)).toEqual(['dropped']);
  });
});

describe('ESP, AH and DCCP headers (in the payload)', () => {
  const pkt = (proto: string, payload: string, over: Partial<PacketSpec> = {}): PacketSpec => ({ from: 'eth0', src: REMOTE, dst: '203.0.113.10', proto, payload, ...over });
  const spi = (n: number) => String.fromCharCode(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);

  it('reads esp spi from bytes 0-3 and ah spi from bytes 4-7; fewer bytes break the rule', () => {
    const esp = [pkt('esp', spi(256) + '\0\0\0\x01'), pkt('esp', spi(257) + '\0\0\0\x01'), pkt('esp', spi(256)), pkt('esp', '\x01\0')];
    expect(fates('esp spi 256', esp)).toEqual(['delivered', 'dropped', 'delivered', 'dropped']);
    expect(fates('esp spi != 256', esp)).toEqual(['dropped', 'delivered', 'dropped', 'dropped']);
    expect(fates('esp sequence 1', esp)).toEqual(['delivered', 'delivered', 'dropped', 'dropped']);
    const ah = [pkt('ah', '\x32\x04\0\0' + spi(150) + '\0\0\0\0'), pkt('ah', '\x32\x04\0\0' + spi(250) + '\0\0\0\0'), pkt('ah', '\x32\x04\0\0' + spi(150))];
    expect(fates('ah spi 100-200', ah)).toEqual(['delivered', 'dropped', 'delivered']);
    expect(fates('ah nexthdr esp', ah)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(fates('esp spi 150', ah)).toEqual(['dropped', 'dropped', 'dropped']);
  });

  it('reads dccp ports and type from the payload, th ports too', () => {
    // sport 40000, dport 5001, data offset 4, type in bits 1-4 of byte 8 (X set).
    const dccp = (type: number, dport = 5001) => pkt('33', String.fromCharCode(0x9c, 0x40, dport >> 8, dport & 255, 4, 0, 0, 0, (type << 1) | 1, 0, 0, 0, 0, 0, 0, 0));
    const pk = [dccp(0), dccp(2), dccp(7, 5002), pkt('33', '\x9c\x40\x13')];
    expect(fates('dccp dport 5001', pk)).toEqual(['delivered', 'delivered', 'dropped', 'dropped']);
    expect(fates('dccp type { request, reset }', pk)).toEqual(['delivered', 'dropped', 'delivered', 'dropped']);
    expect(fates('dccp type 10-15', [dccp(12), dccp(9)])).toEqual(['delivered', 'dropped']);
    expect(fates('dccp sport 40000 th dport 5002', pk)).toEqual(['dropped', 'dropped', 'delivered', 'dropped']);
  });

  it('drops a short header with the length test of the idiomatic translations, and goes on otherwise', () => {
    const guard = `ip protocol esp ip frag-off & 0x1fff 0 ip hdrlength . ip length vmap { ${Array.from({ length: 11 }, (_, i) => `${i + 5} . 0-${(i + 5) * 4 + 7} : drop, ${i + 5} . ${(i + 5) * 4 + 8}-65535 : continue`).join(', ')} }`;
    const out = run(input(`${guard} esp spi 1 accept`, 'ip protocol esp accept'), [pkt('esp', spi(1)), pkt('esp', spi(1) + '\0\0\0\0'), pkt('esp', spi(2) + '\0\0\0\0'), pkt('esp', '')]);
    expect(out.packets.map((p) => p.fate)).toEqual(['dropped', 'delivered', 'delivered', 'dropped']);
    expect(out.packets.map(steps)).toEqual([['t in 1 DROP'], ['t in 1 ACCEPT'], ['t in 2 ACCEPT'], ['t in 1 DROP']]);
  });
});

describe('fib for the reverse path', () => {
  const zero = (dst: string): PacketSpec => ({ from: 'eth1', src: '0.0.0.0', dst, proto: 'udp', sport: 68, dport: 67 });

  it('finds no device for a source that is the host\'s own address (a local route)', () => {
    const pk = [syn(22, { src: '203.0.113.10' }), syn(22, { from: 'eth1', src: '203.0.113.10' }), syn(22, { src: '10.0.0.1', from: 'eth1' }), syn(22)];
    expect(matched('prerouting', 'fib saddr . iif oif != 0', pk)).toEqual([false, false, false, true]);
    expect(matched('prerouting', 'fib saddr oif missing', pk)).toEqual([true, true, true, false]);
    // Routing then drops them as martians, whatever the rule said.
    expect(run(chain('prerouting', 'accept'), pk).packets.map((p) => p.fate)).toEqual(['dropped', 'dropped', 'dropped', 'delivered']);
  });

  it('answers the input device for 0.0.0.0 to the broadcast address or a link-local group, else looks 0.0.0.0 up', () => {
    const pk = [zero('255.255.255.255'), zero('224.0.0.1'), zero('10.0.0.1')];
    expect(matched('prerouting', 'fib saddr . iif oif != 0', pk)).toEqual([true, true, false]);
    expect(matched('prerouting', 'fib saddr oif exists', pk)).toEqual([true, true, true]);
    expect(matched('prerouting', 'fib saddr oifname "eth0"', pk)).toEqual([false, false, true]);
  });

  it('takes a subnet broadcast source out with the idiomatic rpfilter set, in both senses', () => {
    const pk = [lan({ src: '10.0.0.255' }), lan(), lan({ src: REMOTE })];
    const set = '{ 0 . 0.0.0.0/0 . 0-255, 1-2147483647 . 0.0.0.1-255.255.255.254 . broadcast }';
    expect(fates('fib saddr . iif oif != 0', pk)).toEqual(['delivered', 'delivered', 'dropped']);
    expect(fates('fib saddr . iif oif != 0 ip saddr . fib saddr type != { 0.0.0.1-255.255.255.254 . broadcast }', pk)).toEqual(['dropped', 'delivered', 'dropped']);
    expect(fates(`fib saddr . iif oif . ip saddr . fib saddr type ${set}`, pk)).toEqual(['delivered', 'dropped', 'delivered']);
  });
});

describe('verdict maps, flag sets, dup and synproxy', () => {
  it('goes on with the rule after a continue element, and ends it on a missing key', () => {
    const out = run(input('tcp dport vmap { 22 : continue, 23 : drop } tcp dport 22 accept', 'tcp dport 80 continue accept'), [syn(22), syn(23), syn(80), syn(443)]);
    expect(out.packets.map(steps)).toEqual([['t in 1 ACCEPT'], ['t in 1 DROP'], ['t in 2 ACCEPT'], ['t in - policy:DROP']]);
  });

  it('reads flags in braces as separate elements, and a comma list outside as one value', () => {
    const pk = [syn(22), syn(22, { flags: ['ACK'] }), syn(22, { flags: ['SYN', 'ACK'] }), syn(22, { flags: ['FIN', 'ACK'] })];
    expect(fates('tcp flags & (fin | syn | rst | ack) { syn, ack }', pk)).toEqual(['delivered', 'delivered', 'dropped', 'dropped']);
    expect(fates('tcp flags & (fin | syn | rst | ack) == syn,ack', pk)).toEqual(['dropped', 'dropped', 'delivered', 'dropped']);
  });

  it('dup sends an untracked copy to the gateway and lets the packet go on', () => {
    const router = { ...HOST, interfaces: [...HOST.interfaces] };
    const nft = chain('prerouting', 'ip protocol tcp dup to 10.0.0.9').replace('filter;', 'mangle;');
    const out = run(nft, [syn(22)], router);
    expect(out.packets[0].fate).toBe('delivered');
    expect(steps(out.packets[0])).toEqual(['t c 1 CONTINUE', 't c - policy:ACCEPT']);
    expect(out.packets[0].generated?.map((g) => [g.fate, g.out, g.ctState, g.final])).toEqual([['sent', 'eth1', 'UNTRACKED', { src: REMOTE, dst: '203.0.113.10', sport: 40000, dport: 22 }]]);
  });

  it('synproxy answers any SYN, drops any other segment with ACK, lets the rest go on', () => {
    const nft = input('tcp dport 22 synproxy mss 1460 sack-perm timestamp', 'accept');
    const out = run(nft, [syn(22, { tcpOptions: [2, 4, 8] }), syn(22, { flags: ['SYN', 'ACK'], sport: 40001 }), syn(22, { flags: ['FIN', 'ACK'], sport: 40002 }), syn(22, { flags: ['RST'], sport: 40003 })]);
    expect(out.packets.map((p) => [p.fate, steps(p).join(), (p.generated ?? []).map((g) => `${g.fate} ${g.final?.sport}>${g.final?.dport}`).join()])).toEqual([
      ['dropped', 't in 1 SYNPROXY', 'sent 22>40000'],
      ['dropped', 't in 1 SYNPROXY', 'sent 22>40001'],
      ['dropped', 't in 1 SYNPROXY', ''],
      ['delivered', 't in 1 CONTINUE,t in 2 ACCEPT', ''],
    ]);
  });
});
