// Traversal, routing and conntrack behaviour on small rulesets, with the kernel's semantics
// (DESIGN.md section 6); the kernel-recorded suite in test/kernel checks the same at scale.
import { describe, expect, it } from 'vitest';
import { run, steps, syn } from '../helpers/scenario';

const FILTER = (body: string, input = 'DROP', output = 'ACCEPT') =>
  `*filter\n:INPUT ${input} [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ${output} [0:0]\n${body}COMMIT\n`;

describe('chain traversal', () => {
  it('takes the first matching rule and counts it', () => {
    const out = run(FILTER('-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -p tcp --dport 22 -j DROP\n'), [syn(22), syn(23)]);
    expect(out.packets.map((p) => p.fate)).toEqual(['delivered', 'dropped']);
    expect(steps(out.packets[0])).toEqual(['filter INPUT 1 ACCEPT']);
    expect(steps(out.packets[1])).toEqual(['filter INPUT - policy:DROP']);
    expect(out.counters).toContain(':INPUT DROP [1:40]');
    expect(out.counters).toContain('[1:40] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT');
  });

  it('returns from a user chain where it ends, and from RETURN', () => {
    const rules = FILTER(':A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A INPUT -j B\n-A INPUT -j ACCEPT\n-A A -p udp -j DROP\n-A B -p tcp --dport 80 -j RETURN\n-A B -j DROP\n');
    const out = run(rules, [syn(80), syn(81)]);
    expect(steps(out.packets[0])).toEqual(['filter INPUT 1 JUMP:A', 'filter A - return', 'filter INPUT 2 JUMP:B', 'filter B 1 RETURN', 'filter INPUT 3 ACCEPT']);
    expect(steps(out.packets[1]).at(-1)).toBe('filter B 2 DROP');
  });

  it('goto from a base chain: where the chain ends, the policy applies and later base rules are skipped', () => {
    const rules = FILTER(':G - [0:0]\n-A INPUT -g G\n-A INPUT -j ACCEPT\n-A G -p udp -j ACCEPT\n', 'DROP');
    const out = run(rules, [syn(22)]);
    expect(steps(out.packets[0])).toEqual(['filter INPUT 1 GOTO:G', 'filter G - return', 'filter INPUT - policy:DROP']);
    expect(out.packets[0].fate).toBe('dropped');
  });

  it('non-terminating rules show as CONTINUE and the walk goes on', () => {
    const out = run(FILTER('-A INPUT -p tcp\n-A INPUT -j ACCEPT\n'), [syn(22)]);
    expect(steps(out.packets[0])).toEqual(['filter INPUT 1 CONTINUE', 'filter INPUT 2 ACCEPT']);
  });
});

describe('routing', () => {
  it('forwards by longest prefix and decrements the TTL', () => {
    const rules = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
    const out = run(rules, [syn(80, { dst: '10.0.0.5' }), syn(80, { from: 'eth1', src: '10.0.0.5', dst: '192.0.2.1' })]);
    expect(out.packets.map((p) => [p.fate, p.out])).toEqual([['forwarded', 'eth1'], ['forwarded', 'eth0']]);
    expect(out.packets[0].final).toEqual({ src: '198.51.100.7', dst: '10.0.0.5', sport: 40000, dport: 80 });
  });

  it('with forwarding off, packets for other hosts vanish after PREROUTING', () => {
    const rules = '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
    const out = run(rules, [syn(80, { dst: '10.0.0.5' })], { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }, { name: 'eth1', addresses: ['10.0.0.1/24'] }], forwarding: false });
    expect(out.packets[0].fate).toBe('dropped');
    expect(steps(out.packets[0])).toEqual(['raw PREROUTING - policy:ACCEPT']);
    expect(out.packets[0].generated).toBeUndefined();
  });

  it('answers an expiring TTL with ICMP time exceeded, which passes OUTPUT as RELATED', () => {
    const rules = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
    const out = run(rules, [syn(80, { dst: '10.0.0.5', ttl: 1 })]);
    expect(out.packets[0].fate).toBe('dropped');
    expect(out.packets[0].generated?.map((g) => [g.what, g.fate, g.out, g.ctState])).toEqual([['icmp 11/0', 'sent', 'eth0', 'RELATED']]);
  });

  it('loops a local packet to a local address through lo', () => {
    const out = run(FILTER('-A INPUT -i lo -j ACCEPT\n'), [{ from: 'local', src: '127.0.0.1', dst: '127.0.0.1', proto: 'udp', sport: 5000, dport: 53 }]);
    expect(out.packets[0].fate).toBe('delivered');
    expect(steps(out.packets[0])).toEqual(['filter OUTPUT - policy:ACCEPT', 'filter INPUT 1 ACCEPT']);
  });
});

