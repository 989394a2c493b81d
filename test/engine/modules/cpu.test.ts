import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('cpu', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    expect(saved('-m cpu --cpu 0', 'OUTPUT')).toBe('-m cpu --cpu 0');
    expect(saved('-m cpu ! --cpu 3')).toBe('-m cpu ! --cpu 3');
    expect(saved('-m cpu --cpu 010')).toBe('-m cpu --cpu 8');
    expect(listed('-m cpu ! --cpu 3')).toBe('cpu ! 3');
    expect(listed('-m cpu --cpu 0')).toBe('cpu 0');
  });
  it('refuses bad input with iptables wording', () => {
    for (const v of ['x', '-1', '4294967296']) expect(error(`-m cpu --cpu ${v}`)).toBe('cpu: bad value for option "--cpu", or out of range (0-4294967295).');
    expect(error('-m cpu')).toBe('cpu: option "--cpu" must be specified');
  });
  it('runs every packet on CPU 0', () => {
    const m = (s: string) => { const x = matchOf<unknown>(`-m cpu ${s}`); return x.module.match(makePacket(), x.options, testContext(), x.state); };
    expect([m('--cpu 0'), m('--cpu 1'), m('! --cpu 1'), m('! --cpu 0')]).toEqual([true, false, true, false]);
    const x = matchOf<unknown>('-m cpu ! --cpu 3');
    expect(x.module.space!(x.options)).toEqual({ all: [] });
    expect(x.module.xlate!(x.options)).toEqual({ nft: 'cpu != 3' });
  });
});
