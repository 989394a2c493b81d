// The incidents of ../shared/reading, each rebuilt as the ruleset that caused it: lint or the validation
// matrix must catch it, with a message that names the cause.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMatrix } from '../../src/engine/analyze/check';
import { parseMatrix } from '../../src/engine/analyze/matrix';
import { parseRuleset } from '../../src/engine/parse/index';
import { SHARED } from '../helpers/shared';
import { codes, findings, only } from './lint-helpers';

describe('a DROP inserted with -I above the ACCEPT for SSH and health checks (47-minute outage)', () => {
  // The hardened file of the postmortem, then `iptables -I INPUT -s 10.0.0.0/8 -j DROP` on top.
  const script = [
    'iptables -P INPUT DROP',
    'iptables -A INPUT -i lo -j ACCEPT',
    'iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT',
    'iptables -A INPUT -p tcp -s 10.0.0.0/24 --dport 22 -m state --state NEW -j ACCEPT',
    'iptables -A INPUT -p tcp --dport 443 -j ACCEPT',
    'iptables -A INPUT -p tcp -s 10.244.0.0/16 --dport 8080 -j ACCEPT',
    'iptables -A INPUT -m limit --limit 5/min -j LOG --log-prefix "iptables-INPUT-drop: "',
    'iptables -A INPUT -j DROP',
    'iptables -I INPUT -s 10.0.0.0/8 -j DROP',
  ].join('\n');
  const analysis = { management: [{ src: '10.0.0.0/24', port: 22 }, { src: '10.244.0.0/16', port: 8080 }] };

  it('lint: lockout for SSH and the health check, naming the -I DROP and the ACCEPTs it went above', () => {
    const fs = only(findings(script, { analysis }), 'lockout');
    expect(fs.map((f) => f.message)).toEqual([
      'No accepted path for SSH (tcp/22) from 10.0.0.0/24: line 9 (-I INPUT -s 10.0.0.0/8 -j DROP) drops it, inserted with -I above line 4 (-A INPUT -p tcp -s 10.0.0.0/24 --dport 22 -m state --state NEW -j ACCEPT), the ACCEPT that carried it',
      'No accepted path for tcp/8080 from 10.244.0.0/16: line 9 (-I INPUT -s 10.0.0.0/8 -j DROP) drops it, inserted with -I above line 6 (-A INPUT -p tcp -s 10.244.0.0/16 --dport 8080 -j ACCEPT), the ACCEPT that carried it',
    ]);
    expect(fs.every((f) => f.line === 9 && f.severity === 'error')).toBe(true);
  });

  it('lint: both ACCEPTs are shadowed by the inserted DROP', () => {
    const fs = only(findings(script, { analysis }), 'shadowed');
    expect(fs.map((f) => [f.line, f.severity, f.related])).toEqual([[4, 'error', [9]], [6, 'error', [9]]]);
  });

  it('near miss: appended with -A, the DROP only catches the rest of 10.0.0.0/8', () => {
    const fs = findings(script.replace('iptables -I INPUT', 'iptables -A INPUT'), { analysis });
    expect(only(fs, 'lockout')).toEqual([]);
    // ... and is then dead, which is what made the engineer reach for -I.
    expect(codes(only(fs, 'shadowed'))).toEqual(['9 warning shadowed']);
  });
});

describe('OUTPUT DROP on 1024:65535 that broke the payment gateway on 8443', () => {
  const rules = [
    '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
    '-A OUTPUT -p tcp -m multiport --dports 80,443,22,3306 -j ACCEPT',
    '-A OUTPUT -p tcp --dport 1024:65535 -j DROP',
    'COMMIT', ''].join('\n');

  it('lint with the needed egress in the scenario names the DROP', () => {
    const fs = only(findings(rules, { analysis: { egress: [{ dst: '198.51.100.20', port: 8443 }] } }), 'egress-blocked');
    expect(fs.map((f) => [f.line, f.severity, f.message])).toEqual([
      [6, 'error', 'Needed egress tcp/8443 to 198.51.100.20 is dropped: line 6 (-A OUTPUT -p tcp --dport 1024:65535 -j DROP) drops it'],
    ]);
  });

  it('lint without it still flags the rule: it drops the replies of every accepted connection', () => {
    const fs = only(findings(rules), 'no-established');
    expect(fs.map((f) => f.message)).toEqual(['No ESTABLISHED,RELATED accept before this deny on OUTPUT: line 6 (-A OUTPUT -p tcp --dport 1024:65535 -j DROP) drops ESTABLISHED replies']);
  });

  it('the matrix fails the gateway flow and names the rule', () => {
    const matrix = parseMatrix('local tcp to 198.51.100.20:8443: sent\nlocal tcp to 198.51.100.20:443: sent\n');
    const res = checkMatrix(parseRuleset(rules).ruleset, matrix);
    expect(res.map((r) => r.ok)).toEqual([false, true]);
    expect(res[0].samples.map((s) => `${s.fate} by ${s.by}`)).toEqual(['dropped by filter OUTPUT rule 2 (line 6): DROP']);
  });
});

