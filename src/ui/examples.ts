// Scenarios the playground opens on and offers in its gallery. Each one is a complete scenario
// (DESIGN.md section 2): a host, a ruleset, and the packets that tell its story. Most are adapted from
// the kernel-recorded cases in test/kernel/cases/ (named beside each one), so what they show is what
// Linux does. Each declares the fate of every packet: the end-to-end test holds the engine to it.
import type { Scenario } from '../engine/model/scenario';
import type { Fate } from '../engine/model/trace';

export type ExampleGroup = 'Start here' | 'Incidents' | 'Setups';
export const EXAMPLE_GROUPS: readonly ExampleGroup[] = ['Start here', 'Incidents', 'Setups'];

export interface Example {
  id: string;
  group: ExampleGroup;
  title: string;
  /// One sentence: what to look at.
  summary: string;
  /// One paragraph: what happened, and what the packets show.
  story: string;
  /// The other half of the story: the state before the change, or the fix.
  related?: { id: string; label: string };
  scenario: Scenario;
  /// What each packet must come to: the story the example tells (the end-to-end test holds it to this).
  fates: Fate[];
  /// Where NAT matters: each packet's header as it left, `src:sport > dst:dport` (ports only for TCP and
  /// UDP), or null when it did not leave.
  finals?: (string | null)[];
}

const webHost: Scenario['host'] = {
  interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }],
  routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }],
  forwarding: false,
};

const gatewayHost: Scenario['host'] = {
  interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }, { name: 'eth1', addresses: ['10.0.0.1/24'] }],
  routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }],
  forwarding: true,
};

const dockerHost: Scenario['host'] = {
  interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }, { name: 'docker0', addresses: ['172.17.0.1/16'] }],
  routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }],
  forwarding: true,
};

const kubeNode: Scenario['host'] = {
  interfaces: [{ name: 'eth0', addresses: ['192.168.20.100/24'] }, { name: 'cni0', addresses: ['10.244.0.1/24'] }],
  routes: [{ to: 'default', via: '192.168.20.1', dev: 'eth0' }, { to: '10.244.1.0/24', via: '192.168.20.101', dev: 'eth0' }],
  forwarding: true,
};

const tcp = (from: string, src: string, dst: string, sport: number, dport: number, flags: string[] = ['SYN']) =>
  ({ from, src, dst, proto: 'tcp', sport, dport, flags }) as const;

const webServer: Example = {
  id: 'web-server',
  group: 'Start here',
  title: 'Web server with SSH',
  summary: 'A default-drop INPUT chain: SSH and the web are open, telnet is not, ping is answered.',
  story:
    'The classic host firewall: INPUT drops by default, loopback and replies (ESTABLISHED,RELATED) are let in ' +
    'first, then the services the host offers. Step through the SSH SYN to see the rule that accepts it, and ' +
    'the telnet SYN to see it fall off the end of the chain into the DROP policy.',
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
      tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 22),
      tcp('eth0', '198.51.100.7', '203.0.113.10', 40001, 23),
      { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'icmp', icmpType: 'echo-request' },
    ],
  },
  fates: ['delivered', 'dropped', 'delivered'],
};

// shared/reading: the postmortem of the DROP for 10.0.0.0/8 (kernel cases incidents/drop-10-8-*).
const dropRules = (verb: '-A' | '-I') => `iptables -P INPUT DROP
iptables -A INPUT -i lo -j ACCEPT
iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
# SSH from the management subnet
iptables -A INPUT -p tcp -s 10.0.0.0/24 --dport 22 -m state --state NEW -j ACCEPT
# the load balancer's health checks
iptables -A INPUT -p tcp -s 10.244.0.0/16 --dport 8080 -j ACCEPT
iptables -A INPUT -p tcp --dport 80 -j ACCEPT
iptables -A INPUT -p tcp --dport 443 -j ACCEPT
# the change: block the private range${verb === '-I' ? ', inserted at the top' : ', appended at the end'}
iptables ${verb} INPUT -s 10.0.0.0/8 -j DROP
`;
const dropPackets = [
  tcp('eth0', '10.244.3.7', '203.0.113.10', 40000, 8080),
  tcp('eth0', '10.0.0.23', '203.0.113.10', 40000, 22),
  tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 443),
  tcp('eth0', '10.9.9.9', '203.0.113.10', 40001, 22),
];

