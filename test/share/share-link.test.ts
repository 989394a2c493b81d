import { describe, expect, it } from 'vitest';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { decodeShareLink, encodeShareLink, fromBase64Url, isShareLink, ShareLinkError, toBase64Url, type SharedState } from '../../src/share/share-link';

const scenario: SharedState = {
  version: 1,
  host: { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }], routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }], forwarding: false },
  rules: '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n',
  packets: [{ from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] }],
  ui: { packet: 0, step: 3 },
};

/// What a docs generator in any language does: JSON, deflate-raw, base64url without padding.
const handMade = (value: unknown) => 'v1.' + deflateRawSync(Buffer.from(JSON.stringify(value))).toString('base64url');

const rejects = async (hash: string, pattern: RegExp, max?: number) => {
  const err = await decodeShareLink(hash, max).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ShareLinkError);
  expect((err as Error).message).toMatch(pattern);
};

describe('share link', () => {
  it('round-trips a scenario with its ui state', async () => {
    const link = await encodeShareLink(scenario);
    expect(link).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(await decodeShareLink('#' + link)).toEqual(scenario);
  });

  it('round-trips text outside ASCII and a large ruleset', async () => {
    const rules = '# règles — ✓\n' + Array.from({ length: 5000 }, (_, i) => `-A INPUT -s 10.${i >> 8}.${i & 255}.0/24 -j DROP`).join('\n');
    const back = await decodeShareLink(await encodeShareLink({ ...scenario, rules }));
    expect(back.rules).toBe(rules);
  });

  it('reads a link made by hand with zlib', async () => {
    const back = await decodeShareLink('#' + handMade(scenario));
    expect(back).toEqual(scenario);
  });

  it('is what a hand-made link is, byte for byte in meaning', async () => {
    const ours = await encodeShareLink(scenario);
    const bytes = fromBase64Url(ours.slice(3));
    expect(JSON.parse(inflateRawSync(bytes).toString())).toEqual(scenario);
  });

  it('ignores unknown keys and fills in what an old link leaves out', async () => {
    const back = await decodeShareLink(handMade({ rules: '-P INPUT DROP\n', packets: [], somethingNew: { x: 1 } }));
    expect(back).toEqual({ version: 1, host: { interfaces: [] }, rules: '-P INPUT DROP\n', packets: [] });
  });

  it('tolerates padding, the standard alphabet, whitespace and percent-encoding', async () => {
    const raw = deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString('base64');
    expect(await decodeShareLink(`v1.${raw}`)).toEqual(scenario);
    const link = await encodeShareLink(scenario);
    expect(await decodeShareLink(`  #${link.slice(0, 20)}\n${link.slice(20)}  `)).toEqual(scenario);
    expect(await decodeShareLink(encodeURIComponent('#' + link))).toEqual(scenario);
  });

  it('recognises share links among other fragments', () => {
    expect(isShareLink('#v1.abc')).toBe(true);
    expect(isShareLink('#examples')).toBe(false);
    expect(isShareLink('')).toBe(false);
  });

  it('explains corrupt links', async () => {
    await rejects('#hello', /not an nfplay share link/);
    await rejects('#v1.', /empty/);
    await rejects('#v1.@@@@', /damaged/);
    await rejects('#v1.' + toBase64Url(new TextEncoder().encode('not deflate at all, just text')), /damaged/);
    const link = await encodeShareLink(scenario);
    await rejects('#' + link.slice(0, link.length - 30), /damaged/);
    await rejects('#v7.AAAA', /newer/);
  });

  it('explains links that unpack to something that is not a scenario', async () => {
    await rejects(handMade([1, 2, 3]), /invalid scenario/);
    await rejects(handMade({ rules: 42, packets: [] }), /rules/);
    await rejects(handMade({ version: 9, rules: '' }), /version/);
    await rejects('v1.' + deflateRawSync(Buffer.from('{"rules": "unterminated')).toString('base64url'), /not a scenario/);
    await rejects('v1.' + deflateRawSync(Buffer.from([0xff, 0xfe, 0x00])).toString('base64url'), /not a scenario/);
  });

  it('refuses a decompression bomb', async () => {
    const bomb = 'v1.' + deflateRawSync(Buffer.alloc(64 * 1024 * 1024, 0x20)).toString('base64url');
    expect(bomb.length).toBeLessThan(100_000);
    await rejects(bomb, /more than 2 MB/);
    await rejects(handMade(scenario), /more than/, 100);
  });

  it('base64url has no padding and no +/', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = toBase64Url(bytes);
    expect(text).not.toMatch(/[+/=]/);
    expect([...fromBase64Url(text)]).toEqual([...bytes]);
  });
});
