import { describe, expect, it } from 'vitest';
import { makePacket, type Packet } from '../../src/engine/model/packet';
import { parseIPv4 } from '../../src/engine/model/addr';
import { createSetStore } from '../../src/engine/sim/sets';
import type { SetSpec } from '../../src/engine/model/scenario';
import { testContext } from '../helpers/context';

const ip = (s: string) => parseIPv4(s)!;
const ctx = testContext();
function inSet(spec: SetSpec, pkt: Partial<Packet>, dirs: ('src' | 'dst')[]): boolean | undefined {
  return createSetStore({ s: spec }).test('s', makePacket(pkt), dirs, ctx);
}

describe('ipset store', () => {
  it('hash:ip and hash:net, with ranges, CIDR members and nomatch', () => {
    const hip = { type: 'hash:ip', members: ['10.0.0.5', '10.0.1.0/30', '10.0.2.1-10.0.2.3'] };
    expect(['10.0.0.5', '10.0.1.3', '10.0.1.4', '10.0.2.2', '10.0.2.4'].map((a) => inSet(hip, { src: ip(a) }, ['src']))).toEqual([true, true, false, true, false]);
    const net = { type: 'hash:net', members: ['192.0.2.0/24', '192.0.2.0/25 nomatch', '192.0.2.64/26'] };
    // The most specific entry decides: .70 is in the /26 (match), .10 only in the nomatch /25.
    expect(['192.0.2.70', '192.0.2.10', '192.0.2.200', '198.51.100.1'].map((a) => inSet(net, { dst: ip(a) }, ['dst']))).toEqual([true, false, true, false]);
    const store = createSetStore({ s: net }) as ReturnType<typeof createSetStore> & { lookup: Function };
    expect(store.lookup('s', makePacket({ src: ip('192.0.2.10') }), ['src'], ctx)).toBe('nomatch');
  });
  it('port dimensions: protocol prefixes and ranges, tcp by default', () => {
    const s = { type: 'hash:ip,port', members: ['10.0.0.5,tcp:22', '10.0.0.5,udp:53', '10.0.0.6,8000-8080'] };
    const p = (dst: string, proto: number, dport: number) => inSet(s, { dst: ip(dst), proto, dport }, ['dst', 'dst']);
    expect([p('10.0.0.5', 6, 22), p('10.0.0.5', 17, 22), p('10.0.0.5', 17, 53), p('10.0.0.6', 6, 8042), p('10.0.0.6', 17, 8042)]).toEqual([true, false, true, true, false]);
    const hnp = { type: 'hash:net,port', members: ['10.0.0.0/24,tcp:443'] };
    expect(inSet(hnp, { src: ip('10.0.0.9'), proto: 6, dport: 443 }, ['src', 'dst'])).toBe(true);
    expect(inSet(hnp, { src: ip('10.0.0.9'), proto: 6, sport: 443 }, ['src', 'dst'])).toBe(false);
    const ipi = { type: 'hash:ip,port,ip', members: ['10.0.0.5,tcp:80,192.0.2.1'] };
    expect(inSet(ipi, { src: ip('10.0.0.5'), dst: ip('192.0.2.1'), proto: 6, dport: 80 }, ['src', 'dst', 'dst'])).toBe(true);
    const ipn = { type: 'hash:ip,port,net', members: ['10.0.0.5,udp:53,192.0.2.0/24'] };
    expect(inSet(ipn, { src: ip('10.0.0.5'), dst: ip('192.0.2.99'), proto: 17, dport: 53 }, ['src', 'dst', 'dst'])).toBe(true);
  });
  it('interfaces, marks and MAC addresses', () => {
    const ni = { type: 'hash:net,iface', members: ['10.0.0.0/24,eth1'] };
    expect(inSet(ni, { src: ip('10.0.0.3'), iif: 'eth1' }, ['src', 'src'])).toBe(true);
    expect(inSet(ni, { src: ip('10.0.0.3'), iif: 'eth0' }, ['src', 'src'])).toBe(false);
    expect(inSet(ni, { src: ip('10.0.0.3'), oif: 'eth1' }, ['src', 'dst'])).toBe(true);
    const im = { type: 'hash:ip,mark', members: ['10.0.0.3,0x10'] };
    expect(inSet(im, { dst: ip('10.0.0.3'), mark: 16 }, ['dst', 'src'])).toBe(true);
    expect(inSet(im, { dst: ip('10.0.0.3'), mark: 17 }, ['dst', 'src'])).toBe(false);
    const mac = { type: 'hash:mac', members: ['02:00:00:00:00:AA'] };
    expect(inSet(mac, { macSrc: '02:00:00:00:00:aa' }, ['src'])).toBe(true);
  });
  it('bitmap types need a range and keep members inside it', () => {
    expect(inSet({ type: 'bitmap:ip', range: '192.168.0.0/24', members: ['192.168.0.10'] }, { src: ip('192.168.0.10') }, ['src'])).toBe(true);
    expect(inSet({ type: 'bitmap:port', range: '0-1024', members: ['22', '80-90'] }, { proto: 6, dport: 85 }, ['dst'])).toBe(true);
    expect(() => createSetStore({ b: { type: 'bitmap:ip', range: '192.168.0.0/24', members: ['10.0.0.1'] } })).toThrow('set b: member "10.0.0.1" is outside the set\'s range 192.168.0.0/24');
    expect(() => createSetStore({ b: { type: 'bitmap:port', members: ['22'] } })).toThrow('set b: bitmap:port needs a "range"');
  });
  it('list:set matches when any member set does', () => {
    const store = createSetStore({
      a: { type: 'hash:ip', members: ['10.0.0.1'] }, b: { type: 'hash:net', members: ['192.0.2.0/24'] }, all: { type: 'list:set', members: ['a', 'b'] },
    });
    expect(store.test('all', makePacket({ src: ip('192.0.2.7') }), ['src'], ctx)).toBe(true);
    expect(store.test('all', makePacket({ src: ip('10.0.0.2') }), ['src'], ctx)).toBe(false);
    expect(store.test('none', makePacket(), ['src'], ctx)).toBe(undefined);
    expect(store.has('all')).toBe(true);
  });
  it('names the member it cannot read', () => {
    expect(() => createSetStore({ s: { type: 'hash:ip', members: ['10.0.0.300'] } })).toThrow('"10.0.0.300"');
    expect(() => createSetStore({ s: { type: 'hash:ip,port', members: ['10.0.0.1'] } })).toThrow('member "10.0.0.1" needs 2 part(s)');
    expect(() => createSetStore({ s: { type: 'hash:ip,port', members: ['10.0.0.1,tcp:70000'] } })).toThrow('"10.0.0.1,tcp:70000": "tcp:70000" is not a valid port');
    expect(() => createSetStore({ s: { type: 'hash:ip', members: ['10.0.0.1 nomatch'] } })).toThrow('member "10.0.0.1 nomatch": nomatch is only for hash:net types');
    expect(() => createSetStore({ s: { type: 'hash:foo', members: [] } })).toThrow('set s: unknown type "hash:foo"');
  });
});
