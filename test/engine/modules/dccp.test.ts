import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import type { XlateContext } from '../../../src/engine/modules/types';
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
  it('reads ports, type and options from the DCCP header the payload carries (as recorded: dccp-*)', () => {
    // sport 40000, dport 5001, data offset in words, X=1; 6 bytes of sequence number, then the type's own.
    const head = (type: number, opts = '', doff?: number) => {
      const body = '\0'.repeat(6) + '\0'.repeat([4, 12, 0, 8, 8, 8, 8, 12, 8, 8][type] ?? 12) + opts;
      const pad = '\0'.repeat((4 - ((10 + body.length) % 4)) % 4);
      return String.fromCharCode(0x9c, 0x40, 0x13, 0x89, doff ?? (10 + body.length + pad.length) / 4, 0, 0, 0, (type << 1) | 1, 0) + body + pad;
    };
    const drops: string[] = [];
    const m = (s: string, payload: string) => { const x = matchOf<unknown>(`-p dccp -m dccp ${s}`); return x.module.match(makePacket({ proto: 33, payload }), x.options, testContext({ hotdrop: () => drops.push(s) }), x.state); };
    expect([m('--dport 5001', head(0)), m('--dport 5002', head(0)), m('! --dport 5002', head(0)), m('--sport 1000:40000', head(0))]).toEqual([true, false, true, true]);
    expect([m('--dccp-types REQUEST,RESET', head(7)), m('--dccp-types REQUEST,RESET', head(2)), m('--dccp-types INVALID', head(12)), m('! --dccp-types DATA', head(4))]).toEqual([true, false, true, true]);
    // Options after the header: 0 and 1 are one byte, others say their length.
    expect([m('--dccp-option 32', head(2, '\x00\x01\x20')), m('--dccp-option 32', head(2, '\x21\x03\x20')), m('--dccp-option 32', head(0, '\x20\x02')), m('! --dccp-option 32', head(2))]).toEqual([true, false, true, true]);
    expect(drops).toEqual([]);
    // Fewer than 12 bytes, or a data offset short of the header: the kernel drops the packet.
    expect([m('! --dport 1', head(0).slice(0, 11)), m('--dccp-option 32', head(2, '', 3)), m('--dport 5001', head(2, '', 3))]).toEqual([false, false, true]);
    expect(drops).toEqual(['! --dport 1', '--dccp-option 32']);
    const x = matchOf<unknown>('-p dccp -m dccp --sport 1:2 --dport 5001');
    expect(x.module.explain!(makePacket({ proto: 33, payload: head(0) }), x.options, testContext())).toBe('sport 40000 is not in 1:2');
    expect(x.module.explain!(makePacket({ proto: 33, payload: 'short' }), x.options, testContext())).toBe('the DCCP header is cut short: the kernel drops the packet');
  });
  it('translates as iptables-translate 1.8.9 does, where nft can', () => {
    const x = (s: string, flavour: XlateContext['flavour'] = 'compat') => { const m = matchOf<unknown>(`-p dccp -m dccp ${s}`); return m.module.xlate!(m.options, { flavour } as XlateContext); };
    expect(x('--dport 5000 --dccp-types REQUEST')).toMatchObject({ nft: 'dccp dport 5000 dccp type request' });
    expect(x('! --sport 1:2 ! --dport 5000: ! --dccp-types REQUEST,RESPONSE')).toMatchObject({ nft: 'dccp sport != 1-2 dccp dport != 5000-65535 dccp type != { request, response }' });
    expect(x('--dccp-types INVALID')).toMatchObject({ nft: 'dccp type 10-15' });
    expect(x('--dccp-types REQUEST,INVALID')).toMatchObject({ nft: 'dccp type { request, 10-15 }' });
    expect(x('')).toMatchObject({ nft: '' });
    // Compat notes the hotdrop; idiomatic drops a header under 12 bytes first (nft-equiv/modules-more-dccp-short-header).
    expect(x('--dport 5000')).toHaveProperty('note', expect.stringMatching(/^iptables drops a packet whose DCCP header is shorter than 12 bytes/));
    expect(x('--dport 5000', 'idiomatic')).toEqual({ nft: expect.stringMatching(/^ip protocol dccp ip frag-off & 0x1fff 0 ip hdrlength \. ip length vmap \{ 5 \. 0-31 : drop, 5 \. 32-65535 : continue, .* 15 \. 72-65535 : continue \} dccp dport 5000$/) });
    expect(x('--dccp-option 5')).toHaveProperty('untranslatable');
    expect(x('--sport 20:10')).toHaveProperty('untranslatable');
  });
});
