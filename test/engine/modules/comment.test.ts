import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('comment', () => {
  it('saves bare words bare and quotes the rest, as the kernel printed', () => {
    expect(saved('-m comment --comment hello')).toBe('-m comment --comment hello');
    expect(saved('-m comment --comment a_b-C9')).toBe('-m comment --comment a_b-C9');
    expect(saved('-m comment --comment a.b')).toBe('-m comment --comment "a.b"');
    expect(saved('-m comment --comment "hello world"')).toBe('-m comment --comment "hello world"');
    expect(saved(`-m comment --comment 'say "hi"'`)).toBe('-m comment --comment "say \\"hi\\""');
    expect(saved(`-m comment --comment "it's */ here"`)).toBe(`-m comment --comment "it\\'s */ here"`);
    expect(saved('-m comment --comment ""')).toBe('-m comment --comment ""');
    expect(listed('-m comment --comment "hello world"')).toBe('/* hello world */');
    expect(listed(`-m comment --comment 'say "hi"'`)).toBe('/* say "hi" */');
  });
  it('keeps the first 255 characters', () => {
    expect(saved(`-m comment --comment ${'a'.repeat(256)}`)).toBe(`-m comment --comment ${'a'.repeat(255)}`);
  });
  it('needs --comment and matches every packet', () => {
    expect(error('-m comment')).toBe('comment: option "--comment" must be specified');
    const m = matchOf<any>('-m comment --comment x');
    expect(m.module.match(makePacket({ proto: 6 }), m.options, testContext(), m.state)).toBe(true);
  });
});
