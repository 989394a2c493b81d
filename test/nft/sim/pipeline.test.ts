// Base chains in the hooks (priority order, ties, NAT's fixed place), chain traversal, statements and
// their effects (NAT, reject, log, marks, counters), families, and errors with line and column.
import { describe, expect, it } from 'vitest';
import type { PacketSpec } from '../../../src/engine/model/scenario';
import { simulateNft, compileNft } from '../../../src/nft/sim/simulate';
import { counterValues } from '../../../src/nft/sim/list';
import { HOST, run } from '../../helpers/scenario';
import { input, runNft, steps, syn } from './helpers';

const chain = (table: string, name: string, hook: string, prio: string, policy: string, ...rules: string[]) =>
  `table ip ${table} {\n\tchain ${name} {\n\t\ttype filter hook ${hook} priority ${prio}; policy ${policy};\n${rules.map((r) => `\t\t${r}\n`).join('')}\t}\n}\n`;
const fwd = (dport: number, over: Partial<PacketSpec> = {}) => syn(dport, { dst: '203.0.113.10', ...over });

describe('hooks', () => {
  it('runs base chains by priority across tables; among equals the later one first', () => {
    const nft = chain('a', 'x', 'input', '10', 'accept', 'counter') + chain('b', 'y', 'input', '-10', 'accept', 'counter') + chain('c', 'z', 'input', '10', 'accept', 'counter');
    expect(steps(runNft(nft, [syn(22)]).packets[0])).toEqual([
      'b y 1 CONTINUE', 'b y - policy:ACCEPT', 'c z 1 CONTINUE', 'c z - policy:ACCEPT', 'a x 1 CONTINUE', 'a x - policy:ACCEPT',
    ]);
  });

  it('lets a later base chain see what an earlier one accepted; a drop is final', () => {
    const nft = chain('a', 'in', 'input', '-5', 'drop', 'tcp dport 22 accept', 'tcp dport 80 drop') + chain('b', 'in', 'input', '5', 'accept', 'tcp dport 22 drop', 'counter');
    expect(runNft(nft, [syn(22), syn(80)]).packets.map(steps)).toEqual([['a in 1 ACCEPT', 'b in 1 DROP'], ['a in 2 DROP']]);
  });

  it('runs chains below -200 before conntrack: ct state reads invalid there', () => {
    const nft = chain('t', 'raw', 'prerouting', 'raw', 'accept', 'ct state invalid counter', 'ct state new counter') +
      chain('u', 'mangle', 'prerouting', 'mangle', 'accept', 'ct state invalid counter', 'ct state new counter');
    expect(steps(runNft(nft, [syn(22)]).packets[0])).toEqual(['t raw 1 CONTINUE', 't raw - policy:ACCEPT', 'u mangle 2 CONTINUE', 'u mangle - policy:ACCEPT']);
  });

  it('runs nat chains at the NAT hook (-100) whatever their priority, by priority, until one binds', () => {
    const nft = 'table ip t {\n\tchain f {\n\t\ttype filter hook prerouting priority -50; policy accept;\n\t\tcounter\n\t}\n' +
      '\tchain n2 {\n\t\ttype nat hook prerouting priority 50; policy accept;\n\t\ttcp dport 8080 dnat to 10.0.0.6\n\t}\n' +
      '\tchain n1 {\n\t\ttype nat hook prerouting priority 20; policy accept;\n\t\ttcp dport 8080 accept\n\t\ttcp dport 8081 dnat to 10.0.0.5:80\n\t}\n}\n';
    const r = runNft(nft, [fwd(8080), fwd(8081, { sport: 40001 })]);
    expect(r.packets.map(steps)).toEqual([
      ['t n1 1 ACCEPT', 't n2 1 DNAT', 't f 1 CONTINUE', 't f - policy:ACCEPT'],
      ['t n1 2 DNAT', 't f 1 CONTINUE', 't f - policy:ACCEPT'],
    ]);
    expect(r.packets.map((p) => [p.fate, p.out, p.final])).toEqual([
      ['forwarded', 'eth1', { src: '198.51.100.7', dst: '10.0.0.6', sport: 40000, dport: 8080 }],
      ['forwarded', 'eth1', { src: '198.51.100.7', dst: '10.0.0.5', sport: 40001, dport: 80 }],
    ]);
  });

  it('sees only the first packet of a connection in nat chains, and un-NATs the replies', () => {
    const nft = 'table ip nat {\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname "eth0" masquerade\n\t}\n}\n';
    const out: PacketSpec = { from: 'eth1', src: '10.0.0.5', dst: '198.51.100.7', proto: 'udp', sport: 5353, dport: 53 };
    const back: PacketSpec = { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'udp', sport: 53, dport: 5353 };
    const r = runNft(nft, [out, back, out]);
    expect(r.packets.map((p) => [p.fate, p.ctState, p.final, steps(p)])).toEqual([
      ['forwarded', 'NEW', { src: '203.0.113.10', dst: '198.51.100.7', sport: 5353, dport: 53 }, ['nat post 1 MASQUERADE']],
      ['forwarded', 'ESTABLISHED', { src: '198.51.100.7', dst: '10.0.0.5', sport: 53, dport: 5353 }, []],
      ['forwarded', 'ESTABLISHED', { src: '203.0.113.10', dst: '198.51.100.7', sport: 5353, dport: 53 }, []],
    ]);
  });

  it('redirects and snats to ranges', () => {
    const nft = 'table ip nat {\n\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 80 redirect to :8080\n\t}\n' +
      '\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tip saddr 10.0.0.0/24 snat to 203.0.113.10:2000-2001\n\t}\n}\n';
    const r = runNft(nft, [syn(80), syn(22, { from: 'eth1', src: '10.0.0.5', dst: '198.51.100.7' })]);
    expect(r.packets.map((p) => [p.fate, p.final])).toEqual([
      ['delivered', null],
      ['forwarded', { src: '203.0.113.10', dst: '198.51.100.7', sport: 2000, dport: 22 }],
    ]);
  });

  it('leaves IPv4 packets to ip and inet tables: an ip6 table never sees them', () => {
    const nft = 'table ip6 six {\n\tchain in {\n\t\ttype filter hook input priority -10; policy drop;\n\t}\n}\n' +
      'table inet fw {\n\tchain in {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tmeta nfproto ipv4 counter\n\t\tip6 saddr ::1 drop\n\t}\n}\n';
    expect(steps(runNft(nft, [syn(22)]).packets[0])).toEqual(['fw in 1 CONTINUE', 'fw in - policy:ACCEPT']);
  });
});

