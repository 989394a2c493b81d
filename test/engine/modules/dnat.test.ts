import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { testContext } from '../../helpers/context';
import { error, listed, saved, target } from './target-helper';
void makePacket; void parseIPv4; void testContext; void error; void listed; void saved; void target;
const ip = (s: string) => parseIPv4(s)!;
void ip;

describe('DNAT', () => {
  const s = (spec: string, chain = 'PREROUTING') => saved('nat', chain, spec).replace(`-A ${chain} `, '');
  it('saves and lists every range form as the kernel printed it', () => {
    const cases: [string, string][] = [
      ['10.0.0.1', 'to:10.0.0.1'], ['10.0.0.1:80', 'to:10.0.0.1:80'], ['10.0.0.1:80-90', 'to:10.0.0.1:80-90'],
      ['10.0.0.1-10.0.0.5:80-90', 'to:10.0.0.1-10.0.0.5:80-90'], ['10.0.0.1-10.0.0.5', 'to:10.0.0.1-10.0.0.5'], [':80', 'to::80'],
      ['10.0.0.5-10.0.0.1', 'to:10.0.0.5-10.0.0.1'], ['10.0.0.1:0', 'to:10.0.0.1:0'], ['10.0.0.1:80-90/85', 'to:10.0.0.1:80-90/85'],
    ];
    for (const [to, l] of cases) {
      expect(s(`-p tcp -j DNAT --to-destination ${to}`)).toBe(`-p tcp -j DNAT --to-destination ${to}`);
      expect(listed('nat', 'PREROUTING', `-p tcp -j DNAT --to-destination ${to}`)).toBe(l);
    }
    expect(s('-p tcp -j DNAT --to 10.0.0.1')).toBe('-p tcp -j DNAT --to-destination 10.0.0.1');
    expect(s('-p tcp -j DNAT --to-destination 10.0.0.1 --persistent --random')).toBe('-p tcp -j DNAT --to-destination 10.0.0.1 --random --persistent');
    expect(listed('nat', 'PREROUTING', '-p tcp -j DNAT --to-destination 10.0.0.1 --random --persistent')).toBe('to:10.0.0.1 random persistent');
    expect(s('-p icmp -j DNAT --to-destination 10.0.0.1:53')).toBe('-p icmp -j DNAT --to-destination 10.0.0.1:53');
    expect(s('-p tcp -j DNAT --to-destination 10.0.0.1', 'OUTPUT')).toBe('-p tcp -j DNAT --to-destination 10.0.0.1');
  });
  it('refuses what iptables refuses', () => {
    expect(error('nat', 'PREROUTING', '-j DNAT --to-destination 10.0.0.1:80')).toBe('Need TCP, UDP, SCTP or DCCP with port specification');
    expect(error('nat', 'PREROUTING', '-p tcp -j DNAT')).toBe('DNAT: option "--to-destination" must be specified');
    expect(error('nat', 'PREROUTING', '-p tcp -j DNAT --to-destination 10.0.0.1:90-80')).toBe("Port range `80' funky");
    expect(error('nat', 'PREROUTING', '-p tcp -j DNAT --to-destination 10.0.0.1:80/90')).toBe("Garbage after port value: `/90'");
    expect(error('nat', 'PREROUTING', '-p tcp -j DNAT --to-destination foo')).toBe('Bad IP address "foo"');
    expect(error('nat', 'PREROUTING', '-p tcp -j DNAT --to-destination 10.0.0.1 --random-fully')).toBe('unknown option "--random-fully"');
    expect(error('nat', 'POSTROUTING', '-p tcp -j DNAT --to-destination 10.0.0.1')).toMatch(/DNAT target is only valid in PREROUTING, OUTPUT/);
    expect(error('filter', 'INPUT', '-p tcp -j DNAT --to-destination 10.0.0.1')).toMatch(/only valid in the nat table/);
  });
  it('asks for the binding and accepts', () => {
    const t = target('nat', 'PREROUTING', '-p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.3:8080-8090 --random');
    const ctx = testContext({ hook: 'PREROUTING', table: 'nat' });
    expect(t.module.apply(makePacket({ proto: 6, dst: ip('203.0.113.1'), dport: 80 }), t.options, ctx)).toBe('ACCEPT');
    expect(ctx.nats).toEqual([{ kind: 'dnat', minAddr: ip('10.0.0.1'), maxAddr: ip('10.0.0.3'), minPort: 8080, maxPort: 8090, random: true, persistent: false }]);
    expect(t.module.label).toBe('DNAT');
    const p = target('nat', 'PREROUTING', '-p tcp -j DNAT --to-destination :8080');
    const ctx2 = testContext();
    p.module.apply(makePacket({ proto: 6, dst: ip('203.0.113.1'), dport: 80 }), p.options, ctx2);
    expect(ctx2.nats).toEqual([{ kind: 'dnat', minAddr: ip('203.0.113.1'), maxAddr: ip('203.0.113.1'), minPort: 8080, maxPort: 8080, random: false, persistent: false }]);
  });
  it('translates', () => {
    const x = (spec: string) => { const t = target('nat', 'PREROUTING', spec); return t.module.xlate!(t.options); };
    expect(x('-p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.4:8080-8090 --random --persistent')).toEqual({ nft: 'dnat to 10.0.0.1-10.0.0.4:8080-8090 random,persistent' });
    expect(x('-p tcp -j DNAT --to-destination 1.1.1.1:1000-2000/1000')).toHaveProperty('untranslatable');
  });
});
