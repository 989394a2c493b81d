// The operator findings: each where it must fire, and a near miss where it must not.
import { describe, expect, it } from 'vitest';
import { codes, filter, findings, only } from './lint-helpers';

const EST = '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT';
const OUT_EST = '-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT';

describe('lockout', () => {
  it('default-deny INPUT with no accepted path for SSH', () => {
    const fs = only(findings(filter([EST, '-A INPUT -p tcp --dport 443 -j ACCEPT'], { INPUT: 'DROP' })), 'lockout');
    expect(codes(fs)).toEqual(['2 error lockout']);
    expect(fs[0].message).toBe('No accepted path for SSH (tcp/22) from any source: the INPUT policy DROP drops it');
  });

  it('near miss: SSH accepted from somewhere', () => {
    expect(only(findings(filter([EST, '-A INPUT -s 192.0.2.0/24 -p tcp --dport 22 -j ACCEPT'], { INPUT: 'DROP' })), 'lockout')).toEqual([]);
  });

  it('the management source of the scenario, and a port it marks as management', () => {
    const rules = filter([EST, '-A INPUT -s 192.0.2.0/24 -p tcp --dport 22 -j ACCEPT', '-A INPUT -s 10.244.0.0/16 -p tcp --dport 8080 -j ACCEPT'], { INPUT: 'DROP' });
    const fs = only(findings(rules, { analysis: { management: [{ src: '10.0.0.0/24', port: 22 }, { src: '10.244.0.0/16', port: 8080 }] } }), 'lockout');
    expect(fs.map((f) => f.message)).toEqual(['No accepted path for SSH (tcp/22) from 10.0.0.0/24: the INPUT policy DROP drops it']);
    const ok = findings(rules, { analysis: { management: [{ src: '192.0.2.0/25', port: 22 }, { src: '10.244.1.0/24', port: 8080 }] } });
    expect(only(ok, 'lockout')).toEqual([]);
  });

  it('-I of a DROP above the ACCEPT that carried SSH names both', () => {
    const script = [
      'iptables -P INPUT DROP',
      'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
      'iptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT',
      'iptables -I INPUT -s 10.0.0.0/8 -j DROP',
    ].join('\n');
    const fs = only(findings(script, { analysis: { management: [{ src: '10.0.0.0/24', port: 22 }] } }), 'lockout');
    expect(codes(fs)).toEqual(['4 error lockout']);
    expect(fs[0].message).toBe('No accepted path for SSH (tcp/22) from 10.0.0.0/24: line 4 (-I INPUT -s 10.0.0.0/8 -j DROP) drops it, inserted with -I above line 3 (-A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT), the ACCEPT that carried it');
    // Near miss: appended, the DROP comes after the ACCEPT.
    expect(only(findings(script.replace('-I INPUT', '-A INPUT'), { analysis: { management: [{ src: '10.0.0.0/24', port: 22 }] } }), 'lockout')).toEqual([]);
  });

  it("SSH's replies dropped in OUTPUT lock out too", () => {
    const fs = only(findings(filter([EST, '-A INPUT -p tcp --dport 22 -j ACCEPT'], { INPUT: 'DROP', OUTPUT: 'DROP' })), 'lockout');
    expect(fs.map((f) => f.message)).toEqual(['Replies of SSH (tcp/22) sessions cannot leave: the OUTPUT policy DROP drops it']);
    expect(only(findings(filter([EST, '-A INPUT -p tcp --dport 22 -j ACCEPT', OUT_EST], { INPUT: 'DROP', OUTPUT: 'DROP' })), 'lockout')).toEqual([]);
  });
});

