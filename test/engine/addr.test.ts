import { describe, expect, it } from 'vitest';
import { formatCidr, parseCidr, parseIPv4 } from '../../src/engine/model/addr';
import { parseRuleset } from '../../src/engine/parse/index';
import { saveRuleset } from '../../src/engine/print/save';

describe('IPv4 addresses as iptables reads them', () => {
  it('takes four groups of one to three digits, each at most 255, leading zeros allowed', () => {
    expect(parseIPv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIPv4('010.001.000.009')).toBe(0x0a010009);
    for (const bad of ['10.0.0', '10.0.0.1.2', '10..0.1', '.10.0.0', '10.0.0.', '256.0.0.1', '1.2.3.0256', '1.2.3.4 ', '1.2.3.a', '', '１.2.3.4'])
      expect(parseIPv4(bad), bad).toBeNull();
  });

  it('takes a prefix length up to 32 or a dotted mask, and masks the address', () => {
    expect(formatCidr(parseCidr('10.1.2.3/8')!)).toBe('10.0.0.0/8');
    expect(formatCidr(parseCidr('10.1.2.3/255.255.0.0')!)).toBe('10.1.0.0/16');
    expect(formatCidr(parseCidr('10.1.2.3/255.0.255.0')!)).toBe('10.0.2.0/255.0.255.0');
    expect(formatCidr(parseCidr('10.1.2.3/0')!)).toBe('0.0.0.0/0');
    for (const bad of ['10.0.0.1/33', '10.0.0.1/', '10.0.0.1/123', '10.0.0.1/-1', '10.0.0.1/8/8'])
      expect(parseCidr(bad), bad).toBeNull();
  });
});

describe('jump targets', () => {
  it('follow a renamed chain, and a chain made later under the old name', () => {
    const text = ['iptables -N A', 'iptables -A INPUT -j A', 'iptables -E A B', 'iptables -A INPUT -j B', 'iptables -N A', 'iptables -A INPUT -j A'].join('\n');
    const { ruleset, diagnostics } = parseRuleset(text);
    expect(diagnostics).toEqual([]);
    expect(saveRuleset(ruleset).split('\n').filter((l) => l.startsWith('-A'))).toEqual(['-A INPUT -j B', '-A INPUT -j B', '-A INPUT -j A']);
  });
});
