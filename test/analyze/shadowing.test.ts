// Shadowing and redundancy, exact over the packet space: each finding where it must fire and a near miss.
import { describe, expect, it } from 'vitest';
import { codes, filter, findings, only } from './lint-helpers';

const sshOpen = ['-A INPUT -p tcp --dport 22 -j ACCEPT'];

describe('shadowed rules', () => {
  it('names the DROP above an ACCEPT it swallows, as an error', () => {
    const fs = only(findings(filter(['-A INPUT -s 10.0.0.0/8 -j DROP', '-A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT', ...sshOpen])), 'shadowed');
    expect(codes(fs)).toEqual(['6 error shadowed']);
    expect(fs[0].message).toBe('Rule never matches: every packet it matches is taken earlier by line 5 (-A INPUT -s 10.0.0.0/8 -j DROP)');
    expect(fs[0].related).toEqual([5]);
  });

  it('near miss: the ACCEPT above the DROP is not shadowed', () => {
    expect(only(findings(filter(['-A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT', '-A INPUT -s 10.0.0.0/8 -j DROP'])), 'shadowed')).toEqual([]);
  });

  it('a duplicate under the same verdict is a warning', () => {
    expect(codes(only(findings(filter(['-A INPUT -p tcp --dport 80 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT'])), 'shadowed'))).toEqual(['6 warning shadowed']);
  });

  it('is exact: several earlier rules together, with negation and multiport', () => {
    const fs = findings(filter([
      '-A INPUT -p tcp -m multiport --dports 1:1023 -j ACCEPT',
      '-A INPUT -p tcp ! --dport 1:1023 -j DROP',
      '-A INPUT -p tcp --dport 443 -j LOG',
    ]));
    expect(only(fs, 'shadowed').map((f) => [f.line, f.related])).toEqual([[7, [5]]]);
    // Port 1024 is outside the first rule and inside the second; a near miss by one port.
    const miss = findings(filter(['-A INPUT -p tcp -m multiport --dports 1:1023 -j ACCEPT', '-A INPUT -p tcp ! --dport 1:1024 -j DROP', '-A INPUT -p tcp --dport 1024 -j LOG']));
    expect(only(miss, 'shadowed')).toEqual([]);
  });

  it('later fragments have no ports: a port rule does not cover them', () => {
    const fs = findings(filter(['-A INPUT -p tcp --dport 0:65535 -j DROP', '-A INPUT -p tcp -j ACCEPT']));
    expect(only(fs, 'shadowed')).toEqual([]);
    const frag = findings(filter(['-A INPUT -p tcp --dport 0:65535 -j DROP', '-A INPUT -p tcp -f -j DROP', '-A INPUT -p tcp -j ACCEPT']));
    expect(codes(only(frag, 'shadowed'))).toEqual(['7 error shadowed']);
  });

  it('counts a jump to a chain that always decides, and names the jump', () => {
    const text = ['*filter', ':INPUT ACCEPT [0:0]', ':BLOCK - [0:0]', '-A INPUT -s 192.0.2.0/24 -j BLOCK', '-A INPUT -s 192.0.2.7 -j ACCEPT', '-A BLOCK -j DROP', 'COMMIT', ''].join('\n');
    const fs = only(findings(text), 'shadowed');
    expect(fs.map((f) => [f.line, f.severity, f.related])).toEqual([[5, 'error', [4]]]);
    // Near miss: the chain only decides part of what is sent to it, and the rest comes back.
    const partial = text.replace('-A BLOCK -j DROP', '-A BLOCK -s 192.0.2.1 -j DROP');
    expect(only(findings(partial), 'shadowed')).toEqual([]);
  });

  it('RETURN stops a user chain: rules after it see none of its packets', () => {
    const text = ['*filter', ':INPUT ACCEPT [0:0]', ':WEB - [0:0]', '-A INPUT -j WEB', '-A WEB -p tcp -j RETURN', '-A WEB -p tcp --dport 80 -j ACCEPT', 'COMMIT', ''].join('\n');
    expect(codes(only(findings(text), 'shadowed'))).toEqual(['6 error shadowed']);
  });

  it('a rewrite in between voids what earlier rules covered (MARK)', () => {
    const text = ['*mangle', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -m mark --mark 0x1/0x1 -j ACCEPT', '-A PREROUTING -j MARK --set-xmark 0x3/0xffffffff',
      '-A PREROUTING -m mark --mark 0x3/0x3 -j DROP', 'COMMIT', ''].join('\n');
    expect(only(findings(text), 'shadowed')).toEqual([]);
    // Without the rewrite, mark 0x3/0x3 packets all have bit 0: the ACCEPT took them.
    expect(codes(only(findings(text.replace('-A PREROUTING -j MARK --set-xmark 0x3/0xffffffff\n', '')), 'shadowed'))).toEqual(['4 error shadowed']);
  });

  it('says "may" when the earlier rule depends on a rate', () => {
    const fs = findings(filter(['-A INPUT -p tcp -m limit --limit 10/min -j DROP', ...sshOpen]));
    expect(codes(fs.filter((f) => f.code.includes('shadowed')))).toEqual(['6 info may-shadowed']);
    expect(fs.find((f) => f.code === 'may-shadowed')!.related).toEqual([5]);
    // Without the limit it is certain.
    expect(codes(only(findings(filter(['-A INPUT -p tcp -j DROP', ...sshOpen])), 'shadowed'))).toEqual(['6 error shadowed']);
  });

  it('a rule with a stateful match of its own is still exactly shadowed', () => {
    const fs = findings(filter(['-A INPUT -p tcp -j DROP', '-A INPUT -p tcp --dport 22 -m recent --name ssh --update --seconds 60 --hitcount 4 -j DROP']));
    expect(codes(only(fs, 'shadowed'))).toEqual(['6 warning shadowed']);
  });

  it('contradictory clauses never match', () => {
    const fs = findings(filter(['-A INPUT -s 10.0.0.0/8 -m iprange --src-range 192.168.0.1-192.168.0.9 -j ACCEPT']));
    expect(codes(only(fs, 'never-matches'))).toEqual(['5 warning never-matches']);
    expect(only(findings(filter(['-A INPUT -s 10.0.0.0/8 -m iprange --src-range 10.0.0.1-10.0.0.9 -j ACCEPT'])), 'never-matches')).toEqual([]);
  });

  it('conntrack states: ESTABLISHED,RELATED then NEW leaves INVALID and UNTRACKED', () => {
    const text = filter([
      '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-A INPUT -m conntrack --ctstate NEW -j ACCEPT',
      '-A INPUT -m state --state INVALID -j DROP', '-A INPUT -m conntrack ! --ctstate INVALID,UNTRACKED -j DROP',
    ]);
    expect(codes(only(findings(text), 'shadowed'))).toEqual(['8 error shadowed']);
  });
});