describe('chains', () => {
  it('returns from a goto chain to the base chain\'s policy, from a jump to the next rule', () => {
    const nft = input('tcp dport 22 goto g', 'tcp dport 22 accept', 'jump j', 'tcp dport 80 accept').replace('\t}\n}\n', '\t}\n\tchain g {\n\t\treturn\n\t}\n\tchain j {\n\t\ttcp dport 80 counter\n\t}\n}\n');
    expect(runNft(nft, [syn(22), syn(80)]).packets.map(steps)).toEqual([
      ['t in 1 GOTO:g', 't g 1 RETURN', 't in - policy:DROP'],
      ['t in 3 JUMP:j', 't j 1 CONTINUE', 't j - return', 't in 4 ACCEPT'],
    ]);
  });

  it('numbers rules as written, and an explicit continue is CONTINUE', () => {
    expect(steps(runNft(input('tcp dport 80 accept', 'counter continue', 'tcp dport 22 accept'), [syn(22)]).packets[0])).toEqual(['t in 2 CONTINUE', 't in 3 ACCEPT']);
  });

  it('reads the command form: add and insert', () => {
    const nft = 'add table ip t\nadd chain ip t in { type filter hook input priority 0; policy drop; }\nadd rule ip t in tcp dport 22 accept\ninsert rule ip t in tcp dport 80 accept\n';
    expect(runNft(nft, [syn(22), syn(80)]).packets.map(steps)).toEqual([['t in 2 ACCEPT'], ['t in 1 ACCEPT']]);
  });
});