const insertedDrop: Example = {
  id: 'inserted-drop',
  group: 'Incidents',
  title: '-I DROP above the health checks',
  summary: '`-I` puts the new DROP first: the health checks and SSH from the management subnet die on rule 1.',
  story:
    'An engineer hardening a production API server blocks the private range 10.0.0.0/8. Appended with -A the ' +
    'rule did nothing, so it was re-added with -I, which inserts at the top, above the ACCEPT for the load ' +
    "balancer's health checks (10.244.0.0/16) and for SSH from the management subnet. Both are in 10.0.0.0/8: " +
    'the health checks failed, the load balancer pulled the backend, and SSH was gone for 47 minutes. ' +
    'Packets 1 and 2 stop at rule 1; the public HTTPS client still gets in.',
  related: { id: 'appended-drop', label: 'Before: the same rule appended with -A' },
  scenario: { version: 1, host: webHost, rules: dropRules('-I'), packets: dropPackets },
  fates: ['dropped', 'dropped', 'delivered', 'dropped'],
};

const appendedDrop: Example = {
  id: 'appended-drop',
  group: 'Incidents',
  title: '-A DROP below the health checks',
  summary: 'Appended with -A, the DROP of 10.0.0.0/8 sits below the ACCEPTs: health checks and SSH still pass.',
  story:
    'The state before the outage: the DROP of 10.0.0.0/8 was appended with -A, so it sits after the ACCEPTs ' +
    'for the health checks and the management SSH, and only catches the rest of the private range (packet 4). ' +
    'iptables is first match: where a rule sits decides what it does.',
  related: { id: 'inserted-drop', label: 'After: the same rule inserted with -I' },
  scenario: { version: 1, host: webHost, rules: dropRules('-A'), packets: dropPackets },
  fates: ['delivered', 'delivered', 'delivered', 'dropped'],
};

// shared/reading: the incident replay of the payment gateway (incidents/payment-gateway-*).
const gatewayPackets = [
  tcp('local', '203.0.113.10', '192.0.2.80', 50000, 8443),
  tcp('local', '203.0.113.10', '192.0.2.80', 50001, 443),
  tcp('local', '203.0.113.10', '192.0.2.33', 50002, 3306),
  tcp('local', '203.0.113.10', '192.0.2.90', 50003, 9090),
  tcp('eth0', '198.51.100.7', '203.0.113.10', 51000, 22),
  tcp('local', '203.0.113.10', '198.51.100.7', 22, 51000, ['SYN', 'ACK']),
];

