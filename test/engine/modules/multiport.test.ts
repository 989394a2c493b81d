import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('multiport', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-p tcp -m multiport --destination-ports ssh,http')).toBe('-p tcp -m multiport --dports 22,80');
    expect(saved('-p tcp -m multiport ! --ports 22,1000:2000')).toBe('-p tcp -m multiport ! --ports 22,1000:2000');
    expect(saved('-p sctp -m multiport --dports 22')).toBe('-p sctp -m multiport --dports 22');
    expect(listed('-p tcp -m multiport --dports 22,80,443')).toBe('multiport dports 22,80,443');
    expect(listed('-p udp -m multiport --ports 53,123')).toBe('multiport ports 53,123');
    expect(listed('-p tcp -m multiport ! --dports 22,80')).toBe('multiport dports  !22,80');
    expect(listed('-p tcp -m multiport --sports 1024:65535')).toBe('multiport sports 1024:65535');
  });
  it('counts a range as two of the 15 ports', () => {
    expect(saved('-p tcp -m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15')).toBe('-p tcp -m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15');
    expect(error('-p tcp -m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16')).toBe('too many ports specified');
    expect(error('-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16')).toBe('too many ports specified');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-p tcp -m multiport --dports 2000:1000')).toBe('invalid portrange specified');
    expect(error('-p tcp -m multiport --dports :1000')).toBe("invalid port/service `' specified");
    expect(error('-p tcp -m multiport --dports 22,,80')).toBe("invalid port/service `' specified");
    expect(error('-p tcp -m multiport --dports 70000')).toBe("invalid port/service `70000' specified");
    expect(error('-p tcp -m multiport --dports 22 --sports 80')).toBe('multiport: option "--source-ports" cannot be used together with "--destination-ports".');
    expect(error('-p tcp -m multiport')).toBe('multiport expection an option');
    expect(error('-m multiport --dports 22')).toBe("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
    expect(error('-p icmp -m multiport --dports 22')).toBe('multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP');
    expect(error('! -p tcp -m multiport --dports 22')).toBe('multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP');
  });
  it('matches any port in the list', () => {
    const ctx = testContext();
    const m = matchOf<any>('-p tcp -m multiport --dports 22,8000:8080');
    expect(m.module.match(makePacket({ proto: 6, dport: 8042 }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ proto: 6, dport: 443 }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.explain!(makePacket({ proto: 6, dport: 443 }), m.options, ctx)).toBe('dport 443 is not in 22,8000:8080');
    const p = matchOf<any>('-p udp -m multiport --ports 53');
    expect(p.module.match(makePacket({ proto: 17, sport: 53, dport: 40000 }), p.options, ctx, p.state)).toBe(true);
    expect(p.module.match(makePacket({ proto: 17, sport: 40000, dport: 53 }), p.options, ctx, p.state)).toBe(true);
    expect(p.module.match(makePacket({ proto: 17, sport: 1, dport: 2 }), p.options, ctx, p.state)).toBe(false);
    const n = matchOf<any>('-p tcp -m multiport ! --dports 22');
    expect(n.module.match(makePacket({ proto: 6, dport: 80 }), n.options, ctx, n.state)).toBe(true);
    expect(n.module.match(makePacket({ proto: 6, dport: 22 }), n.options, ctx, n.state)).toBe(false);
  });
});
