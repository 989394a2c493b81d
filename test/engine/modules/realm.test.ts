import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseRuleset } from '../../../src/engine/parse';
import { testContext } from '../../helpers/context';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { Host } from '../../../src/engine/sim/host';
import { classid } from '../../../src/engine/modules/matches/realm';
import { error, listed, matchOf, saved } from './match-helper';

describe('realm', () => {
  it('saves and lists as iptables 1.8.9 printed them (realm 0 by its name)', () => {
    expect(saved('-m realm --realm 10')).toBe('-m realm --realm 0xa');
    expect(listed('-m realm --realm 10')).toBe('realm 0xa');
    expect(saved('-m realm ! --realm 0x10/0xff')).toBe('-m realm ! --realm 0x10/0xff');
    expect(listed('-m realm ! --realm 0x10/0xff')).toBe('! realm 0x10/0xff');
    expect(saved('-m realm --realm 0')).toBe('-m realm --realm cosmos');
    expect(listed('-m realm --realm cosmos')).toBe('realm 0x0');
    expect(saved('-m realm --realm 010')).toBe('-m realm --realm 0x8');
  });
  it('refuses bad input with iptables wording, and PREROUTING as the kernel does', () => {
    expect(error('-m realm --realm foo')).toBe('realm: could not map name foo to an integer value for option "--realm".');
    expect(error('-m realm --realm 10/x')).toBe('realm: bad integer value for option "--realm", or out of range.');
    expect(error('-m realm')).toBe('realm: option "--realm" must be specified');
    expect(parseRuleset('*mangle\n-A PREROUTING -m realm --realm 1\nCOMMIT\n').diagnostics[0].message).toMatch(/^realm match: not valid in PREROUTING/);
  });
  it('reads the realms of the routes: to the destination (low half), back to the source (high half)', () => {
    const host = new Host({
      interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }, { name: 'eth1', addresses: ['10.0.0.1/24'] }],
      routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }, { to: '192.0.2.0/24', via: '10.0.0.2', dev: 'eth1', realm: 5 },
        { to: '198.51.100.0/24', via: '203.0.113.1', realm: 3 }],
    });
    const pkt = (iif: string | null, src: string, dst: string) => makePacket({ iif, src: parseIPv4(src)!, dst: parseIPv4(dst)! });
    const id = (p: ReturnType<typeof pkt>, hook: 'FORWARD' | 'INPUT' | 'OUTPUT') => classid(p, testContext({ host, hook }));
    // As recorded in test/kernel/cases/modules-more/realm-forward, realm-input, realm-output.
    expect(id(pkt('eth0', '198.51.100.7', '192.0.2.9'), 'FORWARD')).toBe(0x30005);
    expect(id(pkt('eth0', '203.0.113.50', '192.0.2.9'), 'FORWARD')).toBe(5);
    expect(id(pkt('eth1', '192.0.2.9', '10.0.0.1'), 'INPUT')).toBe(0x50000);
    expect(id(pkt(null, '203.0.113.10', '192.0.2.9'), 'OUTPUT')).toBe(5);
    expect(id(pkt(null, '203.0.113.10', '198.51.100.7'), 'OUTPUT')).toBe(3);
    const m = (s: string) => { const x = matchOf<unknown>(`-m realm ${s}`, 'FORWARD'); return x.module.match(pkt('eth0', '198.51.100.7', '192.0.2.9'), x.options, testContext({ host, hook: 'FORWARD' }), x.state); };
    expect([m('--realm 5'), m('--realm 5/0xffff'), m('! --realm 0x30000/0xffff0000'), m('--realm 0x10/0x0f')]).toEqual([false, true, false, false]);
    expect(() => new Host({ interfaces: [{ name: 'eth0', addresses: ['10.0.0.1/24'] }], routes: [{ to: '10.1.0.0/16', dev: 'eth0', realm: 256 }] }))
      .toThrow('host.routes[0].realm: realm 256 is not a number 0-255');
    // Without any realm, the kernel works none out: every packet is in realm 0.
    expect(classid(pkt('eth0', '1.2.3.4', '5.6.7.8'), testContext({ hook: 'FORWARD' }))).toBe(0);
  });
  it('translates as iptables-translate 1.8.9 does', () => {
    const x = (s: string) => { const y = matchOf<unknown>(`-m realm ${s}`); return y.module.xlate!(y.options); };
    expect(x('--realm 10')).toEqual({ nft: 'rtclassid 0xa' });
    expect(x('! --realm 0x10/0xff')).toEqual({ nft: 'rtclassid and 0xff != 0x10' });
    expect(x('--realm 5/0xff')).toEqual({ nft: 'rtclassid and 0xff == 0x5' });
    expect(x('--realm cosmos')).toEqual({ nft: 'rtclassid cosmos' });
  });
});