const paymentGateway: Example = {
  id: 'payment-gateway',
  group: 'Incidents',
  title: 'OUTPUT DROP broke the payment gateway',
  summary: 'A weekend hardening drops outgoing TCP to ports 1024-65535: the gateway on 8443 is among them.',
  story:
    'A hardening script added an OUTPUT rule dropping TCP to every port from 1024 up, with exceptions for 80, ' +
    "443, 22 and 3306. The payment gateway listens on 8443, and the metrics collector on 9090: the host's own " +
    "connections to them (packets 1 and 4) now die in OUTPUT. The rule hits replies too: the server's SYN-ACK " +
    'to an SSH client (packet 6) goes to the client\'s high port and is dropped. Open a dropped packet to read ' +
    'why each rule matched or not.',
  related: { id: 'payment-gateway-fixed', label: 'The fix: replies first, then an audited whitelist' },
  scenario: {
    version: 1,
    host: webHost,
    rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A OUTPUT -p tcp -m multiport --dports 80,443,22,3306 -j ACCEPT
-A OUTPUT -p tcp --dport 1024:65535 -j DROP
COMMIT
`,
    packets: gatewayPackets,
  },
  fates: ['dropped', 'sent', 'sent', 'dropped', 'delivered', 'dropped'],
};

const paymentGatewayFixed: Example = {
  id: 'payment-gateway-fixed',
  group: 'Incidents',
  title: 'Payment gateway: the fix',
  summary: 'Replies accepted by conntrack first, then NEW connections to the audited ports.',
  story:
    'The remediation: an audit found five services on non-standard ports (8443, 9090, 5044, 8080, 587), now ' +
    'whitelisted, and an ESTABLISHED,RELATED accept at the top lets replies out whatever their port, so the ' +
    'SSH SYN-ACK (packet 6) leaves on rule 1. Only new connections are filtered by port.',
  related: { id: 'payment-gateway', label: 'The incident: the gateway blocked' },
  scenario: {
    version: 1,
    host: webHost,
    rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A OUTPUT -p tcp -m conntrack --ctstate NEW -m multiport --dports 80,443,22,3306,8443,9090,5044,8080,587 -j ACCEPT
-A OUTPUT -p tcp --dport 1024:65535 -j DROP
COMMIT
`,
    packets: gatewayPackets,
  },
  fates: ['sent', 'sent', 'sent', 'sent', 'delivered', 'sent'],
};

// shared/reading: Docker's published ports and DOCKER-USER (docker/v28-published-bypasses-input,
// nat/docker-user-ctorigdstport). The Docker 28 chains, with the host's own INPUT rules and DOCKER-USER.
const dockerRules = (input: string, user: string) => `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
*filter
:INPUT ${input ? 'DROP' : 'ACCEPT'} [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-BRIDGE - [0:0]
:DOCKER-CT - [0:0]
:DOCKER-FORWARD - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
${input}-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-FORWARD
-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER ! -i docker0 -o docker0 -j DROP
-A DOCKER-BRIDGE -o docker0 -j DOCKER
-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-FORWARD -j DOCKER-CT
-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1
-A DOCKER-FORWARD -j DOCKER-BRIDGE
-A DOCKER-FORWARD -i docker0 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
${user}-A DOCKER-USER -j RETURN
COMMIT
`;
const hostInput = `-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp --dport 22 -j ACCEPT
-A INPUT -p tcp --dport 8080 -j DROP
`;

const dockerBypass: Example = {
  id: 'docker-bypasses-input',
  group: 'Incidents',
  title: 'Docker-published port bypasses INPUT',
  summary: 'INPUT drops 8080, yet `docker run -p 8080:80` is reachable: the packet is DNATed and forwarded.',
  story:
    "The host's INPUT chain drops everything but SSH, and even has an explicit DROP for 8080. Docker published " +
    'a container on 8080 all the same. In nat PREROUTING the DOCKER chain rewrites the destination to ' +
    '172.17.0.2:80, the routing decision then sends the packet out docker0, so it crosses FORWARD (through ' +
    'DOCKER-FORWARD and DOCKER) and never INPUT. Watch packet 1 walk past the INPUT box. Only a port nothing ' +
    'publishes (packet 5, 9000) meets the INPUT policy.',
  related: { id: 'docker-user', label: 'The fix: filter in DOCKER-USER' },
  scenario: {
    version: 1,
    host: dockerHost,
    rules: dockerRules(hostInput, ''),
    packets: [
      tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 8080),
      tcp('docker0', '172.17.0.2', '198.51.100.7', 80, 40000, ['SYN', 'ACK']),
      tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 8080, ['ACK']),
      { ...tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 8080, ['PSH', 'ACK']), length: 200 },
      tcp('eth0', '198.51.100.7', '203.0.113.10', 40001, 9000),
    ],
  },
  fates: ['forwarded', 'forwarded', 'forwarded', 'forwarded', 'dropped'],
  finals: ['198.51.100.7:40000 > 172.17.0.2:80', '203.0.113.10:8080 > 198.51.100.7:40000', '198.51.100.7:40000 > 172.17.0.2:80', '198.51.100.7:40000 > 172.17.0.2:80', null],
};

