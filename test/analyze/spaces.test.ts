// The match spaces that need more than the packet's header: the connection's tuples, status and direction
// (conntrack), the source MAC, the TCP MSS option, the helper, address types on the scenario's host, and
// ipsets from the scenario. Each: a rule it shadows, and a near miss where it must not.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/engine/model/scenario';
import { codes, filter, findings, only } from './lint-helpers';

const dead = (rules: string[], opts: Parameters<typeof findings>[1] = {}) =>
  codes(findings(filter(rules), opts).filter((f) => f.code === 'shadowed' || f.code === 'may-shadowed' || f.code === 'never-matches'));

const host: Scenario['host'] = { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }, { name: 'eth1', addresses: ['10.0.0.1/24'] }], routes: [{ to: 'default', via: '203.0.113.1' }] };

describe('conntrack tuples, status and direction', () => {
  it('the original destination port, as DOCKER-USER filters published ports', () => {
    expect(dead(['-A INPUT -m conntrack --ctorigdstport 8080 -j DROP', '-A INPUT -m conntrack --ctstate NEW --ctorigdstport 8080 -j ACCEPT'])).toEqual(['6 error shadowed']);
    expect(dead(['-A INPUT -m conntrack --ctorigdstport 8080 -j DROP', '-A INPUT -m conntrack --ctstate NEW --ctorigdstport 8081 -j ACCEPT'])).toEqual([]);
  });

  it('addresses by prefix, negation, and the reply tuple apart from the original', () => {
    // Every tracked packet has an original source, in 10/8 or not; INVALID packets have none.
    expect(dead(['-A INPUT -m conntrack --ctorigsrc 10.0.0.0/8 -j DROP', '-A INPUT -m conntrack ! --ctorigsrc 10.0.0.0/8 -j DROP', '-A INPUT -m conntrack --ctstate INVALID -j ACCEPT'])).toEqual([]);
    expect(dead(['-A INPUT -m conntrack --ctorigsrc 10.0.0.0/8 -j DROP', '-A INPUT -m conntrack ! --ctorigsrc 10.0.0.0/8 -j DROP', '-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT'])).toEqual(['7 error shadowed']);
    expect(dead(['-A INPUT -m conntrack --ctorigsrc 10.0.0.0/8 -j DROP', '-A INPUT -m conntrack --ctreplsrc 10.1.0.0/16 -j ACCEPT'])).toEqual([]);
  });

  it('a packet without a connection passes the tuple clauses when --ctstate is given (as xt_conntrack does)', () => {
    // INVALID packets match the first rule whatever their addresses: the second can never see one.
    expect(dead(['-A INPUT -m conntrack --ctstate INVALID --ctorigsrc 192.0.2.1 -j DROP', '-A INPUT -m conntrack --ctstate INVALID -j ACCEPT'])).toEqual(['6 error shadowed']);
    expect(dead(['-A INPUT -m conntrack --ctorigsrc 192.0.2.1 -j DROP', '-A INPUT -m conntrack --ctstate INVALID -j ACCEPT'])).toEqual([]);
  });

  it('status bits (any of them) and direction', () => {
    expect(dead(['-A INPUT -m conntrack --ctstatus SEEN_REPLY,ASSURED -j ACCEPT', '-A INPUT -m conntrack --ctstatus ASSURED -j DROP'])).toEqual(['6 error shadowed']);
    expect(dead(['-A INPUT -m conntrack --ctstatus ASSURED -j ACCEPT', '-A INPUT -m conntrack --ctstatus SEEN_REPLY,ASSURED -j DROP'])).toEqual([]);
    expect(dead(['-A INPUT -m conntrack --ctdir ORIGINAL -j ACCEPT', '-A INPUT -m conntrack --ctdir REPLY -j ACCEPT', '-A INPUT -m conntrack --ctstate NEW -j DROP'])).toEqual(['7 error shadowed']);
    expect(dead(['-A INPUT -m conntrack --ctexpire 0:10 -j DROP', '-A INPUT -m conntrack --ctexpire 0:10 -p tcp -j ACCEPT'])).toEqual(['6 info may-shadowed']);
  });
});

