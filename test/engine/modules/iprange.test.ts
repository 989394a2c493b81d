import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('iprange', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-m iprange --src-range 10.0.0.1-10.0.0.9')).toBe('-m iprange --src-range 10.0.0.1-10.0.0.9');
    expect(saved('-m iprange --src-range 10.0.0.5')).toBe('-m iprange --src-range 10.0.0.5-10.0.0.5');
    expect(saved('-m iprange --src-range 10.1-10.2')).toBe('-m iprange --src-range 10.1.0.0-10.2.0.0');
    expect(saved('-m iprange --src-range 10.0.0.9-10.0.0.1')).toBe('-m iprange --src-range 10.0.0.9-10.0.0.1');
    expect(listed('-m iprange --dst-range 10.0.0.1-10.0.0.9')).toBe('destination IP range 10.0.0.1-10.0.0.9');
    expect(listed('-m iprange ! --src-range 10.0.0.1-10.0.0.9 ! --dst-range 192.168.0.1-192.168.0.255'))
      .toBe('source IP range ! 10.0.0.1-10.0.0.9 destination IP range ! 192.168.0.1-192.168.0.255');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m iprange --src-range 10.0.0.1-')).toBe('iprange: Bad value for "--src-range" option: ""');
    expect(error('-m iprange --dst-range 10.0.0.1-foo')).toBe('iprange: Bad value for "--dst-range" option: "foo"');
    expect(error('-m iprange --src-range 10.0.0.0/24')).toBe('iprange: Bad value for "--src-range" option: "10.0.0.0/24"');
    expect(error('-m iprange --src-range 10.0.0.1-10.0.0.2-10.0.0.3')).toBe('iprange: Bad value for "--src-range" option: "10.0.0.2-10.0.0.3"');
    expect(error('-m iprange')).toBe("iprange match: You must specify `--src-range' or `--dst-range'");
  });
  it('matches addresses in the range', () => {
    const ctx = testContext();
    const m = matchOf<any>('-m iprange --src-range 10.0.0.1-10.0.0.9');
    expect(m.module.match(makePacket({ src: parseIPv4('10.0.0.9')! }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ src: parseIPv4('10.0.0.10')! }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.explain!(makePacket({ src: parseIPv4('10.0.0.10')! }), m.options, ctx)).toBe('source 10.0.0.10 is not in 10.0.0.1-10.0.0.9');
    const r = matchOf<any>('-m iprange --src-range 10.0.0.9-10.0.0.1');
    expect(r.module.match(makePacket({ src: parseIPv4('10.0.0.5')! }), r.options, ctx, r.state)).toBe(false);
    const n = matchOf<any>('-m iprange ! --dst-range 192.168.0.1-192.168.0.255');
    expect(n.module.match(makePacket({ dst: parseIPv4('192.168.0.7')! }), n.options, ctx, n.state)).toBe(false);
    expect(n.module.match(makePacket({ dst: parseIPv4('192.168.1.7')! }), n.options, ctx, n.state)).toBe(true);
  });
});