const dockerUser: Example = {
  id: 'docker-user',
  group: 'Incidents',
  title: 'Filtering a published port in DOCKER-USER',
  summary: 'DOCKER-USER is the first thing FORWARD does: only 10.0.0.0/8 reaches the container.',
  story:
    'Docker leaves the DOCKER-USER chain to you and jumps to it first from FORWARD. Rules there see the packet ' +
    'after DNAT, with destination port 80, not 8080: `--dport 8080` would never match. Matching the port the ' +
    'client asked for takes conntrack: `--ctorigdstport 8080`. The public client (packet 1) is dropped; the ' +
    'office network (packet 2) gets in, and its reply comes back by the ESTABLISHED RETURN.',
  related: { id: 'docker-bypasses-input', label: 'The incident: INPUT bypassed' },
  scenario: {
    version: 1,
    host: dockerHost,
    rules: dockerRules(
      hostInput,
      `-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN
-A DOCKER-USER -i eth0 -s 10.0.0.0/8 -p tcp -m conntrack --ctorigdstport 8080 -j RETURN
-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP
`,
    ),
    packets: [
      tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 8080),
      tcp('eth0', '10.1.2.3', '203.0.113.10', 40001, 8080),
      tcp('docker0', '172.17.0.2', '10.1.2.3', 80, 40001, ['SYN', 'ACK']),
    ],
  },
  fates: ['dropped', 'forwarded', 'forwarded'],
  finals: [null, '10.1.2.3:40001 > 172.17.0.2:80', '203.0.113.10:8080 > 10.1.2.3:40001'],
};

// shared/reading, the Linux networking series: "NAT configured, filter path forgotten"
// (nat/dnat-no-forward-accept, nat/dnat-forward-accept).
const portForwardNat = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80
COMMIT
`;
const portForwardPackets = [
  tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 8080),
  tcp('eth1', '10.0.0.5', '198.51.100.7', 80, 40000, ['SYN', 'ACK']),
  tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 8080, ['ACK']),
];

const dnatNoForward: Example = {
  id: 'dnat-no-forward',
  group: 'Incidents',
  title: 'DNAT without a FORWARD accept',
  summary: 'The port forward rewrites the packet, then FORWARD’s DROP policy kills it.',
  story:
    'A gateway forwards port 8080 to a LAN server, 10.0.0.5:80. The DNAT rule works: the packet leaves nat ' +
    'PREROUTING with its new destination, and the routing decision sends it towards eth1. But the filter ' +
    'FORWARD chain drops by default and nobody added an accept for the rewritten flow. From inside, the ' +
    'service answers; from outside, nothing. Without a connection, the server never replies: packets 2 and 3 ' +
    'are what would have followed, and die too.',
  related: { id: 'dnat-forward-accept', label: 'The fix: accept the forwarded flow' },
  scenario: {
    version: 1,
    host: gatewayHost,
    rules: `${portForwardNat}*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
`,
    packets: portForwardPackets,
  },
  fates: ['dropped', 'dropped', 'dropped'],
};

const dnatForwardAccept: Example = {
  id: 'dnat-forward-accept',
  group: 'Incidents',
  title: 'DNAT with its FORWARD accept',
  summary: 'NAT, filter and route as one unit: the forward is accepted and the reply is de-NATed.',
  story:
    'The port forward done whole: FORWARD accepts the new connection to 10.0.0.5:80 (the address and port ' +
    'after DNAT, since filter runs after nat PREROUTING) and everything ESTABLISHED. The SYN-ACK from the ' +
    'server leaves with the public address and port 8080, as the client expects.',
  related: { id: 'dnat-no-forward', label: 'The incident: FORWARD forgotten' },
  scenario: {
    version: 1,
    host: gatewayHost,
    rules: `${portForwardNat}*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -d 10.0.0.5 -p tcp --dport 80 -j ACCEPT