describe('conntrack', () => {
  const rules = FILTER('-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\n');
  const reply = { from: 'local', src: '203.0.113.10', dst: '198.51.100.7', proto: 'tcp', sport: 22, dport: 40000 } as const;

  it('makes a handshake NEW then ESTABLISHED both ways', () => {
    const out = run(rules, [syn(22), { ...reply, flags: ['SYN', 'ACK'] }, syn(22, { flags: ['ACK'] })]);
    expect(out.packets.map((p) => p.ctState)).toEqual(['NEW', 'ESTABLISHED', 'ESTABLISHED']);
    expect(out.packets.map((p) => p.fate)).toEqual(['delivered', 'sent', 'delivered']);
  });

  it('picks up a lone ACK as NEW, and calls a lone SYN-ACK, FIN or RST INVALID', () => {
    const out = run(rules, [syn(80, { flags: ['ACK'] }), syn(80, { flags: ['SYN', 'ACK'] }), syn(80, { flags: ['FIN'] }), syn(80, { flags: ['RST'] })]);
    expect(out.packets.map((p) => p.ctState)).toEqual(['NEW', 'INVALID', 'INVALID', 'INVALID']);
  });

  it('forgets a connection whose first packet was dropped', () => {
    const out = run(FILTER('-A INPUT -m state --state ESTABLISHED -j ACCEPT\n'), [syn(80), { ...reply, sport: 80, flags: ['SYN', 'ACK'] }]);
    expect(out.packets.map((p) => p.ctState)).toEqual(['NEW', 'INVALID']);
  });

  it('relates an ICMP error to the flow it quotes, and not to an unknown one', () => {
    const out = run(rules, [
      { from: 'local', src: '203.0.113.10', dst: '198.51.100.7', proto: 'udp', sport: 5353, dport: 53 },
      { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'icmp', icmpType: 'port-unreachable' },
      { from: 'eth0', src: '198.51.100.9', dst: '203.0.113.10', proto: 'icmp', icmpType: 'port-unreachable', inner: { src: '203.0.113.10', dst: '198.51.100.9', proto: 'udp', sport: 1, dport: 2 } },
    ]);
    expect(out.packets.map((p) => [p.ctState, p.fate])).toEqual([['NEW', 'sent'], ['RELATED', 'delivered'], ['INVALID', 'dropped']]);
  });
});

describe('REJECT', () => {
  it('sends a reset that passes OUTPUT as RELATED; an OUTPUT DROP policy turns it into a silent drop', () => {
    const body = '-A INPUT -p tcp -j REJECT --reject-with tcp-reset\n';
    const open = run(FILTER(body, 'DROP', 'ACCEPT'), [syn(23)]);
    expect(open.packets[0].fate).toBe('rejected');
    expect(steps(open.packets[0])).toEqual(['filter INPUT 1 REJECT']);
    expect(open.packets[0].generated?.map((g) => [g.what, g.fate, g.ctState, g.final])).toEqual([
      ['tcp RST,ACK', 'sent', 'RELATED', { src: '203.0.113.10', dst: '198.51.100.7', sport: 23, dport: 40000 }],
    ]);
    const closed = run(FILTER(body, 'DROP', 'DROP'), [syn(23)]);
    expect(closed.packets[0].generated?.map((g) => [g.fate, steps(g)])).toEqual([['dropped', ['filter OUTPUT - policy:DROP']]]);
  });
});

describe('explanations', () => {
  it('says, for each rule the packet passed, which clause failed', async () => {
    const { simulate } = await import('../../src/engine/sim/simulate');
    const rules = FILTER('-A INPUT -s 10.0.0.0/8 -j DROP\n-A INPUT -i eth1 -j ACCEPT\n-A INPUT -p udp -j ACCEPT\n-A INPUT -p tcp --dport 1024:65535 -j ACCEPT\n-A INPUT -p tcp --dport 8443 -j ACCEPT\n');
    const out = simulate({ version: 1, host: { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }, { name: 'eth1', addresses: ['10.0.0.1/24'] }] }, rules, packets: [syn(80)] }, { explain: true });
    expect(out.packets[0].trace[0].skipped).toEqual([
      { rule: 1, why: 'source 198.51.100.7 is not in 10.0.0.0/8' },
      { rule: 2, why: 'came in on eth0, not eth1' },
      { rule: 3, why: 'protocol is tcp, not udp' },
      { rule: 4, why: 'dport 80 is not in 1024:65535' },
      { rule: 5, why: 'dport 80 is not 8443' },
    ]);
    expect(out.packets[0].trace[0].verdict).toBe('policy:DROP');
  });
});

describe('conntrack timeouts', () => {
  it('forgets an unanswered UDP flow after 30 seconds', () => {
    const rules = FILTER('-A INPUT -m state --state ESTABLISHED -j ACCEPT\n');
    const out = (t: number) => run(rules, [
      { from: 'local', src: '203.0.113.10', dst: '198.51.100.7', proto: 'udp', sport: 5353, dport: 53, time: 0 },
      { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'udp', sport: 53, dport: 5353, time: t },
    ]).packets[1];
    expect([out(29).ctState, out(29).fate]).toEqual(['ESTABLISHED', 'delivered']);
    expect([out(31).ctState, out(31).fate]).toEqual(['NEW', 'dropped']);
  });
});
