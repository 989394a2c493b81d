// The nfplay command as a script would run it: exit status, the fixed JSON shape, errors with positions.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

function nfplay(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('nfplay simulate', () => {
  it('prints the fixed trace format with --json', () => {
    const r = nfplay(['simulate', 'examples/web-server.json', '--json']);
    expect(r.status).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.results).toHaveLength(1);
    expect(body.results[0].packets.map((p: { fate: string }) => p.fate)).toEqual(['delivered', 'rejected', 'sent', 'dropped']);
    expect(body.results[0].packets[0].trace).toEqual([
      { table: 'filter', chain: 'INPUT', rule: 2, verdict: 'JUMP:SSH', hook: 'INPUT' },
      { table: 'filter', chain: 'SSH', rule: 1, verdict: 'ACCEPT', hook: 'INPUT' },
    ]);
    expect(body.results[0].counters).toContain('[1:40] -A SSH -s 198.51.100.0/24 -j ACCEPT');
  });

  it('reads a list of scenarios from standard input', () => {
    const one = { version: 1, host: { interfaces: [{ name: 'eth0', addresses: ['10.0.0.1/24'] }] }, rules: '*filter\n:INPUT DROP [0:0]\nCOMMIT\n', packets: [{ from: 'eth0', src: '10.0.0.2', dst: '10.0.0.1', proto: 'udp', dport: 53 }] };
    const r = nfplay(['simulate', '-', '--json'], JSON.stringify([one, { ...one, rules: '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n' }]));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).results.map((x: { packets: { fate: string }[] }) => x.packets[0].fate)).toEqual(['dropped', 'delivered']);
  });

  it('names the line and column of a bad rule and exits 2', () => {
    const r = nfplay(['simulate', '-'], JSON.stringify({ version: 1, rules: '*filter\n-A INPUT -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n', packets: [] }));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("nfplay: <stdin>: rules line 2, column 25: invalid port/service `99999' specified\n");
  });

  it('names the line and column of broken JSON and exits 2', () => {
    const r = nfplay(['simulate', '-'], '{"version": 1,\n "rules": 5,}');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nfplay: <stdin>:2:13: invalid JSON/);
  });

  it('names the field of a bad packet and exits 2', () => {
    const r = nfplay(['simulate', '-'], JSON.stringify({ version: 1, rules: '', packets: [{ from: 'local', src: '10.0.0.300', dst: '10.0.0.1', proto: 'udp' }] }));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('nfplay: <stdin>: packets[0].src: "10.0.0.300" is not an IPv4 address\n');
  });

  it('asks for an address instead of a host name', () => {
    const r = nfplay(['simulate', '-'], JSON.stringify({ version: 1, rules: 'iptables -A INPUT -s db.example.com -j ACCEPT\n', packets: [] }));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("rules line 1, column 22: host/network `db.example.com' not found: nfplay cannot resolve host names, write the address instead");
  });
});