describe('statements', () => {
  it('writes the LOG line the iptables LOG target writes', () => {
    const ours = runNft(input('tcp dport 22 log prefix "ssh: " accept'), [syn(22)]).packets[0].trace[0].log;
    const ipt = run('*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j LOG --log-prefix "ssh: "\nCOMMIT\n', [syn(22)]).packets[0].trace[0].log;
    expect(ours).toBe(ipt);
    expect(ours).toMatch(/^ssh: IN=eth0 OUT= MAC=.* SRC=198\.51\.100\.7 DST=203\.0\.113\.10 .* DPT=22 .*SYN URGP=0 $/);
  });

  it('rejects with a reset or an ICMP error that passes OUTPUT as RELATED', () => {
    const r = runNft(input('tcp dport 22 reject with tcp reset', 'tcp dport 23 reject with icmp type host-prohibited', 'reject'), [syn(22), syn(23), syn(24)]);
    expect(r.packets.map((p) => [p.fate, steps(p).pop(), p.generated?.map((g) => `${g.what} ${g.fate} ${g.ctState}`)])).toEqual([
      ['rejected', 't in 1 REJECT', ['tcp RST,ACK sent RELATED']],
      ['rejected', 't in 2 REJECT', ['icmp 3/10 sent RELATED']],
      ['rejected', 't in 3 REJECT', ['icmp 3/3 sent RELATED']],
    ]);
  });

  it('does not reset what is not TCP: reject with tcp reset carries a tcp match', () => {
    const udp: PacketSpec = { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'udp', sport: 5, dport: 53 };
    expect(steps(runNft(input('reject with tcp reset'), [udp]).packets[0])).toEqual(['t in - policy:DROP']);
  });

  it('sets marks and connection marks, and untracks with notrack', () => {
    const nft = chain('r', 'raw', 'prerouting', 'raw', 'accept', 'tcp dport 23 notrack') +
      chain('m', 'pre', 'prerouting', 'mangle', 'accept', 'ct state new ct mark set 0x7', 'meta mark set ct mark and 0x3') + input('meta mark 3 ct mark 7 accept', 'ct state untracked accept');
    const r = runNft(nft, [syn(22), syn(23)]);
    expect(r.packets.map((p) => [p.fate, p.ctState, steps(p).pop()])).toEqual([['delivered', 'NEW', 't in 1 ACCEPT'], ['delivered', 'UNTRACKED', 't in 2 ACCEPT']]);
  });

  it('lists the ruleset with every counter filled', () => {
    const out = runNft(input('tcp dport 22 counter accept', 'counter'), [syn(22), syn(80), syn(81)]);
    expect(out.counters).toBe('table ip t {\n\tchain in {\n\t\ttype filter hook input priority filter; policy drop;\n' +
      '\t\ttcp dport 22 counter packets 1 bytes 40 accept\n\t\tcounter packets 2 bytes 80\n\t}\n}\n');
    expect(counterValues(out.counters)).toEqual(['ip t in #1: 1 packets 40 bytes', 'ip t in #2: 2 packets 80 bytes']);
  });

  it('reports what it does not simulate, and goes on', () => {
    const r = runNft(input('tcp dport 22 queue num 1', 'meta priority set 1:10 accept'), [syn(22), syn(80)]);
    expect(r.packets.map((p) => [p.fate, steps(p).pop()])).toEqual([['dropped', 't in 1 QUEUE'], ['delivered', 't in 2 ACCEPT']]);
    expect(Object.keys(r.unsimulated).sort()).toEqual(['meta priority set', 'queue']);
  });
});

describe('errors', () => {
  it('names the line and column of what nft would refuse', () => {
    const { diagnostics } = compileNft('table ip t {\n\tchain in {\n\t\ttype filter hook input priority filter;\n\t\ttcp dport 99999 accept\n\t\tip saddr @nope drop\n\t\tjump nowhere\n\t\ttcp flavour 3\n\t}\n}\n');
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '4:13 "99999" is not a port or service name',
      '5:12 no set or map "nope" in table ip t',
      '7:7 unknown tcp field "flavour" (known: sport, dport, flags, doff)',
      '6:8 no chain "nowhere" in table ip t',
    ]);
  });

  it('keeps a refused rule\'s place, so later rules keep their numbers', () => {
    const out = simulateNft({ version: 1, host: HOST, rules: '', nft: input('tcp dport 99999 accept', 'accept'), packets: [syn(22)] });
    expect(out.diagnostics).toHaveLength(1);
    expect(steps(out.packets[0])).toEqual(['t in 2 ACCEPT']);
  });
});

describe('command form', () => {
  it('places rules by index: add after the N-th rule, insert before it', () => {
    const nft = 'add table ip t\nadd chain ip t in { type filter hook input priority 0; policy drop; }\nadd rule ip t in tcp dport 1 accept\nadd rule ip t in tcp dport 2 accept\n' +
      'add rule ip t in index 0 tcp dport 3 accept\ninsert rule ip t in index 0 tcp dport 4 accept\n';
    expect(runNft(nft, [syn(1), syn(2), syn(3), syn(4)]).packets.map((p) => steps(p)[0])).toEqual(['t in 2 ACCEPT', 't in 4 ACCEPT', 't in 3 ACCEPT', 't in 1 ACCEPT']);
  });
});
