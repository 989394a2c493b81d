import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import type { Conn } from '../../../src/engine/model/conntrack';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('connbytes', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    const cases: [string, string, string][] = [
      ['--connbytes 10000: --connbytes-dir both --connbytes-mode bytes', '--connbytes 10000 --connbytes-mode bytes --connbytes-dir both', 'connbytes 10000 connbytes mode bytes connbytes direction both'],
      ['--connbytes 10:20 --connbytes-dir original --connbytes-mode packets', '--connbytes 10:20 --connbytes-mode packets --connbytes-dir original', 'connbytes 10:20 connbytes mode packets connbytes direction original'],
      ['! --connbytes 10:20 --connbytes-dir reply --connbytes-mode avgpkt', '! --connbytes 10:20 --connbytes-mode avgpkt --connbytes-dir reply', '! connbytes 10:20 connbytes mode avgpkt connbytes direction reply'],
      ['--connbytes :10 --connbytes-dir reply --connbytes-mode avgpkt', '--connbytes 0:10 --connbytes-mode avgpkt --connbytes-dir reply', 'connbytes 0:10 connbytes mode avgpkt connbytes direction reply'],
      ['--connbytes 0:0 --connbytes-dir both --connbytes-mode bytes', '--connbytes 0 --connbytes-mode bytes --connbytes-dir both', 'connbytes 0 connbytes mode bytes connbytes direction both'],
      ['--connbytes 010:0x20 --connbytes-dir both --connbytes-mode bytes', '--connbytes 8:32 --connbytes-mode bytes --connbytes-dir both', 'connbytes 8:32 connbytes mode bytes connbytes direction both'],
    ];
    for (const [given, save, list] of cases) {
      expect(saved(`-m connbytes ${given}`)).toBe(`-m connbytes ${save}`);
      expect(listed(`-m connbytes ${given}`)).toBe(list);
    }
  });
  it('refuses bad input with iptables wording', () => {
    const d = '--connbytes-dir both --connbytes-mode bytes';
    expect(error(`-m connbytes --connbytes 20:10 ${d}`)).toBe('20 should be less than 10');
    expect(error(`-m connbytes --connbytes x ${d}`)).toBe('connbytes: bad value for option "--connbytes" near "x", or out of range (0-18446744073709551615).');
    expect(error('-m connbytes --connbytes 10 --connbytes-dir foo --connbytes-mode bytes')).toBe('Unknown --connbytes-dir `foo\'');
    expect(error('-m connbytes --connbytes 10 --connbytes-dir both --connbytes-mode foo')).toBe('Unknown --connbytes-mode `foo\'');
    expect(error('-m connbytes --connbytes 10 --connbytes-dir both')).toBe('connbytes: option "--connbytes-mode" must be specified');
    expect(error('-m connbytes --connbytes 10 --connbytes-mode bytes')).toBe('connbytes: option "--connbytes-dir" must be specified');
    expect(error(`-m connbytes ${d}`)).toBe('connbytes: option "--connbytes" must be specified');
  });
  it('reads the connection\'s counters in the option\'s direction; no connection never matches', () => {
    const ct = { id: 1, counters: { packets: [3, 2], bytes: [300, 101] } } as unknown as Conn;
    const m = (s: string, ctx = testContext({ ct })) => { const x = matchOf<unknown>(`-m connbytes ${s}`); return x.module.match(makePacket(), x.options, ctx, x.state); };
    expect([m('--connbytes 300: --connbytes-dir original --connbytes-mode bytes'), m('--connbytes 302: --connbytes-dir original --connbytes-mode bytes')]).toEqual([true, false]);
    expect([m('--connbytes 2:2 --connbytes-dir reply --connbytes-mode packets'), m('--connbytes 5 --connbytes-dir both --connbytes-mode packets')]).toEqual([true, true]);
    // avgpkt rounds down: 401 / 5 is 80; 101 / 2 is 50.
    expect([m('--connbytes 80:80 --connbytes-dir both --connbytes-mode avgpkt'), m('--connbytes 0:50 --connbytes-dir reply --connbytes-mode avgpkt')]).toEqual([true, true]);
    expect([m('! --connbytes 4 --connbytes-dir original --connbytes-mode packets'), m('! --connbytes 3 --connbytes-dir original --connbytes-mode packets')]).toEqual([true, false]);
    expect(m('! --connbytes 9 --connbytes-dir both --connbytes-mode packets', testContext())).toBe(false);
    const x = matchOf<unknown>('-m connbytes --connbytes 60: --connbytes-dir reply --connbytes-mode avgpkt');
    expect(x.module.explain!(makePacket(), x.options, testContext({ ct }))).toBe('the connection counts 50 bytes per packet (reply), outside 60:');
  });
  it('reads ! with a single value as the value itself, as the kernel stores it (connbytes-negated-single)', () => {
    const spec = '-m connbytes ! --connbytes 2:2 --connbytes-dir original --connbytes-mode packets';
    expect(saved(spec)).toBe('-m connbytes --connbytes 2:2 --connbytes-mode packets --connbytes-dir original');
    const x = matchOf<unknown>(spec);
    const at = (n: number) => x.module.match(makePacket(), x.options, testContext({ ct: { id: 1, counters: { packets: [n, 0], bytes: [0, 0] } } as unknown as Conn }), x.state);
    expect([at(1), at(2), at(3)]).toEqual([false, true, false]);
  });
  it('translates as iptables-translate 1.8.9 does', () => {
    const x = (s: string) => { const m = matchOf<unknown>(`-m connbytes ${s}`); return m.module.xlate!(m.options); };
    expect(x('--connbytes 10000: --connbytes-dir both --connbytes-mode bytes')).toEqual({ nft: 'ct bytes ge 10000' });
    expect(x('--connbytes 10:20 --connbytes-dir original --connbytes-mode packets')).toEqual({ nft: 'ct original packets 10-20' });
    expect(x('! --connbytes 10:20 --connbytes-dir reply --connbytes-mode avgpkt')).toEqual({ nft: 'ct reply avgpkt != 10-20' });
    expect(x('! --connbytes 10 --connbytes-dir both --connbytes-mode bytes')).toEqual({ nft: 'ct bytes lt 10' });
    expect(x('--connbytes 0:0 --connbytes-dir both --connbytes-mode bytes')).toEqual({ nft: 'ct bytes 0' });
  });
});
