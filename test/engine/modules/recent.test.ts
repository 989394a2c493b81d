import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

const from = (src: string, ttl = 64) => makePacket({ src: parseIPv4(src)!, dst: parseIPv4('10.0.0.1')!, ttl, iif: 'eth0' });

describe('recent', () => {
  it('saves and lists as iptables 1.8.9 printed them, defaults filled in', () => {
    const cases: [string, string, string][] = [
      ['--set', '--set --name DEFAULT --mask 255.255.255.255 --rsource', 'recent: SET name: DEFAULT side: source mask: 255.255.255.255'],
      ['--set --name SSH --rdest', '--set --name SSH --mask 255.255.255.255 --rdest', 'recent: SET name: SSH side: dest mask: 255.255.255.255'],
      ['--rcheck --seconds 60 --hitcount 4 --name SSH --rsource', '--rcheck --seconds 60 --hitcount 4 --name SSH --mask 255.255.255.255 --rsource',
        'recent: CHECK seconds: 60 hit_count: 4 name: SSH side: source mask: 255.255.255.255'],
      ['! --update --seconds 60 --reap --rttl --name x --mask 255.255.255.0', '! --update --seconds 60 --reap --rttl --name x --mask 255.255.255.0 --rsource',
        '! recent: UPDATE seconds: 60 reap TTL-Match name: x side: source mask: 255.255.255.0'],
      ['--rcheck --seconds 5 --hitcount 3 --reap --name Z', '--rcheck --seconds 5 --reap --hitcount 3 --name Z --mask 255.255.255.255 --rsource',
        'recent: CHECK seconds: 5 reap hit_count: 3 name: Z side: source mask: 255.255.255.255'],
      ['--remove --name SSH', '--remove --name SSH --mask 255.255.255.255 --rsource', 'recent: REMOVE name: SSH side: source mask: 255.255.255.255'],
      ['--update --hitcount 300', '--update --hitcount 300 --name DEFAULT --mask 255.255.255.255 --rsource', 'recent: UPDATE hit_count: 300 name: DEFAULT side: source mask: 255.255.255.255'],
    ];
    for (const [given, save, list] of cases) {
      expect(saved(`-m recent ${given}`)).toBe(`-m recent ${save}`);
      expect(listed(`-m recent ${given}`)).toBe(list);
    }
  });
  it('refuses what iptables or the kernel refuses', () => {
    expect(error('-m recent')).toBe("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
    expect(error('-m recent --set --rcheck')).toBe('recent: option "--set" cannot be used together with "--rcheck".');
    expect(error('-m recent --rcheck --reap')).toBe('recent: option "--reap" also requires "--seconds".');
    expect(error('-m recent --set --rttl')).toBe('recent: option "--rttl" cannot be used together with "--set".');
    expect(error('-m recent --rcheck --seconds 0')).toBe('recent: bad value for option "--seconds", or out of range (1-4294967295).');
    expect(error('-m recent --set --seconds 10')).toBe('recent: the kernel refuses --seconds with --set, they go with --rcheck or --update (RULE_APPEND failed (Invalid argument))');
    expect(error('-m recent --rcheck --hitcount 65536')).toBe('recent: the kernel refuses --hitcount 65536: at most 65535 (RULE_APPEND failed (Invalid argument))');
    expect(error('-m recent --set --name a/b')).toBe('recent: the kernel refuses the list name "a/b" (RULE_APPEND failed (Invalid argument))');
  });
  it('drops the 4th new SSH connection within 60 s (--set, then --update --hitcount 4)', () => {
    const set = matchOf<any>('-m recent --set --name SSH');
    const upd = matchOf<any>('-m recent --update --seconds 60 --hitcount 4 --name SSH');
    const ctx = testContext();
    const conn = (now: number, src = '198.51.100.7') => {
      ctx.now = now;
      set.module.match(from(src), set.options, ctx, set.state);
      return upd.module.match(from(src), upd.options, ctx, upd.state);
    };
    expect([conn(0), conn(10), conn(20), conn(30), conn(30, '198.51.100.8')]).toEqual([false, false, false, true, false]);
    // Each dropped attempt records two hits (--set, then --update): at 40 s the window holds 6; at 95 s
    // only the hits of 40 s and 95 s are left, 3 of them.
    expect([conn(40), conn(95)]).toEqual([true, false]);
    ctx.now = 300;
    expect(upd.module.explain!(from('198.51.100.7'), upd.options, ctx)).toBe('198.51.100.7 was seen 0 times in the last 60 s in list SSH, not 4');
  });
  it('--rcheck without --seconds matches any listed address; --remove takes it out', () => {
    const set = matchOf<any>('-m recent --set --name K');
    const chk = matchOf<any>('-m recent --rcheck --name K');
    const rm = matchOf<any>('-m recent --remove --name K');
    const ctx = testContext();
    const r = (m: typeof set) => m.module.match(from('1.2.3.4'), m.options, ctx, m.state);
    expect([r(chk), r(rm), r(set), r(chk), r(rm), r(chk), r(rm)]).toEqual([false, false, true, true, true, false, false]);
    expect(chk.module.explain!(from('1.2.3.4'), chk.options, ctx)).toBe('1.2.3.4 is not in list K');
  });
  it('keeps 32 timestamps per address unless a --hitcount needs more', () => {
    const set = matchOf<any>('-m recent --set --name N');
    const chk = matchOf<any>('-m recent --rcheck --hitcount 32 --name N');
    const ctx = testContext();
    for (let i = 0; i < 40; i++) set.module.match(from('1.2.3.4'), set.options, ctx, set.state);
    expect(chk.module.match(from('1.2.3.4'), chk.options, ctx, chk.state)).toBe(true);
    const chk33 = matchOf<any>('-m recent --rcheck --hitcount 33 --name N2');
    const set2 = matchOf<any>('-m recent --set --name N2');
    chk33.module.match(from('1.2.3.4'), chk33.options, ctx, chk33.state);
    for (let i = 0; i < 40; i++) set2.module.match(from('1.2.3.4'), set2.options, ctx, set2.state);
    // A --hitcount of 33 sizes the list for 64 timestamps.
    expect(chk33.module.match(from('1.2.3.4'), chk33.options, ctx, chk33.state)).toBe(true);
  });
  it('--rttl needs the TTL the address was recorded with; --mask groups addresses', () => {
    const set = matchOf<any>('-m recent --set --name T --mask 255.255.255.0');
    const chk = matchOf<any>('-m recent --rcheck --rttl --name T --mask 255.255.255.0');
    const ctx = testContext();
    set.module.match(from('1.2.3.4', 50), set.options, ctx, set.state);
    expect(chk.module.match(from('1.2.3.99', 50), chk.options, ctx, chk.state)).toBe(true);
    expect(chk.module.match(from('1.2.3.4', 51), chk.options, ctx, chk.state)).toBe(false);
    expect(chk.module.match(from('1.2.4.4', 50), chk.options, ctx, chk.state)).toBe(false);
  });
});
