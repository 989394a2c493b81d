// nfplay lint and nfplay check as a script runs them: exit status, --json shape, errors with positions.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'nfplay-analyze-'));

function nfplay(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const LOCKED = ['iptables -P INPUT DROP', 'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', 'iptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT', 'iptables -I INPUT -s 10.0.0.0/8 -j DROP', ''].join('\n');
const CLEAN = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', '-A INPUT -i lo -j ACCEPT',
  '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT',
  '-A INPUT -m limit --limit 5/min -j LOG --log-prefix "drop: "', 'COMMIT', ''].join('\n');

describe('nfplay lint', () => {
  it('--json prints the findings and exits 1 on errors', () => {
    const r = nfplay(['lint', '-', '--json'], LOCKED);
    expect(r.status).toBe(1);
    const { findings } = JSON.parse(r.stdout);
    expect(findings.map((f: { line: number; column: number; severity: string; code: string }) => `${f.line}:${f.column} ${f.severity} ${f.code}`)).toEqual([
      '1:1 info silent-drop', '3:10 error shadowed', '4:10 error lockout',
    ]);
    expect(Object.keys(findings[0])).toEqual(['line', 'column', 'endLine', 'endColumn', 'from', 'to', 'severity', 'code', 'message', 'explanation', 'fix']);
  });

  it('exits 0 when only information is left, and says so', () => {
    const r = nfplay(['lint', file('clean.rules', CLEAN)]);
    expect(r.stdout.split('\n').filter((l) => /^\S/.test(l))).toEqual([
      `${join(dir, 'clean.rules')}:3:1: info: FORWARD drops by policy and nothing logs what it drops [silent-drop]`,
      '0 errors, 0 warnings, 1 info',
    ]);
    expect(r.status).toBe(0);
  });

  it('reads a scenario: its rules, host and "analysis" intent', () => {
    const scenario = { version: 1, host: { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }] }, rules: CLEAN, packets: [],
      analysis: { management: [{ src: '192.0.2.0/24', port: 22 }] } };
    const r = nfplay(['lint', '-'], JSON.stringify(scenario));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('<stdin> rules:2:1: error: No accepted path for SSH (tcp/22) from 192.0.2.0/24: the INPUT policy DROP drops it [lockout]');
  });

  it('bad input exits 2 with line and column', () => {
    expect(nfplay(['lint', '-'], '*filter\n-A INPUT -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n')).toEqual({
      status: 2, stdout: '', stderr: "nfplay: <stdin>:2:25: invalid port/service `99999' specified\n",
    });
    const bad = nfplay(['lint', '-'], JSON.stringify({ version: 1, rules: '', analysis: { management: [{ src: 'x', port: 22 }] } }));
    expect([bad.status, bad.stderr]).toEqual([2, 'nfplay: <stdin>: analysis.management[0].src: "x" is not an IPv4 address or network\n']);
  });
});

describe('nfplay check', () => {
  const matrix = ['# flows that must work', 'from 10.0.0.0/24 tcp 22 to host: delivered', 'from any tcp 23 to host: dropped', ''].join('\n');

  it('prints a table with the failures first and exits 1', () => {
    const r = nfplay(['check', file('locked.sh', LOCKED), '--matrix', file('m.txt', matrix)]);
    expect(r.status).toBe(1);
    const m = join(dir, 'm.txt');
    expect(r.stdout).toBe([
      `FAIL  ${m}:2  from 10.0.0.0/24 tcp 22 to host: delivered`,
      '        10.0.0.127 → 10.0.0.1:22 tcp SYN (in on eth1): dropped, by filter INPUT rule 1 (line 4): DROP',
      '        10.0.0.254 → 10.0.0.1:22 tcp SYN (in on eth1): dropped, by filter INPUT rule 1 (line 4): DROP',
      `ok    ${m}:3  from any tcp 23 to host: dropped`,
      '2 flows: 1 passed, 1 failed', ''].join('\n'));
  });

  it('--json, a JSON matrix, and exit 0 when every flow passes', () => {
    const json = JSON.stringify({ flows: [{ from: '10.0.0.0/24', proto: 'tcp', dport: 22, to: 'host', expect: 'delivered' }] });
    const r = nfplay(['check', file('clean2.rules', CLEAN), '--matrix', '-', '--json'], json);
    expect(r.status).toBe(0);
    const body = JSON.parse(r.stdout);
    expect([body.passed, body.failed, body.results[0].samples.map((s: { by: string }) => s.by)]).toEqual([1, 0, ['filter INPUT rule 3 (line 7): ACCEPT', 'filter INPUT rule 3 (line 7): ACCEPT']]);
  });

  it('a bad matrix line exits 2 with line and column', () => {
    const r = nfplay(['check', file('clean3.rules', CLEAN), '--matrix', '-'], 'from 10.0.0.0/24 tcp 22 to host: delivred\n');
    expect([r.status, r.stderr]).toEqual([2, 'nfplay: <stdin>:1:34: unknown fate "delivred": expected delivered, forwarded, sent, dropped, rejected, allowed, blocked\n']);
  });
});
