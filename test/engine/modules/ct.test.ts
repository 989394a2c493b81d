import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void testContext; void error; void listed; void saved; void target;

describe('CT', () => {
  it('saves and lists as the kernel printed them', () => {
    const cases: [string, string, string][] = [
      ['-j CT --notrack', '-j CT --notrack', 'CT notrack'],
      ['-j CT --zone 5', '-j CT --zone 5', 'CT zone 5'],
      ['-j CT --zone-orig 5', '-j CT --zone-orig 5', 'CT zone-orig 5'],
      ['-j CT --zone mark', '-j CT --zone mark', 'CT zone mark'],
      ['-j CT', '-j CT', 'CT'],
      ['-j CT --ctevents new,related,destroy,reply,assured,protoinfo,helper,mark', '-j CT --ctevents new,related,destroy,reply,assured,protoinfo,helper,mark', 'CT ctevents new,related,destroy,reply,assured,protoinfo,helper,mark'],
      ['-p tcp -j CT --zone 3 --helper ftp --ctevents new,related --expevents new --notrack', '-p tcp -j CT --notrack --helper ftp --ctevents new,related --expevents new --zone 3', 'CT notrack helper ftp ctevents new,related expevents new zone 3'],
      ['-p tcp -j CT --helper ftp --zone-orig 2', '-p tcp -j CT --helper ftp --zone-orig 2', 'CT helper ftp zone-orig 2'],
    ];
    for (const [spec, s, l] of cases) {
      expect(saved('raw', 'PREROUTING', spec)).toBe(`-A PREROUTING ${s}`);
      expect(listed('raw', 'PREROUTING', spec)).toBe(l);
    }
  });
  it('refuses what iptables and the kernel refuse', () => {
    expect(error('raw', 'PREROUTING', '-j CT --zone 70000')).toBe('Cannot parse 70000 as a zone ID');
    expect(error('raw', 'PREROUTING', '-j CT --helper bogus')).toMatch(/no conntrack helper "bogus"/);
    expect(error('mangle', 'PREROUTING', '-j CT --zone 1')).toMatch(/only valid in the raw table/);
  });
  it('untracks, or sets zone and helper', () => {
    const run = (spec: string) => {
      const t = target('raw', 'PREROUTING', spec);
      const seen: string[] = [];
      const ctx = testContext({ setCtZone: (z) => seen.push(`zone ${z}`), setCtHelper: (h) => seen.push(`helper ${h}`) });
      expect(t.module.apply(makePacket(), t.options, ctx)).toBe('CONTINUE');
      return [ctx.notracked, seen];
    };
    expect(run('-j CT --notrack')).toEqual([true, []]);
    expect(run('-p tcp -j CT --zone 3 --helper ftp')).toEqual([false, ['zone 3', 'helper ftp']]);
  });
  it('translates', () => {
    const x = (spec: string) => { const t = target('raw', 'PREROUTING', spec); return t.module.xlate!(t.options); };
    expect(x('-j CT --notrack')).toEqual({ nft: 'notrack' });
    expect(x('-j CT --zone 5')).toEqual({ nft: 'ct zone set 5', note: 'iptables-translate 1.8.9 leaves CT --zone untranslated' });
    expect(x('-j CT --expevents new')).toHaveProperty('untranslatable');
  });
});