describe('mac, tcpmss, helper', () => {
  it('a source MAC; a packet without one matches neither form', () => {
    expect(dead(['-A INPUT -m mac --mac-source 02:00:00:00:00:01 -j DROP', '-A INPUT -p tcp -m mac --mac-source 02:00:00:00:00:01 -j ACCEPT'])).toEqual(['6 error shadowed']);
    expect(dead(['-A INPUT -m mac --mac-source 02:00:00:00:00:01 -j DROP', '-A INPUT -m mac ! --mac-source 02:00:00:00:00:01 -j DROP', '-A INPUT -j ACCEPT'])).toEqual([]);
  });

  it('the MSS option; a segment without one matches only the negated form', () => {
    expect(dead(['-A INPUT -p tcp -m tcpmss --mss 0:65535 -j DROP', '-A INPUT -p tcp -m tcpmss --mss 536 -j ACCEPT'])).toEqual(['6 error shadowed']);
    expect(dead(['-A INPUT -p tcp -m tcpmss --mss 0:65535 -j DROP', '-A INPUT -p tcp -j ACCEPT'])).toEqual([]);
    expect(dead(['-A INPUT -p tcp -m tcpmss --mss 0:65535 -j DROP', '-A INPUT -p tcp -m tcpmss ! --mss 0:1000 -j DROP', '-A INPUT -p tcp -j ACCEPT'])).toEqual(['7 error shadowed']);
  });

  it('the helper that expected the connection', () => {
    expect(dead(['-A INPUT -m helper --helper ftp -j ACCEPT', '-A INPUT -p tcp -m helper --helper ftp -j DROP'])).toEqual(['6 error shadowed']);
    expect(dead(['-A INPUT -m helper --helper ftp -j ACCEPT', '-A INPUT -m helper --helper sip -j DROP'])).toEqual([]);
    expect(dead(['-A INPUT -m helper --helper ftp -j ACCEPT', '-A INPUT -m helper --helper "" -j DROP'])).toEqual([]);
  });
});

describe('addrtype with the host, ipsets with their members', () => {
  it("LOCAL is the host's addresses (and 127/8) when the scenario gives the host; may without it", () => {
    const rules = ['-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT', '-A INPUT -d 10.0.0.1 -p tcp -j DROP'];
    expect(dead(rules, { host })).toEqual(['6 error shadowed']);
    expect(dead(rules)).toEqual(['6 info may-shadowed']);
    expect(dead(['-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT', '-A INPUT -d 10.0.0.2 -p tcp -j DROP'], { host })).toEqual([]);
    expect(dead(['-A INPUT -m addrtype --dst-type BROADCAST -j DROP', '-A INPUT -d 10.0.0.255 -j ACCEPT', '-A INPUT -d 255.255.255.255 -j ACCEPT'], { host })).toEqual(['6 error shadowed', '7 error shadowed']);
  });

  it('a hash:net set with a nomatch hole, ip,port pairs, and a set the scenario does not define', () => {
    const sets = {
      blocked: { type: 'hash:net', members: ['10.0.0.0/8', '10.0.0.0/24 nomatch'] },
      svc: { type: 'hash:ip,port', members: ['203.0.113.10,tcp:22'] },
    };
    expect(dead(['-A INPUT -m set --match-set blocked src -j DROP', '-A INPUT -s 10.1.0.0/16 -j ACCEPT'], { sets })).toEqual(['6 error shadowed']);
    expect(dead(['-A INPUT -m set --match-set blocked src -j DROP', '-A INPUT -s 10.0.0.0/24 -j ACCEPT'], { sets })).toEqual([]);
    expect(dead(['-A INPUT -m set --match-set blocked src --return-nomatch -j DROP', '-A INPUT -s 10.0.0.0/24 -j ACCEPT'], { sets })).toEqual(['6 error shadowed']);
    expect(dead(['-A INPUT -m set --match-set svc dst,dst -j ACCEPT', '-A INPUT -d 203.0.113.10 -p tcp --dport 22 -j DROP'], { sets })).toEqual(['6 error shadowed']);
    expect(dead(['-A INPUT -m set --match-set svc dst,dst -j ACCEPT', '-A INPUT -d 203.0.113.10 -p udp --dport 22 -j DROP'], { sets })).toEqual([]);
    expect(dead(['-A INPUT -m set ! --match-set nosuch src -j DROP'], { sets })).toEqual(['5 warning never-matches']);
    expect(only(findings(filter(['-A INPUT -m set --match-set blocked src -j DROP', '-A INPUT -s 10.1.0.0/16 -j ACCEPT'])), 'may-shadowed').map((f) => f.line)).toEqual([6]);
  });
});
