// The analysis as the playground's worker serves it: plain data (structured-clonable), the proposal's
// what-if with examples fitted to the scenario's host, the matrix against both sides; and the scenario
// extension keys (matrix, proposal, analysis) surviving a share link.
import { describe, expect, it } from 'vitest';
import { lintView, matrixView, proposalView } from '../../src/worker/analysis';
import { decodeShareLink, encodeShareLink } from '../../src/share/share-link';

const host = { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }], routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }] };
const RULES = ['iptables -P INPUT DROP', 'iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT',
  'iptables -A INPUT -p tcp -s 10.0.0.0/24 --dport 22 -j ACCEPT', 'iptables -A INPUT -p tcp -s 10.244.0.0/16 --dport 8080 -j ACCEPT', ''].join('\n');
const MATRIX = 'from 10.0.0.0/24 tcp 22 to host: delivered\nfrom 10.244.0.0/16 tcp 8080 to host: delivered\nfrom any tcp 23 to host: dropped\n';

describe('worker analysis', () => {
  it('lint: findings with position, explanation, fix and related lines, counted by severity', () => {
    const v = lintView(RULES + 'iptables -I INPUT -s 10.0.0.0/8 -j DROP\n', { host });
    expect(structuredClone(v)).toEqual(v);
    expect(v.counts).toEqual({ error: 3, warning: 0, info: 1 });
    const lockout = v.findings.find((f) => f.code === 'lockout')!;
    expect([lockout.line, lockout.column, lockout.severity, lockout.related]).toEqual([5, 10, 'error', [3]]);
    expect(lockout.fix).toMatch(/-A|below|after/);
    expect(v.error).toBeNull();
  });

  it("lint: an unreadable analysis key is reported, and SSH from anywhere assumed", () => {
    const v = lintView(RULES, { host, analysis: { management: [{ src: 'nope', port: 22 }] } });
    expect(v.error).toBe('analysis.management[0].src: "nope" is not an IPv4 address or network');
  });

  it('matrix: green and red flows with the deciding rule and its line; errors with line and column', () => {
    const ok = matrixView(RULES, MATRIX, host);
    expect(ok.flows.map((f) => [f.line, f.ok])).toEqual([[1, true], [2, true], [3, true]]);
    expect(ok.flows[0].samples[0]).toMatchObject({ fate: 'delivered', by: 'filter INPUT rule 2 (line 3): ACCEPT', line: 3 });
    const broken = matrixView(RULES + 'iptables -I INPUT -s 10.0.0.0/8 -j DROP\n', MATRIX, host);
    expect([broken.failed, broken.flows[0].samples[0].line, broken.flows[0].samples[0].by]).toEqual([2, 5, 'filter INPUT rule 1 (line 5): DROP']);
    expect(matrixView(RULES, 'from 10.0.0.0/24 tcp 22 to host: maybe\n', host).error).toEqual({ line: 1, column: 34, message: 'unknown fate "maybe": expected delivered, forwarded, sent, dropped, rejected, allowed, blocked' });
  });

  it('proposal: what changes, examples that fit the host, findings and the matrix of the proposed rules', () => {
    const v = proposalView(RULES, RULES + 'iptables -I INPUT -s 10.0.0.0/8 -j DROP\n', { host }, MATRIX);
    expect(structuredClone(v)).toEqual(v);
    const ssh = v.changes.find((c) => c.packets.includes('dport 22'))!;
    expect(ssh.example).toEqual({ from: 'eth0', src: '10.0.0.1', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] });
    expect([ssh.before.rule?.line, ssh.after.rule?.line, ssh.after.rule?.text, ssh.fates]).toEqual([3, 5, '-I INPUT -s 10.0.0.0/8 -j DROP', { before: 'delivered', after: 'dropped' }]);
    expect(v.matrix?.failed).toBe(2);
    expect(v.lint.findings.some((f) => f.code === 'lockout' && f.line === 5)).toBe(true);
    expect([v.errors, v.diagnostics]).toEqual([0, []]);
    const bad = proposalView(RULES, RULES + 'iptables -A INPUT --bogus\n', { host });
    expect([bad.errors, bad.diagnostics[0].line, bad.matrix]).toEqual([1, 5, null]);
  });

  it('the scenario keys matrix, proposal and analysis survive a share link', async () => {
    const state = { version: 1 as const, host, rules: RULES, packets: [], matrix: MATRIX, proposal: RULES + '# next\n', analysis: { management: [{ src: '10.0.0.0/24', port: 22 }] } };
    expect(await decodeShareLink(await encodeShareLink(state))).toEqual(state);
  });
});
