import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../../src/engine/parse';
import { saveRuleset } from '../../../src/engine/print/save';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import { Host } from '../../../src/engine/sim/host';
import type { MatchModule, XlateContext } from '../../../src/engine/modules/types';
import type { RpfilterOptions } from '../../../src/engine/modules/matches/rpfilter';
import { testContext } from '../../helpers/context';

function load(table: string, chain: string, spec: string) {
  return parseRuleset(`*${table}\n-A ${chain} ${spec}\nCOMMIT\n`);
}
function rp(spec: string) {
  const { ruleset, diagnostics } = load('raw', 'PREROUTING', `-m rpfilter ${spec} -j DROP`);
  expect(diagnostics.map((d) => d.message)).toEqual([]);
  const m = ruleset.tables.get('raw')!.chains.get('PREROUTING')!.rules[0].matches[0];
  return { module: m.module as MatchModule<RpfilterOptions>, options: m.options as RpfilterOptions, save: saveRuleset(ruleset).split('\n').find((l) => l.startsWith('-A '))! };
}

const host = new Host({
  interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }, { name: 'eth1', addresses: ['10.0.0.1/24'] }],
  routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }],
});
const ctx = testContext({ hook: 'PREROUTING', table: 'raw', host });
const from = (iif: string, src: string, dst = '203.0.113.10') => makePacket({ iif, src: parseIPv4(src)!, dst: parseIPv4(dst)! });

describe('rpfilter', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    expect(rp('').save).toBe('-A PREROUTING -m rpfilter -j DROP');
    const all = rp('--invert --accept-local --validmark --loose');
    expect(all.save).toBe('-A PREROUTING -m rpfilter --loose --validmark --accept-local --invert -j DROP');
    expect(all.module.list(all.options)).toBe('rpfilter loose validmark accept-local invert');
  });
  it('is refused outside raw and mangle PREROUTING, as the kernel refuses it', () => {
    expect(load('filter', 'INPUT', '-m rpfilter -j DROP').diagnostics[0].message).toBe('rpfilter match: only valid in the raw and mangle tables, not filter (the kernel refuses the rule: Invalid argument)');
    expect(load('mangle', 'INPUT', '-m rpfilter -j DROP').diagnostics[0].message).toBe('rpfilter match: only valid in PREROUTING (the kernel refuses the rule: Invalid argument)');
    expect(load('raw', 'PREROUTING', '-m rpfilter ! --loose -j DROP').diagnostics[0].message).toBe('unexpected `!\' flag before --loose');
    expect(load('mangle', 'PREROUTING', '-m rpfilter -j DROP').diagnostics).toEqual([]);
  });
  it('checks that the route back to the source leaves by the input interface', () => {
    const strict = rp(''), loose = rp('--loose'), inv = rp('--invert'), local = rp('--accept-local');
    const ok = (m: typeof strict, p: ReturnType<typeof from>) => m.module.match(p, m.options, ctx, undefined);
    expect(ok(strict, from('eth1', '10.0.0.5'))).toBe(true);
    expect(ok(strict, from('eth0', '198.51.100.7'))).toBe(true);
    // 10.0.0.5 is routed out of eth1: spoofed on eth0.
    expect(ok(strict, from('eth0', '10.0.0.5'))).toBe(false);
    expect(strict.module.explain!(from('eth0', '10.0.0.5'), strict.options, ctx)).toBe('the route to the source leaves by eth1, not eth0');
    expect(ok(loose, from('eth0', '10.0.0.5'))).toBe(true);
    expect(ok(inv, from('eth0', '10.0.0.5'))).toBe(true);
    // A source that is the host's own address passes only with --accept-local; lo always passes.
    expect(ok(strict, from('eth0', '203.0.113.10'))).toBe(false);
    expect(ok(local, from('eth0', '203.0.113.10'))).toBe(true);
    // ... and still only by the interface holding the address, unless --loose (rpfilter-accept-local).
    expect(ok(local, from('eth1', '203.0.113.10'))).toBe(false);
    expect(local.module.explain!(from('eth1', '203.0.113.10'), local.options, ctx)).toBe('the source is an address of eth0, not of eth1');
    expect(ok(rp('--accept-local --loose'), from('eth1', '203.0.113.10'))).toBe(true);
    expect(ok(strict, from('lo', '127.0.0.1', '127.0.0.1'))).toBe(true);
    // DHCP discovery from 0.0.0.0 to the broadcast address passes.
    expect(ok(strict, from('eth1', '0.0.0.0', '255.255.255.255'))).toBe(true);
  });
  it('translates as iptables-translate 1.8.9 does', () => {
    const x = (s: string, flavour: XlateContext['flavour'] = 'compat') => { const m = rp(s); return m.module.xlate!(m.options, { flavour } as XlateContext); };
    expect(x('')).toMatchObject({ nft: 'fib saddr . iif oif != 0' });
    expect(x('--loose')).toMatchObject({ nft: 'fib saddr oif != 0' });
    expect(x('--validmark --invert')).toMatchObject({ nft: 'fib saddr . mark . iif oif 0' });
    expect(x('--loose --validmark --accept-local --invert')).toMatchObject({ nft: 'fib saddr type != local fib saddr . mark oif 0' });
    expect(x('--accept-local')).toHaveProperty('untranslatable');
    // A subnet broadcast source: fib finds its route's device, rpfilter fails it (nft-origins/rpfilter-*broadcast-source).
    expect(x('')).toHaveProperty('note', '`fib saddr . iif oif != 0` matches a source that is a subnet broadcast address (fib finds its route\'s device), which -m rpfilter refuses (the idiomatic translation tests for it)');
    expect(x('', 'idiomatic')).toEqual({ nft: 'fib saddr . iif oif != 0 ip saddr . fib saddr type != { 0.0.0.1-255.255.255.254 . broadcast }' });
    expect(x('--invert', 'idiomatic')).toEqual({ nft: 'fib saddr . iif oif . ip saddr . fib saddr type { 0 . 0.0.0.0/0 . 0-255, 1-2147483647 . 0.0.0.1-255.255.255.254 . broadcast }' });
  });
});
