// The note the playground adds when a delivered packet reaches a port nothing listens on (the host's
// stack would reset or send a port unreachable): from real runs of a scenario through the worker API.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/engine/model/scenario';
import { stackAnswer } from '../../src/ui/listening';
import { api } from '../../src/worker/api';
import { decodeShareLink, encodeShareLink } from '../../src/share/share-link';

const scenario: Scenario = {
  version: 1,
  host: {
    interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }],
    routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }],
    listening: [{ proto: 'tcp', port: 22 }, { proto: 'udp', port: 53, address: '203.0.113.10' }, { proto: 'tcp', port: 8080, address: '127.0.0.1' }],
  },
  rules: '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 8080\nCOMMIT\n',
  packets: [
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] },
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40001, dport: 443, flags: ['SYN'] },
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'udp', sport: 5000, dport: 53 },
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'udp', sport: 5000, dport: 123 },
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40002, dport: 80, flags: ['SYN'] },
    { from: 'local', src: '203.0.113.10', dst: '198.51.100.9', proto: 'tcp', sport: 45000, dport: 443, flags: ['SYN'] },
    { from: 'eth0', src: '198.51.100.9', dst: '203.0.113.10', proto: 'tcp', sport: 443, dport: 45000, flags: ['SYN', 'ACK'] },
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'icmp', icmpType: 'echo-request' },
  ],
};

describe('host stack answers', () => {
  const out = api.run(scenario);
  const notes = scenario.packets.map((_, i) => stackAnswer(scenario, i, out.packets[i]));

  it('are noted for delivered packets to ports nothing listens on, and only for them', () => {
    expect(out.packets.map((p) => p.fate)).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'sent', 'delivered', 'delivered']);
    expect(notes).toEqual([
      null,
      "Nothing listens on tcp/443 at 203.0.113.10: the host's stack would answer with a TCP reset (RST). nfplay does not send it by itself; add it as a packet to follow its path.",
      null,
      "Nothing listens on udp/123 at 203.0.113.10: the host's stack would answer with an ICMP port unreachable (type 3, code 3). nfplay does not send it by itself; add it as a packet to follow its path.",
      // REDIRECT to 8080, where a socket listens, but on 127.0.0.1 only: REDIRECT sends it to the
      // interface's address.
      "Nothing listens on tcp/8080 at 203.0.113.10: the host's stack would answer with a TCP reset (RST). nfplay does not send it by itself; add it as a packet to follow its path.",
      null,
      // The reply to the host's own connection reaches the socket that opened it.
      null,
      null,
    ]);
  });

  it('are not guessed when the scenario does not list the listening sockets', () => {
    const { listening: _, ...host } = scenario.host;
    expect(scenario.packets.map((_, i) => stackAnswer({ ...scenario, host }, i, out.packets[i]))).toEqual(scenario.packets.map(() => null));
  });

  it('the listening sockets travel in the share link', async () => {
    const back = await decodeShareLink(await encodeShareLink(scenario));
    expect(back.host.listening).toEqual(scenario.host.listening);
  });
});
