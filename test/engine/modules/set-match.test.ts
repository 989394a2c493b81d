// -m set (the SET target's tests are in set.test.ts).
import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { createSetStore } from '../../../src/engine/sim/sets';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('set match', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    const cases: [string, string, string][] = [
      ['--match-set s1 src', '--match-set s1 src', 'match-set s1 src'],
      ['! --match-set s2 src,dst', '! --match-set s2 src,dst', '! match-set s2 src,dst'],
      ['--match-set s3 src,dst,dst --return-nomatch', '--match-set s3 src,dst,dst --return-nomatch', 'match-set s3 src,dst,dst return-nomatch'],
      ['--match-set s1 dst ! --update-counters ! --update-subcounters', '--match-set s1 dst ! --update-counters ! --update-subcounters', 'match-set s1 dst ! update-counters ! update-subcounters'],
      ['--match-set s1 dst --bytes-gt 100 --packets-eq 5', '--match-set s1 dst --packets-eq 5 --bytes-gt 100', 'match-set s1 dst packets-eq 5 bytes-gt 100'],
      ['--match-set s1 dst ! --packets-eq 5 ! --bytes-eq 100', '--match-set s1 dst ! --packets-eq 5 ! --bytes-eq 100', 'match-set s1 dst ! packets-eq 5 ! bytes-eq 100'],
      ['--match-set s1 src --update-counters', '--match-set s1 src', 'match-set s1 src'],
      ['--set s1 src', '--match-set s1 src', 'match-set s1 src'],
    ];
    for (const [given, save, list] of cases) {
      expect(saved(`-m set ${given}`)).toBe(`-m set ${save}`);
      expect(listed(`-m set ${given}`)).toBe(list);
    }
  });
  it('refuses bad input with iptables wording', () => {
    expect(error('-m set')).toBe("You must specify `--match-set' with proper arguments");
    expect(error('-m set --match-set s1 foo')).toBe("You must spefify (the comma separated list of) 'src' or 'dst'.");
    expect(error('-m set --match-set s1 src,dst,src,dst,src,dst,src')).toBe("Can't be more src/dst options than 6.");
    expect(error('-m set --match-set s1 src ! --return-nomatch')).toBe('--return-nomatch flag cannot be inverted');
    expect(error('-m set --match-set s1 dst ! --packets-lt 5')).toBe('--packets-lt option cannot be inverted');
    expect(error('-m set --match-set s1 src --packets-eq 5 --packets-gt 3')).toBe('only one of the --packets-[eq|lt|gt] is allowed');
    expect(error('-m set --match-set s1 src --packets-eq abc')).toBe('Cannot parse abc as a counter value');
  });
  it('looks the packet up in the scenario sets, nomatch entries included', () => {
    const sets = createSetStore({ nets: { type: 'hash:net', members: ['10.0.0.0/8', '10.1.0.0/16 nomatch'] }, svc: { type: 'hash:ip,port', members: ['192.0.2.1,tcp:22'] } });
    const ctx = testContext({ sets });
    const pkt = (src: string) => makePacket({ src: parseIPv4(src)!, dst: parseIPv4('192.0.2.1')!, proto: 6, dport: 22 });
    const r = (spec: string, src: string) => {
      const m = matchOf<any>(spec);
      return m.module.match(pkt(src), m.options, ctx, m.state);
    };
    expect([r('-m set --match-set nets src', '10.2.0.1'), r('-m set --match-set nets src', '10.1.0.1'), r('-m set --match-set nets src', '11.0.0.1')]).toEqual([true, false, false]);
    expect(r('-m set --match-set nets src --return-nomatch', '10.1.0.1')).toBe(true);
    expect(r('-m set ! --match-set nets src', '10.1.0.1')).toBe(true);
    expect(r('-m set --match-set svc dst,dst', '1.1.1.1')).toBe(true);
    expect(r('-m set --match-set svc dst,src', '1.1.1.1')).toBe(false);
    // Fewer flags than dimensions: no match.
    expect(r('-m set --match-set svc dst', '1.1.1.1')).toBe(false);
    const m = matchOf<any>('-m set --match-set nets src');
    expect(m.module.explain!(pkt('10.1.0.1'), m.options, ctx)).toBe("the packet's src is a nomatch entry of set nets");
    expect(m.module.explain!(pkt('11.0.0.1'), m.options, ctx)).toBe("the packet's src is not in set nets");
    const missing = matchOf<any>('-m set --match-set nosuch src');
    expect(missing.module.match(pkt('10.0.0.1'), missing.options, ctx, missing.state)).toBe(false);
    expect(missing.module.explain!(pkt('10.0.0.1'), missing.options, ctx)).toBe("set nosuch is not defined in the scenario's sets");
  });
});
