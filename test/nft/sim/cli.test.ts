// `nfplay simulate` on a scenario with an `nft` ruleset: simulated with it, the fixed JSON shape, errors
// with the nft line and column.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');

function nfplay(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const scenario = (nft: string) => JSON.stringify({
  version: 1,
  host: { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }] },
  // The iptables rules would accept everything: the nft ruleset is the one simulated.
  rules: '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n',
  nft,
  packets: [
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport: 22, flags: ['SYN'] },
    { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'udp', sport: 5353, dport: 53 },
  ],
});

const NFT = 'table inet fw {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\ttcp dport { 22, 443 } counter accept\n\t}\n}\n';

describe('nfplay simulate with an nft ruleset', () => {
  it('prints the fixed trace format and the nft listing with counters', () => {
    const r = nfplay(['simulate', '-', '--json'], scenario(NFT));
    expect(r.status).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.results[0].packets.map((p: { fate: string; trace: unknown }) => [p.fate, p.trace])).toEqual([
      ['delivered', [{ table: 'fw', chain: 'input', rule: 1, verdict: 'ACCEPT', hook: 'INPUT' }]],
      ['dropped', [{ table: 'fw', chain: 'input', rule: null, verdict: 'policy:DROP', hook: 'INPUT' }]],
    ]);
    expect(body.results[0].counters).toContain('tcp dport { 22, 443 } counter packets 1 bytes 40 accept');
  });

  it('names the rule in the readable report', () => {
    const r = nfplay(['simulate', '-'], scenario(NFT));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('fw input rule 1: ACCEPT   (tcp dport { 22, 443 } counter accept)');
  });

  it('exits 2 with the nft line and column of an error', () => {
    const r = nfplay(['simulate', '-'], scenario(NFT.replace('443', 'https-ish')));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('<stdin>: nft line 4, column 19: "https-ish" is not a port or service name');
  });
});