describe('redundant rules', () => {
  it('a rule a later rule with the same verdict covers, nothing in between', () => {
    const fs = only(findings(filter(['-A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT', '-A INPUT -s 10.0.0.0/16 -p tcp --dport 22 -j ACCEPT'])), 'redundant');
    expect(codes(fs)).toEqual(['5 warning redundant']);
    expect(fs[0].related).toEqual([6]);
  });

  it('near miss: a LOG in between sees the packets, so removing the rule would change the log', () => {
    const text = filter(['-A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT', '-A INPUT -p tcp --dport 22 -j LOG', '-A INPUT -s 10.0.0.0/16 -p tcp --dport 22 -j ACCEPT']);
    expect(only(findings(text), 'redundant')).toEqual([]);
  });

  it('near miss: a different verdict in between', () => {
    const text = filter(['-A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT', '-A INPUT -s 10.0.0.7 -j DROP', '-A INPUT -s 10.0.0.0/16 -p tcp --dport 22 -j ACCEPT']);
    expect(only(findings(text), 'redundant')).toEqual([]);
  });

  it('a final rule repeating the policy is information only', () => {
    expect(codes(only(findings(filter(['-A INPUT -j DROP'], { INPUT: 'DROP' })), 'redundant-policy'))).toEqual(['5 info redundant-policy']);
    expect(only(findings(filter(['-A INPUT -j DROP'], { INPUT: 'ACCEPT' })), 'redundant-policy')).toEqual([]);
  });
});

describe('chain structure', () => {
  const chains = (jump: string) => ['*filter', ':INPUT ACCEPT [0:0]', ':LOGDROP - [0:0]', jump, '-A LOGDROP -j LOG', '-A LOGDROP -j DROP', 'COMMIT', ''].join('\n');

  it('a user chain nothing jumps to', () => {
    const fs = only(findings(chains('-A INPUT -p tcp --dport 23 -j ACCEPT')), 'unreachable-chain');
    expect(codes(fs)).toEqual(['3 warning unreachable-chain']);
    expect(fs[0].message).toBe('Chain LOGDROP is never jumped to');
  });

  it('near miss: jumped to', () => {
    expect(only(findings(chains('-A INPUT -p tcp --dport 23 -j LOGDROP')), 'unreachable-chain')).toEqual([]);
  });

  it('jumped to only from a rule that never matches', () => {
    const text = chains('-A INPUT -j ACCEPT\n-A INPUT -p tcp --dport 23 -j LOGDROP');
    expect(only(findings(text), 'unreachable-chain').map((f) => f.message)).toEqual(['Chain LOGDROP is only jumped to from rules that never match']);
  });
});
