// The parser never throws, never hangs, and stays linear: random token soups built from iptables' own
// vocabulary, and mutations of real rulesets (when ../shared is present).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/engine/parse/index';
import { hasShared, SHARED } from '../helpers/shared';

const WORDS = [
  '*filter', '*nat', '*mangle', '*raw', 'COMMIT', ':INPUT', ':FOO', 'ACCEPT', 'DROP', '-', '[0:0]', '-A', '-I', '-D', '-R', '-N', '-X',
  '-P', '-F', '-E', 'INPUT', 'OUTPUT', 'FORWARD', 'FOO', '-s', '-d', '!', '-i', '-o', 'eth0', 'eth+', '-p', 'tcp', 'udp', 'icmp', 'all',
  '-m', 'tcp', 'multiport', 'conntrack', 'state', 'limit', 'recent', 'comment', '--dport', '--sport', '--dports', '--ctstate',
  '--state', 'NEW,ESTABLISHED', '--limit', '5/min', '--comment', '"a b"', "'x'", '-j', '-g', 'REJECT', 'LOG', '--log-prefix',
  'MARK', '--set-mark', '0x1/0xff', 'DNAT', '--to-destination', '10.0.0.1:80', '10.0.0.0/8', '1.2.3.4', '22', '1:65535', ':',
  'iptables', 'sudo', '-t', 'nat', '#', '\\', '"', '$IPT', 'IPT=iptables', '999999', '-c', '1', '2',
];

const line = fc.array(fc.constantFrom(...WORDS), { maxLength: 14 }).map((w) => w.join(' '));
const text = fc.array(line, { maxLength: 30 }).map((ls) => ls.join('\n'));

/// Parse time must stay under 50 ms per KB (and a flat 20 ms allowance for tiny inputs and warm-up).
function parseTimed(t: string): number {
  const start = performance.now();
  const { diagnostics } = parseRuleset(t);
  for (const d of diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
  return performance.now() - start;
}

describe('parser robustness', () => {
  it('survives random command soups with positioned diagnostics', () => {
    fc.assert(
      fc.property(text, (t) => {
        const ms = parseTimed(t);
        expect(ms).toBeLessThan(20 + (50 * t.length) / 1024);
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('survives arbitrary unicode', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (t) => void parseTimed(t)), { numRuns: 300, seed: 11 });
  });

  it.skipIf(!hasShared)('survives mutations of every real ruleset', () => {
    const dir = join(SHARED, 'corpus/real');
    const corpus = readdirSync(dir).filter((f) => f.endsWith('.rules')).map((f) => readFileSync(join(dir, f), 'utf8'));
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(40), fc.constantFrom(...WORDS, '', ' ', '\n')), { maxLength: 8 }), (i, edits) => {
        let t = corpus[i];
        for (const [at, len, ins] of edits) {
          const p = at % (t.length + 1);
          t = t.slice(0, p) + ins + t.slice(p + len);
        }
        expect(parseTimed(t)).toBeLessThan(20 + (50 * t.length) / 1024);
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
