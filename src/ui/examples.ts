// Scenarios the playground opens on and offers in its gallery. Each one is a complete scenario
// (DESIGN.md section 2): a host, a ruleset, and the packets that tell its story.
import type { Scenario } from '../engine/model/scenario';
import type { Fate } from '../engine/model/trace';

export interface Example {
  id: string;
  title: string;
  /// One sentence: what to look at.
  summary: string;
  scenario: Scenario;
  /// What each packet must come to: the story the example tells (the end-to-end test holds it to this).
  fates: Fate[];
}

const webHost: Scenario['host'] = {
  interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }],
  routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }],
  forwarding: false,
};

const webServer: Example = {
  id: 'web-server',
  title: 'Web server with SSH',
  summary: 'A default-drop INPUT chain: SSH and the web are open, telnet is not, ping is answered.',
  scenario: {
    version: 1,
    host: webHost,
    rules: `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A INPUT -p tcp --dport 22 -j ACCEPT
-A INPUT -p tcp --dport 80 -j ACCEPT
-A INPUT -p tcp --dport 443 -j ACCEPT
-A INPUT -p icmp --icmp-type echo-request -j ACCEPT
COMMIT
`,
    packets: [
      { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] },
      { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40001, dport: 23, flags: ['SYN'] },
      { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'icmp', icmpType: 'echo-request' },
    ],
  },
  fates: ['delivered', 'dropped', 'delivered'],
};

// The postmortem in shared/reading: a DROP meant for 10.0.0.0/8, inserted with -I, lands above the
// ACCEPT for the load balancer's health checks (10.244.0.0/16) and the bastion's SSH.
const insertedDrop: Example = {
  id: 'inserted-drop',
  title: 'Incident: DROP inserted above the health check',
  summary: '`-I` puts the new DROP first: the health checks and SSH from the bastion now die on rule 1.',
  scenario: {
    version: 1,
    host: {
      interfaces: [{ name: 'eth0', addresses: ['10.0.1.20/16'] }],
      routes: [{ to: 'default', via: '10.0.0.1', dev: 'eth0' }],
      forwarding: false,
    },
    rules: `iptables -P INPUT DROP
iptables -A INPUT -i lo -j ACCEPT
iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
# load balancer health checks
iptables -A INPUT -s 10.244.0.0/16 -p tcp --dport 8080 -j ACCEPT
iptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT
iptables -A INPUT -p tcp --dport 8080 -j ACCEPT
# the change: block the private range... inserted at the top
iptables -I INPUT -s 10.0.0.0/8 -j DROP
`,
    packets: [
      { from: 'eth0', src: '10.244.3.7', dst: '10.0.1.20', proto: 'tcp', sport: 51000, dport: 8080, flags: ['SYN'] },
      { from: 'eth0', src: '10.0.0.5', dst: '10.0.1.20', proto: 'tcp', sport: 52000, dport: 22, flags: ['SYN'] },
      { from: 'eth0', src: '198.51.100.23', dst: '10.0.1.20', proto: 'tcp', sport: 53000, dport: 8080, flags: ['SYN'] },
    ],
  },
  fates: ['dropped', 'dropped', 'delivered'],
};

export const EXAMPLES: readonly Example[] = [webServer, insertedDrop];

export const DEFAULT_EXAMPLE = webServer;

export function findExample(id: string): Example | undefined {
  return EXAMPLES.find((e) => e.id === id);
}
