import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('udp', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-p udp --dport 53')).toBe('-p udp -m udp --dport 53');
    expect(saved('-p udp ! --sport 53 ! --dport 1000:2000')).toBe('-p udp -m udp ! --sport 53 ! --dport 1000:2000');
    expect(saved('-p udp --dport :1023')).toBe('-p udp -m udp --dport 0:1023');
    expect(saved('-p udp --source-port 5 --destination-port 6')).toBe('-p udp -m udp --sport 5 --dport 6');
    expect(saved('-p udp -m udp --dport 0:65535')).toBe('-p udp -m udp');
    expect(saved('-p udp --dport 70000')).toBe('-p udp -m udp --dport 4464');
    expect(saved('-p udp --dport 20:10')).toBe('-p udp -m udp --dport 20:10');
    expect(listed('-p udp --sport 1024:65535 --dport 53')).toBe('udp spts:1024:65535 dpt:53');
    expect(listed('-p udp ! --sport 53 ! --dport 1000:2000')).toBe('udp spt:!53 dpts:!1000:2000');
    expect(listed('-p udp --dport :')).toBe('udp');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-p udp --dport abc')).toBe('Port "abc" does not resolve to anything.');
    expect(error('-p udp --dport 0x10')).toBe('Port "0x10" does not resolve to anything.');
    expect(error('-p udp --dport 1:2:3')).toBe('udp: Too many components for option "--destination-port" (max: 2)');
    expect(error('-m udp --dport 53')).toBe("UDP match requires '-p udp'");
  });
  it('matches ports', () => {
    const m = matchOf<any>('-p udp --sport 1024:65535 --dport 53');
    const ctx = testContext();
    expect(m.module.match(makePacket({ proto: 17, sport: 40000, dport: 53 }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ proto: 17, sport: 40000, dport: 54 }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.match(makePacket({ proto: 17, sport: 53, dport: 53 }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.match(makePacket({ proto: 17, sport: 40000, dport: 53, fragOffset: 10 }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.explain!(makePacket({ proto: 17, sport: 40000, dport: 54 }), m.options, ctx)).toBe('dport 54 is not 53');
    const r = matchOf<any>('-p udp --dport 20:10');
    expect(r.module.match(makePacket({ proto: 17, dport: 15 }), r.options, ctx, r.state)).toBe(false);
  });
});
