import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('hashlimit', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    const cases: [string, string, string][] = [
      ['--hashlimit-upto 5/min --hashlimit-name h1', '--hashlimit-upto 5/min --hashlimit-burst 5 --hashlimit-name h1', 'limit: up to 5/min burst 5'],
      ['--hashlimit 5/min --hashlimit-name h1', '--hashlimit-upto 5/min --hashlimit-burst 5 --hashlimit-name h1', 'limit: up to 5/min burst 5'],
      ['--hashlimit-above 5/sec --hashlimit-burst 10 --hashlimit-mode srcip,dstport --hashlimit-name h2',
        '--hashlimit-above 5/sec --hashlimit-burst 10 --hashlimit-mode srcip,dstport --hashlimit-name h2', 'limit: above 5/sec burst 10 mode srcip-dstport'],
      ['--hashlimit-upto 5/sec --hashlimit-mode dstport,srcip,dstip,srcport --hashlimit-srcmask 24 --hashlimit-dstmask 16 --hashlimit-name h3',
        '--hashlimit-upto 5/sec --hashlimit-burst 5 --hashlimit-mode srcip,srcport,dstip,dstport --hashlimit-name h3 --hashlimit-srcmask 24 --hashlimit-dstmask 16',
        'limit: up to 5/sec burst 5 mode srcip-srcport-dstip-dstport srcmask 24 dstmask 16'],
      ['--hashlimit-upto 1/hour --hashlimit-name h4 --hashlimit-htable-size 1024 --hashlimit-htable-max 2048 --hashlimit-htable-expire 20000 --hashlimit-htable-gcinterval 500',
        '--hashlimit-upto 1/hour --hashlimit-burst 5 --hashlimit-name h4 --hashlimit-htable-size 1024 --hashlimit-htable-max 2048 --hashlimit-htable-gcinterval 500 --hashlimit-htable-expire 20000',
        'limit: up to 1/hour burst 5 htable-size 1024 htable-max 2048 htable-gcinterval 500 htable-expire 20000'],
      ['--hashlimit-upto 1000 --hashlimit-name h6', '--hashlimit-upto 1000/sec --hashlimit-burst 5 --hashlimit-name h6', 'limit: up to 1000/sec burst 5'],
      // The default expiry is the given rate's unit: printed when the rate prints in another unit.
      ['--hashlimit-upto 60/min --hashlimit-name x4', '--hashlimit-upto 1/sec --hashlimit-burst 5 --hashlimit-name x4 --hashlimit-htable-expire 60000', 'limit: up to 1/sec burst 5 htable-expire 60000'],
      ['--hashlimit-upto 24/day --hashlimit-name a7', '--hashlimit-upto 1/hour --hashlimit-burst 5 --hashlimit-name a7 --hashlimit-htable-expire 86400000', 'limit: up to 1/hour burst 5 htable-expire 86400000'],
      ['--hashlimit-upto 5/sec --hashlimit-name a1 --hashlimit-htable-expire 10000', '--hashlimit-upto 5/sec --hashlimit-burst 5 --hashlimit-name a1 --hashlimit-htable-expire 10000', 'limit: up to 5/sec burst 5 htable-expire 10000'],
      ['--hashlimit-upto 5/hour --hashlimit-name a3 --hashlimit-htable-expire 3600000', '--hashlimit-upto 5/hour --hashlimit-burst 5 --hashlimit-name a3', 'limit: up to 5/hour burst 5'],
      ['--hashlimit-upto 1500/s --hashlimit-name x6 --hashlimit-burst 1000000', '--hashlimit-upto 1501/sec --hashlimit-burst 1000000 --hashlimit-name x6', 'limit: up to 1501/sec burst 1000000'],
      ['! --hashlimit-upto 5/sec --hashlimit-name x', '--hashlimit-above 5/sec --hashlimit-burst 5 --hashlimit-name x', 'limit: above 5/sec burst 5'],
      ['--hashlimit-upto 5/sec --hashlimit-name a9 --hashlimit-htable-gcinterval 1000 --hashlimit-htable-size 0 --hashlimit-htable-max 0', '--hashlimit-upto 5/sec --hashlimit-burst 5 --hashlimit-name a9', 'limit: up to 5/sec burst 5'],
      ['--hashlimit-upto 5/min --hashlimit-name h9 --hashlimit-rate-match --hashlimit-rate-interval 5',
        '--hashlimit-upto 5/sec --hashlimit-burst 5 --hashlimit-name h9 --hashlimit-htable-expire 60000 --hashlimit-rate-match --hashlimit-rate-interval 5',
        'limit: up to 1/sec burst 5 htable-expire 60000 rate-match rate-interval 5'],
      ['--hashlimit-upto 5/min --hashlimit-name h10 --hashlimit-rate-match',
        '--hashlimit-upto 5/sec --hashlimit-burst 5 --hashlimit-name h10 --hashlimit-htable-expire 60000 --hashlimit-rate-match --hashlimit-rate-interval 60',
        'limit: up to 5/min burst 5 rate-match rate-interval 60'],
      ['--hashlimit-upto 1kb/s --hashlimit-name h7', '--hashlimit-upto 1kb/s --hashlimit-name h7', 'limit: up to 1kb/s'],
      ['--hashlimit-above 512kb/s --hashlimit-burst 1mb --hashlimit-name h8 --hashlimit-mode srcip',
        '--hashlimit-above 512kb/s --hashlimit-burst 1mb --hashlimit-mode srcip --hashlimit-name h8', 'limit: above 512kb/s burst 1mb mode srcip'],
    ];
    for (const [given, save, list] of cases) {
      expect(saved(`-m hashlimit ${given}`)).toBe(`-m hashlimit ${save}`);
      expect(listed(`-m hashlimit ${given}`)).toBe(list);
    }
  });
  it('refuses bad input with iptables wording', () => {
    expect(error('-m hashlimit --hashlimit-upto 5/sec')).toBe('hashlimit: option "--hashlimit-name" must be specified');
    expect(error('-m hashlimit --hashlimit-name x')).toBe('You have to specify --hashlimit');
    expect(error('-m hashlimit --hashlimit-upto 5/sec --hashlimit-above 5/sec --hashlimit-name x')).toBe('hashlimit: option "--hashlimit-upto" cannot be used together with "--hashlimit-above".');
    expect(error('-m hashlimit --hashlimit-upto 0/sec --hashlimit-name x')).toBe('hashlimit: Bad value for "--hashlimit-upto" option: "0/sec"');
    expect(error('-m hashlimit --hashlimit-upto 1000001/sec --hashlimit-name x')).toBe('Rate too fast "1000001/sec"');
    expect(error('-m hashlimit --hashlimit-upto 5/sec --hashlimit-name x --hashlimit-mode foo')).toBe('hashlimit: Bad value for "--hashlimit-mode" option: "foo"');
    expect(error('-m hashlimit --hashlimit-upto 5/sec --hashlimit-name x --hashlimit-burst 0')).toBe('bad value for option "--hashlimit-burst", or out of range (1-1000000).');
    expect(error('-m hashlimit --hashlimit-upto 5/sec --hashlimit-name x --hashlimit-srcmask 33')).toBe('hashlimit: the kernel refuses --hashlimit-srcmask 33 for IPv4 (RULE_APPEND failed (Invalid argument))');
  });
  it('keeps one bucket per key, shared by rules of the same name', () => {
    const m = matchOf<any>('-m hashlimit --hashlimit-upto 1/min --hashlimit-burst 2 --hashlimit-mode srcip --hashlimit-name ssh');
    const ctx = testContext();
    const from = (src: string, now: number) => {
      ctx.now = now;
      return m.module.match(makePacket({ src: parseIPv4(src)! }), m.options, ctx, m.state);
    };
    expect([from('1.1.1.1', 0), from('1.1.1.1', 0), from('1.1.1.1', 0), from('2.2.2.2', 0), from('1.1.1.1', 30), from('1.1.1.1', 60)])
      .toEqual([true, true, false, true, false, true]);
    // Another rule with the same name sees the same buckets.
    const other = matchOf<any>('-m hashlimit --hashlimit-above 1/min --hashlimit-burst 2 --hashlimit-mode srcip --hashlimit-name ssh');
    expect(other.module.match(makePacket({ src: parseIPv4('1.1.1.1')! }), other.options, ctx, other.state)).toBe(true);
    expect(m.module.explain!(makePacket({ src: parseIPv4('1.1.1.1')! }), m.options, ctx)).toBe('source 1.1.1.1 is over 1/min (burst 2)');
  });
  it('forgets an idle key after the expiry, which starts it full again', () => {
    const m = matchOf<any>('-m hashlimit --hashlimit-upto 1/hour --hashlimit-burst 1 --hashlimit-name e --hashlimit-htable-expire 5000');
    const ctx = testContext();
    const at = (now: number) => ((ctx.now = now), m.module.match(makePacket(), m.options, ctx, m.state));
    expect([at(0), at(4), at(10), at(11)]).toEqual([true, false, true, false]);
  });
});
