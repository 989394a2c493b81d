// nfplay whatif and nfplay apply as a script runs them: output, exit status, --json, stdin, bad input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'nfplay-whatif-'));

function nfplay(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const BEFORE = ['iptables -P INPUT DROP', 'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
  'iptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT', 'iptables -A INPUT -s 10.0.0.0/8 -j DROP', ''].join('\n');
const AFTER = BEFORE.replace('iptables -A INPUT -s 10.0.0.0/8 -j DROP\n', '') + 'iptables -I INPUT -s 10.0.0.0/8 -j DROP\n';

describe('nfplay whatif', () => {
  it('lists each class whose fate changes, with the deciding rules and an example, and exits 1', () => {
    const b = file('before.sh', BEFORE);
    const a = file('after.sh', AFTER);
    const r = nfplay(['whatif', b, a]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe([
      'INPUT   from 10.0.0.0/8 state RELATED,ESTABLISHED',
      `  before: ACCEPT by ${b}:2  -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
      `  after:  DROP by ${a}:4  -I INPUT -s 10.0.0.0/8 -j DROP`,
      '  e.g.    tcp 10.0.0.1:40000 → 203.0.113.10:80 SYN in on eth0',
      'INPUT   tcp from 10.0.0.0/24 dport 22 state INVALID,NEW,UNTRACKED unfragmented',
      `  before: ACCEPT by ${b}:3  -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT`,
      `  after:  DROP by ${a}:4  -I INPUT -s 10.0.0.0/8 -j DROP`,
      '  e.g.    tcp 10.0.0.1:40000 → 203.0.113.10:22 SYN in on eth0 (simulated: delivered → dropped)',
      '2 classes of packets change fate', ''].join('\n'));
    expect(r.stderr).toBe('');
  });

  it('exits 0 when nothing changes; --json from standard input', () => {
    const same = file('same.sh', BEFORE);
    expect(nfplay(['whatif', same, '-'], BEFORE)).toEqual({ status: 0, stdout: 'no packet changes fate\n', stderr: '' });
    const r = nfplay(['whatif', '-', file('after2.sh', AFTER), '--json'], BEFORE);
    expect(r.status).toBe(1);
    const { changes } = JSON.parse(r.stdout);
    expect(changes[1]).toMatchObject({ hook: 'INPUT', example: { src: '10.0.0.1', dport: 22 }, before: { verdict: 'ACCEPT', rule: { line: 3 } }, after: { verdict: 'DROP', rule: { line: 4 } }, confirmed: true, fates: { before: 'delivered', after: 'dropped' } });
  });

  it("one scenario: its rules against its proposal, examples fitted to its host", () => {
    const scenario = { version: 1, host: { interfaces: [{ name: 'ens3', addresses: ['192.0.2.10/24'] }] }, rules: BEFORE, proposal: AFTER, packets: [] };
    const r = nfplay(['whatif', '-', '--json'], JSON.stringify(scenario));
    expect(r.status).toBe(1);
    const { changes } = JSON.parse(r.stdout);
    expect(changes[1].example).toEqual({ from: 'ens3', src: '10.0.0.1', dst: '192.0.2.10', proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] });
    expect(changes[1].fates).toEqual({ before: 'delivered', after: 'dropped' });
    const without = nfplay(['whatif', '-'], JSON.stringify({ ...scenario, proposal: undefined }));
    expect(without).toEqual({ status: 2, stdout: '', stderr: 'nfplay: <stdin>: the scenario has no "proposal" to compare with its rules\n' });
  });

  it('bad input exits 2 with file, line and column', () => {
    const b = file('b3.sh', BEFORE);
    expect(nfplay(['whatif', b, '-'], 'iptables -A INPUT -p tcp --dport 70000 -j DROP\n')).toEqual({
      status: 2, stdout: '', stderr: "nfplay: <stdin>:1:34: invalid port/service `70000' specified\n",
    });
    expect(nfplay(['whatif', '-', b], '{"rules": 5}').stderr).toBe('nfplay: <stdin>: scenario.rules: must be a string holding the ruleset\n');
    expect(nfplay(['whatif', b]).status).toBe(2);
    expect(nfplay(['whatif', '-', '-']).status).toBe(2);
  });
});

describe('nfplay apply', () => {
  const RULES = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT', 'COMMIT', ''].join('\n');

  it('prints the safe-apply script with the rollback asked for and the matrix flows to verify', () => {
    const r = nfplay(['apply', '-', '--rollback', '300', '--matrix', file('m.txt', 'from 10.0.0.0/24 tcp 22 to host: delivered\n')], RULES);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n').filter((l) => /^(iptables|\( sleep|#   )/.test(l))).toEqual([
      'iptables-save > "$BACKUP"',
      "iptables-restore --test < '/etc/iptables/rules.v4.new'",
      '( sleep 300 && iptables-restore < "$BACKUP" && logger "nfplay: iptables rolled back to $BACKUP" ) &',
      "iptables-restore --noflush < '/etc/iptables/rules.v4.new'",
      'iptables -L -n -v --line-numbers',
      '#   from 10.0.0.0/24 tcp 22 to host: delivered',
    ]);
    expect(r.stdout).toContain("<<'NFPLAY_RULES'\n*filter\n:INPUT DROP [0:0]\n");
  });

  it('refuses when a matrix flow fails (the scenario\'s own matrix), and warns of a lockout', () => {
    const locked = RULES.replace('COMMIT', '-I INPUT -s 10.0.0.0/8 -j DROP\nCOMMIT');
    const scenario = { version: 1, rules: locked, packets: [], matrix: 'from 10.0.0.0/24 tcp 22 to host: delivered\n' };
    const r = nfplay(['apply', '-'], JSON.stringify(scenario));
    expect([r.status, r.stdout]).toEqual([1, '']);
    expect(r.stderr.split('\n').slice(0, 3)).toEqual([
      'nfplay: not generating the script: flows of the matrix fail with these rules',
      'FAIL  <stdin> matrix:1  from 10.0.0.0/24 tcp 22 to host: delivered',
      '        10.0.0.127 → 10.0.0.1:22 tcp SYN (in on eth1): dropped, by filter INPUT rule 1 (line 8): DROP',
    ]);
    const plain = nfplay(['apply', file('locked.rules', locked)]);
    expect(plain.status).toBe(0);
    expect(plain.stderr).toContain(`nfplay: warning: ${join(dir, 'locked.rules')}:8:1: No accepted path for SSH (tcp/22) from any source`);
  });

  it('bad input exits 2 with positions', () => {
    expect(nfplay(['apply', '-', '--rollback', 'soon'], RULES)).toEqual({ status: 2, stdout: '', stderr: 'nfplay: --rollback: "soon" is not a number of seconds (1 or more)\n' });
    expect(nfplay(['apply', '-', '--matrix', file('bad.txt', '\nfrom 10.0.0.0/24 tcp 22 to host delivered\n')], RULES).stderr).toBe(
      `nfplay: ${join(dir, 'bad.txt')}:2:1: expected a flow like "from 10.0.0.0/24 tcp 22 to host: delivered" or "local tcp to 198.51.100.20:8443: sent"\n`);
    expect(nfplay(['apply', '-'], '*filter\n-A INPUT -j NOPE\nCOMMIT\n').status).toBe(2);
    expect(nfplay(['apply', '-', '--rollback']).status).toBe(2);
  });
});