describe("a Docker-published port that bypasses INPUT", () => {
  const rules = [
    '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':DOCKER - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
    '-A DOCKER -i docker0 -j RETURN',
    '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    'COMMIT',
    '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':DOCKER - [0:0]', ':DOCKER-USER - [0:0]',
    '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    '-A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT',
    '-A INPUT -s 10.0.0.0/8 -p tcp --dport 8080 -j ACCEPT',
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -o docker0 -j DOCKER',
    '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
    '-A DOCKER-USER -j RETURN',
    'COMMIT', ''].join('\n');

  it('lint: the INPUT rule meant to restrict 8080 never sees it, naming the DNAT', () => {
    const fs = only(findings(rules), 'published-port-bypasses-input');
    expect(fs.map((f) => [f.line, f.message])).toEqual([
      [20, "INPUT never sees new connections to published port 8080: Docker's DNAT at line 10 (-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80) sends them to 172.17.0.2:80 through FORWARD"],
    ]);
  });

  it('the matrix shows it: 8080 from outside 10.0.0.0/8 is forwarded to the container anyway', () => {
    const matrix = parseMatrix(['host eth0 203.0.113.10/24', 'host docker0 172.17.0.1/16', 'route default via 203.0.113.1 dev eth0',
      'from 198.51.100.7 tcp 8080 to host: dropped'].join('\n'));
    const res = checkMatrix(parseRuleset(rules).ruleset, matrix);
    expect(res[0].ok).toBe(false);
    expect(res[0].samples.map((s) => `${s.fate} by ${s.by}`)).toEqual(['forwarded by filter DOCKER rule 1 (line 24): ACCEPT']);
  });
});

describe('DNAT without a FORWARD accept', () => {
  const rules = [
    '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    '-A PREROUTING -i eth0 -p tcp --dport 80 -j DNAT --to-destination 10.0.0.5:8080',
    '-A POSTROUTING -o eth0 -j MASQUERADE',
    'COMMIT',
    '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]',
    '-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    '-A FORWARD -i eth1 -o eth0 -j ACCEPT',
    'COMMIT', ''].join('\n');

  it('lint: the DNAT is never forwarded, naming the FORWARD policy', () => {
    const fs = only(findings(rules), 'dnat-no-forward');
    expect(fs.map((f) => [f.line, f.severity, f.message])).toEqual([[6, 'error', 'DNAT to 10.0.0.5:8080 is never forwarded: the FORWARD policy DROP drops it in FORWARD']]);
  });

  it('the matrix agrees', () => {
    const res = checkMatrix(parseRuleset(rules).ruleset, parseMatrix('from 198.51.100.7 tcp 80 to host: forwarded\n'));
    expect(res[0].samples.map((s) => `${s.fate} by ${s.by}`)).toEqual(['dropped by filter FORWARD policy DROP']);
  });
});

describe('a missing ESTABLISHED,RELATED rule', () => {
  const rules = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]',
    '-A INPUT -i lo -j ACCEPT', '-A INPUT -p tcp --dport 22 -j ACCEPT', '-A INPUT -p tcp --dport 80 -j ACCEPT', 'COMMIT', ''].join('\n');

  it('lint names the default deny that drops the replies', () => {
    const fs = only(findings(rules), 'no-established');
    expect(fs.map((f) => [f.line, f.severity, f.message])).toEqual([[2, 'error', 'No ESTABLISHED,RELATED accept before the default deny on INPUT: the INPUT policy DROP drops ESTABLISHED replies and RELATED ICMP errors']]);
  });

  it('the matrix: the host cannot get answers to its own connections', () => {
    const res = checkMatrix(parseRuleset(rules).ruleset, parseMatrix('from 198.51.100.20:443 tcp to host:40000 established: delivered\n'));
    expect(res[0].ok).toBe(false);
    expect(res[0].samples[0].by).toBe('filter INPUT policy DROP');
  });
});

const READING = resolve(SHARED, 'reading');
describe.skipIf(!existsSync(READING))('the incident documents', () => {
  it('still describe the causes the tests above rebuild', () => {
    const text = readdirSync(READING).map((f) => readFileSync(resolve(READING, f), 'utf8')).join('\n');
    for (const cause of ['-I', '8443', '1024:65535', 'bypasses your INPUT chain', 'DNAT rule exists', 'ESTABLISHED,RELATED'])
      expect(text, cause).toContain(cause);
  });
});
