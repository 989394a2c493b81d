import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('sctp', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-p sctp --dport 80')).toBe('-p sctp -m sctp --dport 80');
    expect(saved('-p sctp --dport 0:65535')).toBe('-p sctp -m sctp --dport 0:65535');
    expect(listed('-p sctp --dport 0:65535')).toBe('sctp');
    expect(listed('-p sctp --sport 1:1000 ! --dport 80')).toBe('sctp spts:1:1000 dpt:!80');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-p sctp --dport 70000')).toBe("invalid port/service `70000' specified");
    expect(error('-p sctp --dport 20:10')).toBe('invalid portrange (min > max)');
    expect(error('-p sctp --dport 1:2:3')).toBe("invalid port/service `2:3' specified");
  });
  it('matches ports', () => {
    const ctx = testContext();
    const m = matchOf<any>('-p sctp --sport 1:1000 ! --dport 80');
    expect(m.module.match(makePacket({ proto: 132, sport: 5, dport: 81 }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ proto: 132, sport: 5, dport: 80 }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.explain!(makePacket({ proto: 132, sport: 5, dport: 80 }), m.options, ctx)).toBe('dport 80 is 80');
  });
});
