import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('string', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-m string --algo bm --string GET')).toBe('-m string --string "GET" --algo bm');
    expect(saved('-m string --algo bm --string abc --from 10 --to 100')).toBe('-m string --string "abc" --algo bm --from 10 --to 100');
    expect(saved('-m string --algo bm --string abc --to 65535')).toBe('-m string --string "abc" --algo bm');
    expect(saved('-m string --algo bm --string abc --to 0')).toBe('-m string --string "abc" --algo bm --to 0');
    expect(saved('-m string --algo kmp --string abc --icase')).toBe('-m string --string "abc" --algo kmp --icase');
    expect(saved(`-m string --algo bm --string 'a"b'`)).toBe('-m string --string "a\\"b" --algo bm');
    expect(saved(`-m string --algo bm --string "a'b"`)).toBe(`-m string --string "a'b" --algo bm`);
    // Printable hex saves as a string; a byte that is not printable, or a final backslash, as hex.
    expect(saved('-m string --algo bm --hex-string "|41 42|c"')).toBe('-m string --string "ABc" --algo bm');
    expect(saved('-m string --algo bm --hex-string "ab|7c|"')).toBe('-m string --string "ab|" --algo bm');
    expect(saved('-m string --algo bm --hex-string "|0d0a|"')).toBe('-m string --hex-string "|0d0a|" --algo bm');
    expect(saved('-m string --algo bm --hex-string "|00|abc"')).toBe('-m string --hex-string "|00616263|" --algo bm');
    expect(saved('-m string --algo bm --hex-string "|5c|"')).toBe('-m string --hex-string "|5c|" --algo bm');
    expect(saved('-m string --algo bm --hex-string "|41 |"')).toBe('-m string --string "A" --algo bm');
    expect(listed('-m string --algo bm --string GET')).toBe('STRING match  "GET" ALGO name bm');
    expect(listed('-m string --algo bm ! --string abc')).toBe('STRING match ! "abc" ALGO name bm');
    expect(listed('-m string --algo bm --string abc --from 10 --to 100')).toBe('STRING match  "abc" ALGO name bm FROM 10 TO 100');
    expect(listed('-m string --algo kmp --string abc --icase')).toBe('STRING match  "abc" ALGO name kmp ICASE');
    expect(listed('-m string --algo bm --hex-string "|7e 7f|"')).toBe('STRING match  "|7e7f|" ALGO name bm');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m string --string abc')).toBe('string: option "--algo" must be specified');
    expect(error('-m string --algo bm')).toBe("STRING match: You must specify `--string' or `--hex-string'");
    expect(error('-m string --algo bm --hex-string "|4|"')).toBe('Invalid hex block');
    expect(error('-m string --algo bm --hex-string "|41"')).toBe('Invalid hex block');
    expect(error('-m string --algo bm --hex-string "|zz|"')).toBe("Invalid hex char 'z'");
    expect(error('-m string --algo bm --string abc --to 65536')).toBe('string: bad value for option "--to", or out of range (0-65535).');
    expect(error('-m string --algo bm --from 70000 --string x')).toBe('string: bad value for option "--from", or out of range (0-65535).');
    expect(error('-m string --algo bm --string abc --from 100 --to 10')).toMatch(/kernel refuses the rule/);
  });
  it('finds the pattern in the packet after the headers', () => {
    const ctx = testContext();
    const m = matchOf<any>('-m string --algo bm --string GET');
    expect(m.module.match(makePacket({ proto: 6, payload: 'GET / HTTP/1.1' }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ proto: 6, payload: 'POST / HTTP/1.1' }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.explain!(makePacket({ proto: 6, payload: 'POST' }), m.options, ctx)).toBe('bytes 0-65535 of the packet do not contain "GET"');
    // A TCP packet's payload starts at byte 40: --to 40 stops before it.
    const t = matchOf<any>('-m string --algo bm --string GET --to 40');
    expect(t.module.match(makePacket({ proto: 6, payload: 'GET /' }), t.options, ctx, t.state)).toBe(false);
    const i = matchOf<any>('-m string --algo kmp --string get --icase');
    expect(i.module.match(makePacket({ proto: 17, payload: 'xGeTx' }), i.options, ctx, i.state)).toBe(true);
    const h = matchOf<any>('-m string --algo bm --hex-string "|0d0a|"');
    expect(h.module.match(makePacket({ proto: 17, payload: 'a\r\nb' }), h.options, ctx, h.state)).toBe(true);
  });
});
