import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { parseIPv4 } from '../../../src/engine/model/addr';
import type { Conn } from '../../../src/engine/model/conntrack';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

const ip = (s: string) => parseIPv4(s)!;
function conn(over: Partial<Conn> = {}): Conn {
  return {
    id: 1, family: 4, orig: { src: ip('10.0.0.5'), dst: ip('203.0.113.10'), proto: 6, sport: 40000, dport: 80 },
    reply: { src: ip('192.168.1.2'), dst: ip('10.0.0.5'), proto: 6, sport: 8080, dport: 40000 },
    seenReply: true, assured: true, confirmed: true, expected: false, natDone: { src: true, dst: true }, snat: false, dnat: true,
    tcpState: 'ESTABLISHED', mark: 0, helper: null, zone: 0, created: 0, lastSeen: 0, ...over,
  };
}
const run = (spec: string, ctx = testContext()) => {
  const m = matchOf<any>(spec);
  return { hit: m.module.match(makePacket(), m.options, ctx, m.state), why: m.module.explain!(makePacket(), m.options, ctx) };
};

describe('conntrack', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    const cases: [string, string, string][] = [
      ['--ctstate ESTABLISHED,NEW,DNAT,SNAT,UNTRACKED,INVALID,RELATED', '--ctstate INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT', 'ctstate INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT'],
      ['! --ctstate new', '! --ctstate NEW', '! ctstate NEW'],
      ['--ctproto tcp', '--ctproto 6', 'ctproto 6'],
      ['! --ctproto 0', '! --ctproto 0', '! ctproto 0'],
      ['--ctorigsrc 10.0.0.0/8', '--ctorigsrc 10.0.0.0/8', 'ctorigsrc 10.0.0.0/8'],
      ['--ctorigdst 10.1.2.3/16', '--ctorigdst 10.1.2.3/16', 'ctorigdst 10.1.2.3/16'],
      ['! --ctorigdst 10.1.2.3/255.0.255.0', '! --ctorigdst 10.1.2.3', '! ctorigdst 10.1.2.3'],
      ['--ctreplsrc 1.2.3.4/32 --ctrepldst 0.0.0.0/0', '--ctreplsrc 1.2.3.4 --ctrepldst 0.0.0.0/0', 'ctreplsrc 1.2.3.4 ctrepldst 0.0.0.0/0'],
      ['--ctorigsrcport 22:22 --ctorigdstport 1000:2000', '--ctorigsrcport 22 --ctorigdstport 1000:2000', 'ctorigsrcport 22 ctorigdstport 1000:2000'],
      ['! --ctreplsrcport ssh ! --ctrepldstport :100', '! --ctreplsrcport 22 ! --ctrepldstport 0:100', '! ctreplsrcport 22 ! ctrepldstport 0:100'],
      ['--ctorigsrcport 70000', '--ctorigsrcport 4464', 'ctorigsrcport 4464'],
      ['--ctorigsrcport 20:10', '--ctorigsrcport 20:10', 'ctorigsrcport 20:10'],
      ['--ctstatus ASSURED,SEEN_REPLY,NONE,EXPECTED,CONFIRMED', '--ctstatus EXPECTED,SEEN_REPLY,ASSURED,CONFIRMED', 'ctstatus EXPECTED,SEEN_REPLY,ASSURED,CONFIRMED'],
      ['! --ctstatus NONE', '! --ctstatus NONE', '! ctstatus NONE'],
      ['--ctexpire 10:10', '--ctexpire 10', 'ctexpire 10'],
      ['! --ctexpire 10:20', '! --ctexpire 10:20', '! ctexpire 10:20'],
      ['--ctdir original', '--ctdir ORIGINAL', 'ctdir ORIGINAL'],
      ['--ctdir REPLY --ctstate NEW --ctexpire 5:7 --ctproto 6 --ctstatus ASSURED --ctorigsrc 1.1.1.1 --ctrepldstport 80',
        '--ctstate NEW --ctproto 6 --ctorigsrc 1.1.1.1 --ctrepldstport 80 --ctstatus ASSURED --ctexpire 5:7 --ctdir REPLY',
        'ctstate NEW ctproto 6 ctorigsrc 1.1.1.1 ctrepldstport 80 ctstatus ASSURED ctexpire 5:7 ctdir REPLY'],
    ];
    for (const [given, save, list] of cases) {
      expect(saved(`-m conntrack ${given}`)).toBe(`-m conntrack ${save}`);
      expect(listed(`-m conntrack ${given}`)).toBe(list);
    }
  });
  it('refuses bad input with iptables wording', () => {
    expect(error('-m conntrack')).toBe('conntrack: At least one option is required');
    expect(error('-m conntrack --ctstate NEW,foo')).toBe('Bad ctstate "foo"');
    expect(error('-m conntrack --ctstatus FOO')).toBe('Bad ctstatus "FOO"');
    expect(error('-m conntrack --ctproto foo')).toBe('unknown protocol "foo" specified');
    expect(error('-m conntrack --ctorigsrc 1.2.3.400')).toBe('getaddrinfo: Name or service not known');
    expect(error('-m conntrack --ctexpire abc')).toBe('conntrack: bad value for option "--ctexpire" near "abc", or out of range (0-4294967295).');
    expect(error('-m conntrack --ctdir foo')).toBe('conntrack: Bad value for "--ctdir" option: "foo"');
    expect(error('-m conntrack ! --ctdir REPLY')).toBe('conntrack: option "--ctdir" cannot be inverted.');
  });
  it('matches state, NAT pseudo-states, tuples, status, expiry and direction', () => {
    const est = testContext({ ctState: 'ESTABLISHED', ct: conn(), now: 100, ctDir: 'REPLY' });
    expect(run('-m conntrack --ctstate ESTABLISHED', est).hit).toBe(true);
    expect(run('-m conntrack --ctstate DNAT', est).hit).toBe(true);
    expect(run('-m conntrack --ctstate SNAT', est).hit).toBe(false);
    expect(run('-m conntrack --ctstate SNAT', est).why).toBe('state ESTABLISHED (DNAT) is not in SNAT');
    expect(run('-m conntrack --ctorigdst 203.0.113.0/24 --ctreplsrc 192.168.1.2 --ctreplsrcport 8080', est).hit).toBe(true);
    expect(run('-m conntrack --ctorigdstport 443', est).why).toBe('ctorigdstport 80 does not match 443');
    expect(run('-m conntrack --ctstatus ASSURED', est).hit).toBe(true);
    expect(run('-m conntrack --ctstatus NONE', est).hit).toBe(false);
    expect(run('-m conntrack ! --ctstatus NONE', est).hit).toBe(true);
    // ESTABLISHED TCP lives 432000 s; 100 s idle leaves 431900.
    expect(run('-m conntrack --ctexpire 431900', est).hit).toBe(true);
    expect(run('-m conntrack --ctexpire 431901:500000', est).why).toBe('ctexpire 431900 s does not match 431901:500000');
    expect(run('-m conntrack --ctdir REPLY', est).hit).toBe(true);
    expect(run('-m conntrack --ctdir ORIGINAL', est).why).toBe('the packet travels in the REPLY direction, not ORIGINAL');
  });
  it('without a connection only --ctstate can match, negated or not', () => {
    const inv = testContext({ ctState: 'INVALID', ct: null });
    expect(run('-m conntrack --ctstate INVALID', inv).hit).toBe(true);
    expect(run('-m conntrack ! --ctproto 17', inv).hit).toBe(false);
    expect(run('-m conntrack ! --ctproto 17', inv).why).toBe('the packet has no connection (state INVALID)');
    expect(run('-m conntrack --ctstate NEW', inv).why).toBe('state INVALID is not in NEW');
  });
  it('translates to nftables', () => {
    const m = matchOf<any>('-m conntrack --ctstate NEW,ESTABLISHED --ctorigdst 10.0.0.0/8 --ctorigdstport 22');
    expect(m.module.xlate!(m.options)).toEqual({ nft: 'ct state new,established ct original daddr 10.0.0.0/8 ct original proto-dst 22' });
  });
});
