// Where each parsed piece sits in the text: what the editor highlights and lint points at. The parser
// keeps these as offsets and works out lines and columns when they are read.
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/engine/parse/index';
import type { Span } from '../../src/engine/model/span';

const at = (s: Span | null) => (s ? `${s.line}:${s.column}-${s.endLine}:${s.endColumn} [${s.from},${s.to})` : null);

describe('parse spans', () => {
  const text = '*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SVC - [0:0]\n  [3:180] -A PREROUTING -p tcp -m comment --comment "web svc" -m tcp --dport 80 -j KUBE-SVC\n-A KUBE-SVC ! -s 10.0.0.0/8 -p tcp -j DNAT --to-destination 10.0.0.5:8080\nCOMMIT\n';
  const { ruleset, diagnostics } = parseRuleset(text);
  const nat = ruleset.tables.get('nat')!;
  const [jump] = nat.chains.get('PREROUTING')!.rules;
  const [dnat] = nat.chains.get('KUBE-SVC')!.rules;

  it('spans a rule from its command to its last word, without the [p:b] prefix', () => {
    expect(diagnostics).toEqual([]);
    expect(at(jump.span)).toBe('4:11-4:92 [58,139)');
    expect(text.slice(jump.span.from, jump.span.to)).toBe('-A PREROUTING -p tcp -m comment --comment "web svc" -m tcp --dport 80 -j KUBE-SVC');
    expect(jump.counters).toEqual({ packets: 3, bytes: 180 });
  });

  it('spans each clause, each match and the target', () => {
    expect(jump.clauses.map((c) => `${c.option} ${at(c.span)}`)).toEqual(['-p 4:25-4:31 [72,78)', '--comment 4:43-4:62 [90,109)', '--dport 4:70-4:80 [117,127)']);
    expect(jump.matches.map((m, k) => `${m.module.name} ${at(jump.matchSpan(k))}`)).toEqual(['comment 4:32-4:62 [79,109)', 'tcp 4:63-4:80 [110,127)']);
    expect(at(jump.targetSpan)).toBe('4:81-4:92 [128,139)');
    expect(dnat.clauses.map((c) => `${c.option} ${text.slice(c.span.from, c.span.to)}`)).toEqual(['-s -s 10.0.0.0/8', '-p -p tcp', '--to-destination --to-destination 10.0.0.5:8080']);
    expect(at(dnat.targetSpan)).toBe('5:36-5:43 [175,182)');
    expect(at(nat.chains.get('KUBE-SVC')!.span)).toBe('3:1-3:18 [30,47)');
  });

  it('keeps the first line of a continued script command, from the command word on', () => {
    const script = 'iptables -A INPUT \\\n  -p tcp --dport 22 -j ACCEPT\n';
    const [r] = parseRuleset(script).ruleset.tables.get('filter')!.chains.get('INPUT')!.rules;
    expect(at(r.span)).toBe('1:10-1:49 [9,48)');
    expect(r.clauses.map((c) => `${c.option} ${at(c.span)}`)).toEqual(['-p 1:22-1:28 [21,27)', '--dport 1:29-1:39 [28,38)']);
  });

  it('points errors at the offending word of a dump line read in place', () => {
    const d = parseRuleset('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -m tcp --dport x -j DROP\nCOMMIT\n').diagnostics;
    expect(d.map((e) => `${e.line}:${e.column}-${e.endColumn} [${e.from},${e.to}) ${e.message}`)).toEqual(["4:25-26 [89,90) invalid port/service `x' specified"]);
  });
});
