import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('ttl match', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-m ttl --ttl 5')).toBe('-m ttl --ttl-eq 5');
    expect(saved('-m ttl ! --ttl-eq 64')).toBe('-m ttl ! --ttl-eq 64');
    expect(saved('-m ttl --ttl-eq 0x40')).toBe('-m ttl --ttl-eq 64');
    expect(listed('-m ttl --ttl-eq 64')).toBe('TTL match TTL == 64');
    expect(listed('-m ttl ! --ttl-eq 64')).toBe('TTL match TTL != 64');
    expect(listed('-m ttl --ttl-lt 10')).toBe('TTL match TTL < 10');
    expect(listed('-m ttl --ttl-gt 200')).toBe('TTL match TTL > 200');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m ttl --ttl-eq 256')).toBe('ttl: bad value for option "--ttl-eq", or out of range (0-255).');
    expect(error('-m ttl --ttl-gt abc')).toBe('ttl: bad value for option "--ttl-gt", or out of range (0-255).');
    expect(error('-m ttl --ttl-lt 10 --ttl-gt 20')).toBe('ttl: option "--ttl-lt" cannot be used together with "--ttl-gt".');
    expect(error('-m ttl --ttl-eq 64 --ttl-lt 3')).toBe('ttl: option "--ttl-lt" cannot be used together with "--ttl-eq".');
    expect(error('-m ttl')).toBe("TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt");
  });
  it('compares the TTL', () => {
    const ctx = testContext();
    const lt = matchOf<any>('-m ttl --ttl-lt 10');
    expect(lt.module.match(makePacket({ ttl: 9 }), lt.options, ctx, lt.state)).toBe(true);
    expect(lt.module.match(makePacket({ ttl: 10 }), lt.options, ctx, lt.state)).toBe(false);
    expect(lt.module.explain!(makePacket({ ttl: 10 }), lt.options, ctx)).toBe('TTL 10 is not < 10');
    const ne = matchOf<any>('-m ttl ! --ttl-eq 64');
    expect(ne.module.match(makePacket({ ttl: 64 }), ne.options, ctx, ne.state)).toBe(false);
    expect(ne.module.match(makePacket({ ttl: 63 }), ne.options, ctx, ne.state)).toBe(true);
  });
});
