// `explain`: for each trace step, the nft rules of its chain the packet passed over since the previous
// step, each with the expression that said no, why, and where it is written (StepDetail shows them, as it
// does for iptables rules).
import { describe, expect, it } from 'vitest';
import type { PacketSpec } from '../../../src/engine/model/scenario';
import type { PacketResult } from '../../../src/engine/model/trace';
import { simulateNft } from '../../../src/nft/sim/simulate';
import { HOST } from '../../helpers/scenario';
import { input, syn } from './helpers';

function explained(nft: string, packets: PacketSpec[]) {
  const out = simulateNft({ version: 1, host: HOST, rules: '', nft, packets }, { explain: true });
  return { out, packets: out.packets };
}

/// Each step as `chain rule verdict`, then its skipped rules as `rule: why @line:column-endColumn`.
function shown(p: PacketResult): string[] {
  const lines: string[] = [];
  for (const s of p.trace) {
    lines.push(`${s.chain} ${s.rule ?? '-'} ${s.verdict}`);
    for (const k of s.skipped ?? []) {
      const at = k.span ? ` @${k.span.line}:${k.span.column}-${k.span.endLine === k.span.line ? '' : `${k.span.endLine}:`}${k.span.endColumn}` : '';
      lines.push(`  ${k.rule}: ${k.why}${at}`);
    }
  }
  return lines;
}

const udp = (dport: number, over: Partial<PacketSpec> = {}): PacketSpec => ({ from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'udp', sport: 5353, dport, ...over });
const ping: PacketSpec = { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'icmp', icmpType: 'echo-request' };