COMMIT
`,
    packets: portForwardPackets,
  },
  fates: ['forwarded', 'forwarded', 'forwarded'],
  finals: ['198.51.100.7:40000 > 10.0.0.5:80', '203.0.113.10:8080 > 198.51.100.7:40000', '198.51.100.7:40000 > 10.0.0.5:80'],
};

// shared/reading: "SSH disconnection: missing ESTABLISHED,RELATED" (incidents/missing-established*).
const ownTraffic = [
  tcp('local', '203.0.113.10', '198.51.100.7', 50000, 443),
  tcp('eth0', '198.51.100.7', '203.0.113.10', 443, 50000, ['SYN', 'ACK']),
  { from: 'local', src: '203.0.113.10', dst: '198.51.100.53', proto: 'udp', sport: 50100, dport: 53 },
  { from: 'eth0', src: '198.51.100.53', dst: '203.0.113.10', proto: 'udp', sport: 53, dport: 50100 },
  { from: 'local', src: '203.0.113.10', dst: '198.51.100.7', proto: 'icmp', icmpType: 'echo-request' },
  { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'icmp', icmpType: 'echo-reply' },
];

const missingEstablished: Example = {
  id: 'missing-established',
  group: 'Incidents',
  title: 'No ESTABLISHED,RELATED rule',
  summary: 'INPUT allows only SSH: the replies to the host’s own HTTPS, DNS and ping are dropped.',
  story:
    'INPUT drops by default and lets in SSH and loopback, and nothing else. The host itself can still send ' +
    '(OUTPUT accepts), but every answer comes back to INPUT: the SYN-ACK from the HTTPS server, the DNS ' +
    'answer, the echo reply. None of them matches port 22, so all three die on the policy. apt, curl and DNS ' +
    'time out while SSH works, which is why this one takes a while to spot.',
  related: { id: 'missing-established-fixed', label: 'The fix: accept ESTABLISHED,RELATED first' },
  scenario: {
    version: 1,
    host: webHost,
    rules: `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp --dport 22 -j ACCEPT
COMMIT
`,
    packets: ownTraffic,
  },
  fates: ['sent', 'dropped', 'sent', 'dropped', 'sent', 'dropped'],
};

const missingEstablishedFixed: Example = {
  id: 'missing-established-fixed',
  group: 'Incidents',
  title: 'ESTABLISHED,RELATED first',
  summary: 'One conntrack rule at the top lets every reply in; unsolicited traffic still meets the policy.',
  story:
    'With `-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT` as rule 1, each reply belongs to a connection ' +
    'the host opened and is accepted at once. A new connection to a closed port (packet 7) is still NEW and ' +
    'still dropped: stateful filtering opens nothing that was not asked for.',
  related: { id: 'missing-established', label: 'The incident: replies dropped' },
  scenario: {
    version: 1,
    host: webHost,
    rules: `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp --dport 22 -j ACCEPT
COMMIT
`,
    packets: [...ownTraffic, tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 8080)],
  },
  fates: ['sent', 'delivered', 'sent', 'delivered', 'sent', 'delivered', 'dropped'],
};

// shared/reading: "Step 2: add a LOG rule to see what's being dropped" (incidents/log-before-drop).
const logBeforeDrop: Example = {
  id: 'log-before-drop',
  group: 'Incidents',
  title: 'LOG before DROP',
  summary: 'LOG does not decide: the packet goes on to the DROP, and the kernel log says what died.',
  story:
    'Something is dropped and nobody knows what. A LOG rule just above the final DROP writes every packet that ' +
    'reaches it to the kernel log with a prefix, then lets it go on (LOG is a non-terminating target: the ' +
    'trace shows CONTINUE). Open the LOG step of packet 2 or 3 to read the line `journalctl -k` would show. ' +
    'Put the LOG after the DROP and it never fires; on a busy path, rate-limit it with -m limit.',
  scenario: {
    version: 1,
    host: webHost,
    rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A INPUT -p tcp --dport 22 -j ACCEPT
-A INPUT -j LOG --log-prefix "IPT-DEBUG: " --log-level 4
-A INPUT -j DROP
COMMIT
`,
    packets: [
      tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 22),
      tcp('eth0', '198.51.100.7', '203.0.113.10', 40001, 3389),
      { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'udp', sport: 5353, dport: 161 },
    ],
  },
  fates: ['delivered', 'dropped', 'dropped'],
};

