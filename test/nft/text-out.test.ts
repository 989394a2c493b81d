// The translators' output buffer and rule order: text written in pieces and blocks, read back whole or
// by position; rules in the order the parser made them whatever the order of their chains.
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/engine/parse/index';
import { TextOut } from '../../src/nft/text-out';
import { chainsByLine, orderBy, parseOrder } from '../../src/nft/rule-order';
import { translateRuleset } from '../../src/nft/translate';

describe('TextOut', () => {
  it('joins pieces and lines in order, each line ending with a newline', () => {
    const out = new TextOut();
    out.push('first line');
    out.add('add rule ip nat ');
    out.add('X');
    out.add(' counter');
    out.end();
    expect(out.text()).toBe('first line\nadd rule ip nat X counter\n');
    expect(new TextOut().text()).toBe('');
  });

  it('keeps 100k lines across many blocks, and slices any stretch back by position', () => {
    const out = new TextOut();
    const at: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      at.push(out.position);
      out.add('rule ');
      out.add(String(i));
      out.end();
    }
    at.push(out.position);
    const text = out.text();
    expect(text.length).toBe(at[100_000]);
    expect(text.slice(0, 14)).toBe('rule 0\nrule 1\n');
    expect(text.endsWith('rule 99999\n')).toBe(true);
    // A line, a stretch across block boundaries (blocks hold 8,192 pieces: 2,730 lines), the end.
    expect(out.slice(at[5], at[6])).toBe('rule 5\n');
    expect(out.slice(at[2729], at[2732])).toBe('rule 2729\nrule 2730\nrule 2731\n');
    expect(out.slice(at[0], at[100_000])).toBe(text);
    expect(out.slice(at[99_999], at[100_000])).toBe('rule 99999\n');
  });

  it('keeps texts pushed whole between pieces', () => {
    const out = new TextOut();
    out.push('a');
    const from = out.position;
    out.pushText('b\nc\n');
    out.push('d');
    expect(out.text()).toBe('a\nb\nc\nd\n');
    expect(out.slice(from, from + 4)).toBe('b\nc\n');
  });
});

describe('rule order', () => {
  it('orders indexes by key, ties by index, past the size where keys and indexes are packed', () => {
    expect([...orderBy(Float64Array.from([5, 1, 5, 0, 3]))]).toEqual([3, 1, 4, 0, 2]);
    expect([...orderBy(Float64Array.from([1, 2, 3]))]).toEqual([0, 1, 2]);
    expect([...orderBy(new Float64Array(0))]).toEqual([]);
    // Keys too large to pack with their index: the comparison sort gives the same order.
    expect([...orderBy(Float64Array.from([2 ** 52, 7, 2 ** 52 - 1, 7]))]).toEqual([1, 3, 2, 0]);
  });

  it('lists rules in the order the dump gave them, and chains in the order of their lines', () => {
    // Chains are kept sorted by name (as iptables-save lists them); their lines and rules are not.
    const text = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:ZED - [0:0]\n:ALPHA - [0:0]\n'
      + '-A ZED -s 10.0.0.1 -j ACCEPT\n-A ALPHA -s 10.0.0.2 -j ACCEPT\n-A INPUT -j ZED\n-A ZED -s 10.0.0.3 -j DROP\n-A INPUT -j ALPHA\nCOMMIT\n';
    const t = parseRuleset(text).ruleset.tables.get('filter')!;
    expect([...t.chains.keys()]).toEqual(['INPUT', 'FORWARD', 'OUTPUT', 'ALPHA', 'ZED']);
    const byLine = chainsByLine(t);
    expect(byLine.map((c) => c.name)).toEqual(['INPUT', 'FORWARD', 'OUTPUT', 'ZED', 'ALPHA']);
    // compat follows the dump: its chains, then its rules, in the order of their lines.
    const compat = translateRuleset(parseRuleset(text).ruleset, { mode: 'compat', source: text }).text.split('\n');
    expect(compat.filter((l) => /^add (chain|rule) ip filter (ZED|ALPHA)/.test(l))).toEqual([
      'add chain ip filter ZED', 'add chain ip filter ALPHA',
      'add rule ip filter ZED ip saddr 10.0.0.1 counter accept', 'add rule ip filter ALPHA ip saddr 10.0.0.2 counter accept',
      'add rule ip filter ZED ip saddr 10.0.0.3 counter drop',
    ]);
    const { rules, order } = parseOrder(byLine);
    expect([...order].map((i) => `${rules[i].chain} ${text.slice(rules[i].span.from, rules[i].span.to)}`)).toEqual([
      'ZED -A ZED -s 10.0.0.1 -j ACCEPT', 'ALPHA -A ALPHA -s 10.0.0.2 -j ACCEPT', 'INPUT -A INPUT -j ZED',
      'ZED -A ZED -s 10.0.0.3 -j DROP', 'INPUT -A INPUT -j ALPHA',
    ]);
  });
});
