import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

describe('dccp', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    expect(saved('-p dccp -m dccp --dport 5000 --dccp-types REQUEST')).toBe('-p dccp -m dccp --dport 5000 --dccp-types REQUEST');
    expect(listed('-p dccp -m dccp --dport 5000 --dccp-types REQUEST')).toBe('dccp dpt:5000 0');
    const all = '! --sport 1:2 ! --dport 5000: ! --dccp-types REQUEST,response,DATA,ACK,DATAACK,CLOSEREQ,CLOSE,RESET,SYNC,SYNCACK,INVALID ! --dccp-option 5';
    expect(saved(`-p dccp -m dccp ${all}`)).toBe('-p dccp -m dccp ! --sport 1:2 ! --dport 5000:65535 ! --dccp-types REQUEST,RESPONSE,DATA,ACK,DATAACK,CLOSEREQ,CLOSE,RESET,SYNC,SYNCACK,INVALID ! --dccp-option 5');
    expect(listed(`-p dccp -m dccp ${all}`)).toBe('dccp spts:!1:2 dpts:!5000:65535 ! 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15 option=!5');
    expect(saved('-p dccp -m dccp --sport :20 --dccp-option 255')).toBe('-p dccp -m dccp --sport 0:20 --dccp-option 255');
    expect(saved('-p dccp -m dccp --sport 70000')).toBe('-p dccp -m dccp --sport 4464');
    expect(saved('-p dccp -m dccp --dccp-types SYNCACK,REQUEST')).toBe('-p dccp -m dccp --dccp-types REQUEST,SYNCACK');
    expect(listed('-p dccp -m dccp --dccp-types INVALID')).toBe('dccp 10,11,12,13,14,15');
    expect(listed('-p dccp -m dccp ! --sport 5')).toBe('dccp spt:!5');
    expect(listed('-p dccp -m dccp')).toBe('dccp');
  });
  it('refuses bad input with iptables wording', () => {
    expect(error('-p dccp -m dccp --dccp-option 256')).toBe('dccp: bad value for option "--dccp-option", or out of range (1-255).');
    expect(error('-p dccp -m dccp --dccp-option 0')).toBe('dccp: bad value for option "--dccp-option", or out of range (1-255).');
    expect(error('-p dccp -m dccp --dccp-types FOO')).toBe('Unknown DCCP type `FOO\'');
    expect(error('-p dccp -m dccp --sport x')).toBe('Port "x" does not resolve to anything.');
    expect(error('-p dccp -m dccp --dport 1:2:3')).toBe('dccp: Too many components for option "--destination-port" (max: 2)');
    expect(error('-m dccp --dport 5')).toMatch(/only valid with -p dccp/);
  });
  it('is not simulated: the packet has no DCCP header', () => {
    const m = (s: string) => { const x = matchOf<unknown>(`-p dccp -m dccp ${s}`); return x.module.match(makePacket({ proto: 33 }), x.options, testContext(), x.state); };
    expect(typeof matchOf('-p dccp -m dccp').module.simulated).toBe('string');
    expect([m(''), m('--dport 5000'), m('! --dport 5000'), m('--sport 1 ! --dccp-types REQUEST')]).toEqual([true, false, true, false]);
  });
  it('translates as iptables-translate 1.8.9 does, where nft can', () => {
    const x = (s: string) => { const m = matchOf<unknown>(`-p dccp -m dccp ${s}`); return m.module.xlate!(m.options); };
    expect(x('--dport 5000 --dccp-types REQUEST')).toEqual({ nft: 'dccp dport 5000 dccp type request' });
    expect(x('! --sport 1:2 ! --dport 5000: ! --dccp-types REQUEST,RESPONSE')).toEqual({ nft: 'dccp sport != 1-2 dccp dport != 5000-65535 dccp type != { request, response }' });
    expect(x('--dccp-types INVALID')).toEqual({ nft: 'dccp type 10-15' });
    expect(x('--dccp-types REQUEST,INVALID')).toEqual({ nft: 'dccp type { request, 10-15 }' });
    expect(x('')).toEqual({ nft: '' });
    expect(x('--dccp-option 5')).toHaveProperty('untranslatable');
    expect(x('--sport 20:10')).toHaveProperty('untranslatable');
  });
});