describe('no ESTABLISHED,RELATED accept', () => {
  it('INPUT policy DROP without it', () => {
    const fs = only(findings(filter(['-A INPUT -p tcp --dport 22 -j ACCEPT'], { INPUT: 'DROP' })), 'no-established');
    expect(codes(fs)).toEqual(['2 error no-established']);
    expect(fs[0].message).toBe('No ESTABLISHED,RELATED accept before the default deny on INPUT: the INPUT policy DROP drops ESTABLISHED replies and RELATED ICMP errors');
  });

  it('near miss: with it (state or conntrack), or with a policy ACCEPT and a blocklist', () => {
    expect(only(findings(filter([EST, '-A INPUT -p tcp --dport 22 -j ACCEPT'], { INPUT: 'DROP' })), 'no-established')).toEqual([]);
    expect(only(findings(filter(['-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT'], { INPUT: 'DROP' })), 'no-established')).toEqual([]);
    expect(only(findings(filter(['-A INPUT -s 198.51.100.0/24 -j DROP'])), 'no-established')).toEqual([]);
  });

  it('an OUTPUT port rule without state drops the replies of accepted connections', () => {
    const fs = only(findings(filter(['-A OUTPUT -p tcp --dport 1024:65535 -j DROP'])), 'no-established');
    expect(codes(fs)).toEqual(['5 error no-established']);
    expect(only(findings(filter([OUT_EST, '-A OUTPUT -p tcp --dport 1024:65535 -j DROP'])), 'no-established')).toEqual([]);
  });

  it('FORWARD only when used', () => {
    expect(only(findings(filter([EST], { INPUT: 'DROP', FORWARD: 'DROP' })), 'no-established')).toEqual([]);
    const used = findings(filter([EST, '-A INPUT -p tcp --dport 22 -j ACCEPT', '-A FORWARD -i eth1 -o eth0 -j ACCEPT'], { INPUT: 'DROP', FORWARD: 'DROP' }));
    expect(codes(only(used, 'no-established'))).toEqual(['3 error no-established']);
  });
});

const nat = (pre: string[], fwd: string[], fwdPolicy = 'DROP') => [
  '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ...pre, 'COMMIT',
  '*filter', ':INPUT ACCEPT [0:0]', `:FORWARD ${fwdPolicy} [0:0]`, ':OUTPUT ACCEPT [0:0]', ...fwd, 'COMMIT', ''].join('\n');

describe('DNAT without a FORWARD accept', () => {
  const dnat = '-A PREROUTING -i eth0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80';
  it('fires at the DNAT, naming the policy', () => {
    const fs = only(findings(nat([dnat], ['-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'])), 'dnat-no-forward');
    expect(codes(fs)).toEqual(['6 error dnat-no-forward']);
    expect(fs[0].message).toBe('DNAT to 10.0.0.5:80 is never forwarded: the FORWARD policy DROP drops it in FORWARD');
  });

  it('near miss: FORWARD accepts the translated destination', () => {
    const fs = findings(nat([dnat], ['-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-A FORWARD -d 10.0.0.5 -p tcp --dport 80 -j ACCEPT']));
    expect(only(fs, 'dnat-no-forward')).toEqual([]);
  });

  it('near miss: a FORWARD accept for the port before translation does not count', () => {
    const fs = findings(nat([dnat], ['-A FORWARD -p tcp --dport 8080 -j ACCEPT']));
    expect(codes(only(fs, 'dnat-no-forward'))).toEqual(['6 error dnat-no-forward']);
  });

  it('forwarding off in the scenario', () => {
    const host = { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }], forwarding: false };
    expect(only(findings(nat([dnat], [], 'ACCEPT'), { host }), 'dnat-no-forward').map((f) => f.severity)).toEqual(['warning']);
  });
});

describe('a published container port and INPUT', () => {
  const docker = (input: string[]) => [
    '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':DOCKER - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE', '-A DOCKER -i docker0 -j RETURN',
    '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80', 'COMMIT',
    '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':DOCKER - [0:0]', ':DOCKER-USER - [0:0]',
    ...input,
    '-A FORWARD -j DOCKER-USER', '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A FORWARD -o docker0 -j DOCKER',
    '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT', '-A DOCKER-USER -j RETURN', 'COMMIT', ''].join('\n');

  it('an INPUT rule for the published port never sees it', () => {
    const fs = only(findings(docker([EST, '-A INPUT -s 10.0.0.0/24 -p tcp --dport 8080 -j ACCEPT', '-A INPUT -p tcp --dport 8080 -j DROP'])), 'published-port-bypasses-input');
    expect(codes(fs)).toEqual(['20 warning published-port-bypasses-input', '21 warning published-port-bypasses-input']);
    expect(fs[1].message).toBe("INPUT never sees new connections to published port 8080: Docker's DNAT at line 11 (-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80) sends them to 172.17.0.2:80 through FORWARD");
  });

  it('near miss: INPUT rules for other ports', () => {
    expect(only(findings(docker([EST, '-A INPUT -p tcp --dport 22 -j ACCEPT'])), 'published-port-bypasses-input')).toEqual([]);
  });

  it('the published port itself is forwarded: no DNAT finding', () => {
    expect(only(findings(docker([EST])), 'dnat-no-forward')).toEqual([]);
  });
});