// nat/masquerade-tcp-replies, with a ping.
const natGateway: Example = {
  id: 'nat-gateway',
  group: 'Setups',
  title: 'NAT gateway (MASQUERADE)',
  summary: 'A LAN behind one public address: MASQUERADE on the way out, replies de-NATed on the way back.',
  story:
    'The small-office router: eth1 is the LAN (10.0.0.0/24), eth0 the internet. FORWARD lets the LAN out and ' +
    'lets back in only what belongs to a connection; nat POSTROUTING rewrites the source to the public ' +
    'address. Look at the header after NAT on packet 1, and at packet 2: the reply is addressed to the ' +
    'gateway, and conntrack turns it back into 10.0.0.5 before FORWARD sees it, without crossing any nat ' +
    'chain. An unsolicited packet from the internet (packet 6) goes nowhere.',
  scenario: {
    version: 1,
    host: gatewayHost,
    rules: `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o eth0 -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -i eth1 -o eth0 -j ACCEPT
COMMIT
`,
    packets: [
      tcp('eth1', '10.0.0.5', '198.51.100.7', 40000, 443),
      tcp('eth0', '198.51.100.7', '203.0.113.10', 443, 40000, ['SYN', 'ACK']),
      tcp('eth1', '10.0.0.5', '198.51.100.7', 40000, 443, ['ACK']),
      { from: 'eth1', src: '10.0.0.5', dst: '198.51.100.7', proto: 'icmp', icmpType: 'echo-request' },
      { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'icmp', icmpType: 'echo-reply' },
      tcp('eth0', '198.51.100.7', '10.0.0.5', 41000, 22),
    ],
  },
  fates: ['forwarded', 'forwarded', 'forwarded', 'forwarded', 'forwarded', 'dropped'],
  finals: ['203.0.113.10:40000 > 198.51.100.7:443', '198.51.100.7:443 > 10.0.0.5:40000', '203.0.113.10:40000 > 198.51.100.7:443', '203.0.113.10 > 198.51.100.7', '198.51.100.7 > 10.0.0.5', null],
};

// docker/v28-published-port and docker/v28-container-outbound.
const dockerHostExample: Example = {
  id: 'docker-host',
  group: 'Setups',
  title: 'Docker host',
  summary: 'Docker 28’s chains: a published port, a container going out, and the host’s own services.',
  story:
    'A host running one container (172.17.0.2 on docker0) published with -p 8080:80, as Docker 28 writes the ' +
    'rules. Inbound: nat DOCKER DNATs port 8080, filter DOCKER accepts it on its way to docker0, and the ' +
    "reply leaves with the host's address. Outbound: the container's connection is accepted by " +
    'DOCKER-FORWARD and masqueraded in POSTROUTING. SSH to the host itself is the only thing that crosses INPUT.',
  scenario: {
    version: 1,
    host: dockerHost,
    rules: dockerRules('', ''),
    packets: [
      tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 8080),
      tcp('docker0', '172.17.0.2', '198.51.100.7', 80, 40000, ['SYN', 'ACK']),
      tcp('eth0', '198.51.100.7', '203.0.113.10', 40000, 8080, ['ACK']),
      tcp('docker0', '172.17.0.2', '198.51.100.9', 45000, 443),
      tcp('eth0', '198.51.100.9', '203.0.113.10', 443, 45000, ['SYN', 'ACK']),
      tcp('eth0', '198.51.100.7', '203.0.113.10', 40002, 22),
    ],
  },
  fates: ['forwarded', 'forwarded', 'forwarded', 'forwarded', 'forwarded', 'delivered'],
  finals: ['198.51.100.7:40000 > 172.17.0.2:80', '203.0.113.10:8080 > 198.51.100.7:40000', '198.51.100.7:40000 > 172.17.0.2:80', '203.0.113.10:45000 > 198.51.100.9:443', '198.51.100.9:443 > 172.17.0.2:45000', null],
};