describe('why each nft rule did not match', () => {
  it('names the failing expression, the packet\'s value and the rule\'s, and where the expression is written', () => {
    const { packets } = explained(`table ip t {
	set blocked { type ipv4_addr; flags interval; elements = { 10.0.0.0/8 } }
	chain in {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		tcp dport { 22, 80 } accept
		udp dport 53 accept
		ip saddr @blocked drop
		iifname "eth1" accept
		tcp flags & (syn|ack) == ack counter
		tcp dport 1000-2000 accept
		tcp dport != 8443 accept
		ip saddr . tcp dport { 10.0.0.1 . 22,
			10.0.0.2 . 80 } accept
		tcp dport vmap { 22 : accept, 23 : drop }
		meta mark 0x1 limit rate 1/minute accept
		icmp type echo-request accept
		ip ttl < 10 drop
		ct state new tcp dport 9000-9100 tcp flags syn accept
		tcp dport 8443 accept
	}
}
`, [syn(8443)]);
    expect(shown(packets[0])).toEqual([
      'in 15 ACCEPT',
      '  1: ct state new is not in established,related @5:3-31',
      '  2: tcp dport 8443 is not in { 22, 80 } @6:3-23',
      '  3: the packet is tcp, not udp @7:3-15',
      '  4: ip saddr 198.51.100.7 is not in @blocked @8:3-20',
      '  5: iifname "eth0" is not "eth1" @9:3-17',
      '  6: tcp flags & (syn|ack) is syn, not ack @10:3-31',
      '  7: tcp dport 8443 is not in 1000-2000 @11:3-22',
      '  8: tcp dport 8443 is 8443 @12:3-20',
      // A set across two lines: the span ends on the second.
      '  9: ip saddr . tcp dport 198.51.100.7 . 8443 is not in { 10.0.0.1 . 22, 10.0.0.2 . 80 } @13:3-14:19',
      '  10: tcp dport 8443 is not in { 22 : accept, 23 : drop } @15:3-44',
      // The first of several plain matches that fails, not the statement after it.
      '  11: meta mark 0x00000000 is not 0x1 @16:3-16',
      '  12: the packet is tcp, not icmp @17:3-25',
      '  13: ip ttl 64 is not < 10 @18:3-14',
      '  14: tcp dport 8443 is not in 9000-9100 @19:16-35',
    ]);
  });

  it('gives each step the rules passed over since the step before, chain by chain', () => {
    const { packets } = explained(`table ip t {
	chain in {
		type filter hook input priority filter; policy drop;
		udp dport 53 accept
		tcp dport 22 jump ssh
		tcp dport 23 accept
	}
	chain ssh {
		ip saddr 192.0.2.1 accept
		ip saddr 192.0.2.2 accept
	}
}
`, [syn(22)]);
    expect(shown(packets[0])).toEqual([
      'in 2 JUMP:ssh',
      '  1: the packet is tcp, not udp @4:3-15',
      'ssh - return',
      '  1: ip saddr 198.51.100.7 is not 192.0.2.1 @9:3-21',
      '  2: ip saddr 198.51.100.7 is not 192.0.2.2 @10:3-21',
      'in - policy:DROP',
      '  3: tcp dport 22 is not 23 @6:3-15',
    ]);
  });

  it('describes limits, quotas, draws and statements that need a header, without running them again', () => {
    const { packets } = explained(input(
      'limit rate 1/minute burst 1 packets accept', 'limit rate over 1/minute burst 3 packets drop', 'quota 40 bytes accept',
      'quota over 1000 bytes drop', 'reject with tcp reset', 'meta random < 0 accept', 'numgen inc mod 2 3 accept', 'meta l4proto icmp accept',
      'udp dport 53 dnat to 10.0.0.5:53',
    ), [syn(1), syn(2, { sport: 40001 }), udp(53)]);
    expect(packets.map(shown)).toEqual([
      ['in 1 ACCEPT'],
      [
        'in 3 ACCEPT',
        '  1: limit rate 1/minute burst 1 packets: over the rate, the bucket is empty @4:3-38',
        '  2: limit rate over 1/minute burst 3 packets: the packet is within the rate @5:3-43',
      ],
      [
        'in 9 DNAT',
        '  1: limit rate 1/minute burst 1 packets: over the rate, the bucket is empty @4:3-38',
        '  2: limit rate over 1/minute burst 3 packets: the packet is within the rate @5:3-43',
        '  3: quota 40 bytes: used up @6:3-17',
        '  4: quota over 1000 bytes: not used up yet @7:3-24',
        '  5: reject with tcp reset: the packet is udp, not tcp @8:3-24',
        '  6: meta random < 0: the draw did not match @9:3-18',
        '  7: numgen inc mod 2 3: the draw did not match @10:3-21',
        '  8: meta l4proto udp is not icmp @11:3-20',
      ],
    ]);
  });

  it('says why an expression has no value: another header, no socket, no connection, no input device', () => {
    const { packets } = explained(input(
      'ip6 saddr ::1 accept', 'meta skuid 0 accept', 'th dport 22 accept', 'ct mark 1 accept', 'iifname "eth0" accept',
      `tcp dport { ${Array.from({ length: 30 }, (_, i) => 1000 + i).join(', ')} } accept`, 'ct state invalid accept',
    ), [ping, { from: 'local', src: '203.0.113.10', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 5000, flags: ['SYN'] }]);
    expect(packets.map(shown)).toEqual([
      [
        'in 5 ACCEPT',
        '  1: an IPv4 packet has no ip6 header @4:3-16',
        '  2: the packet has no local socket @5:3-15',
        '  3: an icmp packet has no ports @6:3-14',
        '  4: ct mark 0x00000000 is not 1 @7:3-12',
      ],
      [
        'in - policy:DROP',
        '  1: an IPv4 packet has no ip6 header @4:3-16',
        '  2: the packet has no local socket @5:3-15',
        '  3: th dport 5000 is not 22 @6:3-14',
        '  4: ct mark 0x00000000 is not 1 @7:3-12',
        // Sent by the host to itself: in INPUT it comes in on lo.
        '  5: iifname "lo" is not "eth0" @8:3-17',
        // A long set is shown by its start.
        '  6: tcp dport 5000 is not in { 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, … } @9:3-195',
        '  7: ct state new is not invalid @10:3-19',
      ],
    ]);
  });

  it('says a rule nft would refuse never matches', () => {
    const { out } = explained(input('tcp dport 22 frobnicate', 'tcp dport 22 accept'), [syn(22)]);
    expect(out.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual(['4:16 unknown statement "frobnicate"']);
    expect(shown(out.packets[0])).toEqual(['in 2 ACCEPT', '  1: nft would refuse this rule: unknown statement "frobnicate" @4:3-26']);
  });

  it('shows a variable\'s value with its own spaces and points at the $NAME the rule wrote', () => {
    const { packets } = explained(`define WAN = "eth1"
define SSH_OK = { 10.0.0.0/8, 192.168.1.0/24 }
define PORTS = { 22,80 }
define P = 443
table ip t {
	chain in {
		type filter hook input priority filter; policy drop;
		iifname $WAN accept
		ip saddr $SSH_OK tcp dport 22 accept
		tcp dport $PORTS accept
		tcp dport $P accept
		tcp dport 8443 accept
	}
}
`, [syn(8443)]);
    expect(shown(packets[0])).toEqual([
      'in 5 ACCEPT',
      '  1: iifname "eth0" is not "eth1" @8:3-15',
      '  2: ip saddr 198.51.100.7 is not in { 10.0.0.0/8, 192.168.1.0/24 } @9:3-19',
      '  3: tcp dport 8443 is not in { 22,80 } @10:3-19',
      '  4: tcp dport 8443 is not 443 @11:3-15',
    ]);
  });

  it('changes nothing in the run: same fates, steps and counters with and without explain, and no skipped without', () => {
    const nft = `table ip t {
	set seen { type ipv4_addr; flags dynamic; }
	chain in {
		type filter hook input priority filter; policy drop;
		ip saddr 198.51.100.9 tcp dport 22 accept
		limit rate over 10/minute burst 10 packets counter drop
		numgen inc mod 3 0 counter accept
		meta random < 2147483648 counter accept
		update @seen { ip saddr limit rate 1/minute burst 1 packets } counter accept
		quota 200 bytes counter accept
		counter
	}
}
`;
    const pk = [syn(1), syn(2, { sport: 40001 }), syn(3, { sport: 40002 }), udp(4), udp(5, { sport: 5354 }), ping];
    const scenario = { version: 1 as const, host: HOST, rules: '', nft, packets: pk, randomDraws: [0.9, 0.1, 0.9, 0.9, 0.1, 0.9] };
    const plain = simulateNft(scenario);
    const explainedRun = simulateNft(scenario, { explain: true });
    const strip = (p: PacketResult) => ({ ...p, trace: p.trace.map(({ skipped: _s, ...rest }) => rest) });
    expect(explainedRun.packets.map(strip)).toEqual(plain.packets.map(strip));
    expect(explainedRun.counters).toBe(plain.counters);
    expect(plain.packets.some((p) => p.trace.some((s) => 'skipped' in s))).toBe(false);
    // Draws, numgen's counter and the set's elements are all in play: rules 3 to 6 each decide one packet.
    expect(plain.packets.map((p) => p.trace.map((s) => `${s.rule} ${s.verdict}`).join())).toEqual(['3 ACCEPT', '5 ACCEPT', '4 ACCEPT', '3 ACCEPT', '6 ACCEPT', '6 ACCEPT']);
    expect(explainedRun.packets.map((p) => p.trace[0].skipped?.length ?? 0)).toEqual([2, 4, 3, 2, 5, 5]);
  });
});