describe('needed egress', () => {
  const rules = filter([OUT_EST, '-A OUTPUT -p tcp -m multiport --dports 80,443,22,3306 -j ACCEPT', '-A OUTPUT -p tcp --dport 1024:65535 -j DROP']);
  it('OUTPUT drops a destination the scenario lists as needed', () => {
    const fs = only(findings(rules, { analysis: { egress: [{ dst: '198.51.100.20', port: 8443 }] } }), 'egress-blocked');
    expect(codes(fs)).toEqual(['7 error egress-blocked']);
    expect(fs[0].message).toBe('Needed egress tcp/8443 to 198.51.100.20 is dropped: line 7 (-A OUTPUT -p tcp --dport 1024:65535 -j DROP) drops it');
  });

  it('near miss: a port on the list', () => {
    expect(only(findings(rules, { analysis: { egress: [{ dst: '198.51.100.20', port: 443 }] } }), 'egress-blocked')).toEqual([]);
  });

  it('replies of needed egress dropped in INPUT', () => {
    const fs = only(findings(filter(['-A INPUT -p tcp --dport 22 -j ACCEPT'], { INPUT: 'DROP' }), { analysis: { egress: [{ dst: '198.51.100.20', port: 8443 }] } }), 'egress-blocked');
    expect(fs.map((f) => f.message)).toEqual(['Replies from needed egress tcp/8443 to 198.51.100.20 are dropped: the INPUT policy DROP drops it']);
  });
});

describe('hygiene', () => {
  it('SSH open to the world; near miss: from a network', () => {
    const fs = only(findings(filter([EST, '-A INPUT -s 0.0.0.0/0 -p tcp --dport 22 -j ACCEPT'], { INPUT: 'DROP' })), 'open-to-world');
    expect(fs.map((f) => f.message)).toEqual(['Accepts SSH (tcp/22) from any source']);
    expect(only(findings(filter([EST, '-A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT'], { INPUT: 'DROP' })), 'open-to-world')).toEqual([]);
  });

  it('accept-everything in a default-deny INPUT; near miss: loopback', () => {
    expect(only(findings(filter(['-A INPUT -j ACCEPT'], { INPUT: 'DROP' })), 'open-to-world').map((f) => f.message)).toEqual(['Accepts every new connection from any source on INPUT']);
    expect(only(findings(filter(['-A INPUT -i lo -j ACCEPT'], { INPUT: 'DROP' })), 'open-to-world')).toEqual([]);
  });

  it('-s 0.0.0.0/0 is flagged at its clause', () => {
    const fs = only(findings(filter(['-A INPUT -s 0.0.0.0/0 -p tcp --dport 80 -j ACCEPT'])), 'any-address');
    expect(fs.map((f) => [f.line, f.column, f.endColumn, f.severity])).toEqual([[5, 10, 22, 'info']]);
    expect(only(findings(filter(['-A INPUT -s 10.0.0.0/8 -p tcp --dport 80 -j ACCEPT'])), 'any-address')).toEqual([]);
  });

  it('LOG without a rate limit before a drop; near miss: limited', () => {
    expect(codes(only(findings(filter(['-A INPUT -j LOG --log-prefix "drop: "', '-A INPUT -j DROP'])), 'log-no-limit'))).toEqual(['5 warning log-no-limit']);
    expect(only(findings(filter(['-A INPUT -m limit --limit 5/min -j LOG', '-A INPUT -j DROP'])), 'log-no-limit')).toEqual([]);
    expect(only(findings(filter(['-A INPUT -j LOG'])), 'log-no-limit')).toEqual([]);
  });

  it('state mixed with conntrack; near miss: conntrack only', () => {
    const fs = only(findings(filter(['-A INPUT -m state --state ESTABLISHED -j ACCEPT', '-A INPUT -m conntrack --ctstate NEW -j ACCEPT'])), 'state-and-conntrack');
    expect(fs.map((f) => [f.line, f.column, f.message])).toEqual([[5, 10, '-m state (1 rule) is mixed with -m conntrack (1)']]);
    expect(only(findings(filter(['-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT', '-A INPUT -m conntrack --ctstate NEW -j ACCEPT'])), 'state-and-conntrack')).toEqual([]);
  });

  it('a DROP policy with nothing logging; near miss: a LOG in a called chain', () => {
    expect(codes(only(findings(filter([EST], { INPUT: 'DROP' })), 'silent-drop'))).toEqual(['2 info silent-drop']);
    const logged = ['*filter', ':INPUT DROP [0:0]', ':LOGDROP - [0:0]', '-A INPUT -j LOGDROP', '-A LOGDROP -m limit --limit 5/min -j LOG', 'COMMIT', ''].join('\n');
    expect(only(findings(logged), 'silent-drop')).toEqual([]);
  });
});