// kube/clusterip-from-pod-endpoint-2, clusterip-dns-endpoint-1, clusterip-no-endpoints: the recorded
// kube-proxy dump with three of its services.
const kubeProxy: Example = {
  id: 'kube-proxy',
  group: 'Setups',
  title: 'kube-proxy: a ClusterIP service',
  summary: 'KUBE-SERVICES → KUBE-SVC → KUBE-SEP: a random endpoint per connection, chosen by statistic rules.',
  story:
    'A node of a small cluster, as kube-proxy (iptables mode) writes it. A pod connects to the web service at ' +
    '10.96.0.20:80; KUBE-SVC-WEB… picks one of three endpoints with `-m statistic --mode random`: the first ' +
    'rule matches with probability 1/3, the next with 1/2 of the rest, the last takes what is left. The ' +
    "kernel's random draws are fixed in this scenario (randomDraws: 0.99, then 0.0) so the choice is the " +
    'second endpoint, 10.244.1.4, every time. The reply is de-NATed back to the service address. The DNS ' +
    'query picks its first endpoint; a service without endpoints is REJECTed in filter.',
  scenario: {
    version: 1,
    host: kubeNode,
    rules: `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-WEBSVCXXXXXXXXXX - [0:0]
:KUBE-EXT-WEBEXTXXXXXXXXXX - [0:0]
:KUBE-SEP-WEB0SEPXXXXXXXXX - [0:0]
:KUBE-SEP-WEB1SEPXXXXXXXXX - [0:0]
:KUBE-SEP-WEB2SEPXXXXXXXXX - [0:0]
:KUBE-SVC-DNSSVCXXXXXXXXXX - [0:0]
:KUBE-SEP-DNS0SEPXXXXXXXXX - [0:0]
:KUBE-SEP-DNS1SEPXXXXXXXXX - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m comment --comment "default/web:tcp cluster IP" -m tcp --dport 80 -j KUBE-SVC-WEBSVCXXXXXXXXXX
-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "default/dns:udp cluster IP" -m udp --dport 53 -j KUBE-SVC-DNSSVCXXXXXXXXXX
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:tcp" -m tcp --dport 30080 -j KUBE-EXT-WEBEXTXXXXXXXXXX
-A KUBE-SVC-WEBSVCXXXXXXXXXX ! -s 10.244.0.0/16 -d 10.96.0.20/32 -p tcp -m comment --comment "default/web:tcp cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-EXT-WEBEXTXXXXXXXXXX -m comment --comment "masquerade traffic for default/web:tcp external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-WEBEXTXXXXXXXXXX -j KUBE-SVC-WEBSVCXXXXXXXXXX
-A KUBE-SVC-WEBSVCXXXXXXXXXX -m comment --comment "default/web:tcp -> 10.244.0.3:8080" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-WEB0SEPXXXXXXXXX
-A KUBE-SVC-WEBSVCXXXXXXXXXX -m comment --comment "default/web:tcp -> 10.244.1.4:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-WEB1SEPXXXXXXXXX
-A KUBE-SVC-WEBSVCXXXXXXXXXX -m comment --comment "default/web:tcp -> 10.244.1.5:8080" -j KUBE-SEP-WEB2SEPXXXXXXXXX
-A KUBE-SEP-WEB0SEPXXXXXXXXX -s 10.244.0.3/32 -m comment --comment "default/web:tcp" -j KUBE-MARK-MASQ
-A KUBE-SEP-WEB0SEPXXXXXXXXX -p tcp -m comment --comment "default/web:tcp" -m tcp -j DNAT --to-destination 10.244.0.3:8080
-A KUBE-SEP-WEB1SEPXXXXXXXXX -s 10.244.1.4/32 -m comment --comment "default/web:tcp" -j KUBE-MARK-MASQ
-A KUBE-SEP-WEB1SEPXXXXXXXXX -p tcp -m comment --comment "default/web:tcp" -m tcp -j DNAT --to-destination 10.244.1.4:8080
-A KUBE-SEP-WEB2SEPXXXXXXXXX -s 10.244.1.5/32 -m comment --comment "default/web:tcp" -j KUBE-MARK-MASQ
-A KUBE-SEP-WEB2SEPXXXXXXXXX -p tcp -m comment --comment "default/web:tcp" -m tcp -j DNAT --to-destination 10.244.1.5:8080
-A KUBE-SVC-DNSSVCXXXXXXXXXX ! -s 10.244.0.0/16 -d 10.96.0.10/32 -p udp -m comment --comment "default/dns:udp cluster IP" -m udp --dport 53 -j KUBE-MARK-MASQ
-A KUBE-SVC-DNSSVCXXXXXXXXXX -m comment --comment "default/dns:udp -> 10.244.0.2:53" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-DNS0SEPXXXXXXXXX
-A KUBE-SVC-DNSSVCXXXXXXXXXX -m comment --comment "default/dns:udp -> 10.244.1.4:53" -j KUBE-SEP-DNS1SEPXXXXXXXXX
-A KUBE-SEP-DNS0SEPXXXXXXXXX -s 10.244.0.2/32 -m comment --comment "default/dns:udp" -j KUBE-MARK-MASQ
-A KUBE-SEP-DNS0SEPXXXXXXXXX -p udp -m comment --comment "default/dns:udp" -m udp -j DNAT --to-destination 10.244.0.2:53
-A KUBE-SEP-DNS1SEPXXXXXXXXX -s 10.244.1.4/32 -m comment --comment "default/dns:udp" -j KUBE-MARK-MASQ
-A KUBE-SEP-DNS1SEPXXXXXXXXX -p udp -m comment --comment "default/dns:udp" -m udp -j DNAT --to-destination 10.244.1.4:53
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-SERVICES - [0:0]
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A INPUT -j KUBE-FIREWALL
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -j KUBE-FIREWALL
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-SERVICES -d 10.96.0.40/32 -p tcp -m comment --comment "default/empty:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable
-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/empty:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30040 -j REJECT --reject-with icmp-port-unreachable
COMMIT
`,
    packets: [
      tcp('cni0', '10.244.0.2', '10.96.0.20', 40000, 80),
      tcp('eth0', '10.244.1.4', '10.244.0.2', 8080, 40000, ['SYN', 'ACK']),
      tcp('cni0', '10.244.0.2', '10.96.0.20', 40000, 80, ['ACK']),
      { from: 'cni0', src: '10.244.0.3', dst: '10.96.0.10', proto: 'udp', sport: 40053, dport: 53 },
      { from: 'cni0', src: '10.244.0.2', dst: '10.244.0.3', proto: 'udp', sport: 53, dport: 40053 },
      tcp('cni0', '10.244.0.2', '10.96.0.40', 40100, 80),
    ],
    randomDraws: [0.99, 0.0, 0.0],
  },
  fates: ['forwarded', 'forwarded', 'forwarded', 'forwarded', 'forwarded', 'rejected'],
  finals: ['10.244.0.2:40000 > 10.244.1.4:8080', '10.96.0.20:80 > 10.244.0.2:40000', '10.244.0.2:40000 > 10.244.1.4:8080', '10.244.0.3:40053 > 10.244.0.2:53', '10.96.0.10:53 > 10.244.0.3:40053', null],
};

export const EXAMPLES: readonly Example[] = [
  webServer,
  appendedDrop,
  insertedDrop,
  paymentGateway,
  paymentGatewayFixed,
  dockerBypass,
  dockerUser,
  dnatNoForward,
  dnatForwardAccept,
  missingEstablished,
  missingEstablishedFixed,
  logBeforeDrop,
  natGateway,
  dockerHostExample,
  kubeProxy,
];

export const DEFAULT_EXAMPLE = webServer;

export function findExample(id: string): Example | undefined {
  return EXAMPLES.find((e) => e.id === id);
}
