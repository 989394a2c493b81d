import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('pkttype', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-m pkttype --pkt-type host')).toBe('-m pkttype --pkt-type unicast');
    expect(saved('-m pkttype --pkt-type Unicast')).toBe('-m pkttype --pkt-type unicast');
    expect(saved('-m pkttype --pkt-type otherhost')).toBe('-m pkttype --pkt-type otherhost');
    expect(listed('-m pkttype --pkt-type broadcast')).toBe('PKTTYPE = broadcast');
    expect(listed('-m pkttype ! --pkt-type multicast')).toBe('PKTTYPE != multicast');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m pkttype --pkt-type foo')).toBe("Bad packet type 'foo'");
    expect(error('-m pkttype --pkt-type loopback')).toBe("Bad packet type 'loopback'");
    expect(error('-m pkttype')).toBe('pkttype: option "--pkt-type" must be specified');
  });
  it('matches the link-layer type (the packet model says host for unicast)', () => {
    const ctx = testContext();
    const u = matchOf<any>('-m pkttype --pkt-type unicast');
    expect(u.module.match(makePacket({ pkttype: 'host' }), u.options, ctx, u.state)).toBe(true);
    expect(u.module.match(makePacket({ pkttype: 'broadcast' }), u.options, ctx, u.state)).toBe(false);
    expect(u.module.explain!(makePacket({ pkttype: 'broadcast' }), u.options, ctx)).toBe('packet type broadcast is not unicast');
    const m = matchOf<any>('-m pkttype --pkt-type multicast');
    expect(m.module.match(makePacket({ pkttype: 'host', dst: parseIPv4('224.0.0.251')! }), m.options, ctx, m.state)).toBe(true);
    const o = matchOf<any>('-m pkttype ! --pkt-type otherhost');
    expect(o.module.match(makePacket({ pkttype: 'otherhost' }), o.options, ctx, o.state)).toBe(false);
  });
});
