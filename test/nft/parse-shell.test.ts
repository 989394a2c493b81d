// Shell scripts of nft commands read as the shell and nft read them. Every expected ruleset, handle and
// error below is what the script did when run by dash (`sh`) or bash with nft 1.0.6 in a throwaway network
// namespace (`ip netns exec NS sh script; nft -a list ruleset`, Linux 6.18); where nft printed an error,
// the column is where its carets started. `sudo tools/nft-shell-facts.sh [--bash] SCRIPT...` runs scripts
// that way again.
import { describe, expect, it } from 'vitest';
import { parseNft } from '../../src/nft/parse/ruleset';
import { isShellScript } from '../../src/nft/parse/shell';
import { simulateNft } from '../../src/nft/sim/simulate';

/// Each chain's base and rules as `words #handle`, and the errors as `line:column message`.
function read(text: string) {
  const { ruleset, diagnostics } = parseNft(text);
  const chains: Record<string, string[]> = {};
  for (const t of ruleset.tables.values())
    for (const c of t.chains.values()) chains[`${t.family} ${t.name} ${c.name}${c.base ? ` (${c.base.hook} ${c.base.priority} ${c.base.policy})` : ''}`] = c.rules.map((r) => `${r.words.join(' ')} #${r.handle}`);
  return { chains, errors: diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`) };
}

describe('which texts are shell scripts', () => {
  it('tells a script from a file for nft -f', () => {
    expect(isShellScript('nft add table inet filter\n')).toBe(true);
    expect(isShellScript('#!/bin/sh\nset -e\nnft add table ip t\n')).toBe(true);
    expect(isShellScript('# my firewall\n\n  sudo nft add table ip t\n')).toBe(true);
    expect(isShellScript('NFT=/usr/sbin/nft\n$NFT add table ip t\n')).toBe(true);
    expect(isShellScript('/usr/sbin/nft add table ip t\n')).toBe(true);
    expect(isShellScript('#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter { }\n')).toBe(false);
    expect(isShellScript('# nft add table ip t\nadd table ip t\n')).toBe(false);
    expect(isShellScript('table inet filter {\n}\n')).toBe(false);
    expect(isShellScript('')).toBe(false);
  });
});

describe('shell scripts of nft commands', () => {
  it('reads quoting, continuations, comments, set -e and the same ruleset as the kernel', () => {
    const script = `#!/bin/sh
set -e
# the firewall
nft add table inet filter

nft 'add chain inet filter input { type filter hook input priority 0; policy drop; }'
nft add rule inet filter input ct state established,related accept
nft add rule inet filter input \\
   tcp dport { 22, 80 } \\
   accept   # ssh and web
nft add rule inet filter input iifname "lo" accept
nft add rule inet filter input iifname '"eth0"' accept comment \\"from the LAN\\"
nft add chain inet filter routed { type filter hook forward priority -150 \\; }
`;
    expect(read(script)).toEqual({
      chains: {
        'inet filter input (input 0 drop)': ['ct state established,related accept #2', 'tcp dport { 22, 80 } accept #4', 'iifname lo accept #5', 'iifname eth0 accept comment from the LAN #6'],
        'inet filter routed (forward -150 accept)': [],
      },
      errors: [],
    });
    // The rules' places are the script's: `tcp dport` on the continuation line.
    const input = parseNft(script).ruleset.tables.get('inet filter')!.chains.get('input')!;
    expect(input.rules.map((r) => [r.line, r.column])).toEqual([[7, 32], [9, 4], [11, 32], [12, 32]]);
    expect(input.rules[1].tokens.map((t) => `${t.text}@${t.line}:${t.column}`)).toEqual(['tcp@9:4', 'dport@9:8', '{@9:14', '22,@9:16', '80@9:20', '}@9:23', 'accept@10:4']);
  });

  it('each nft command is a transaction: position, handle and index find rules of earlier commands', () => {
    // As one nft -f file, `position 3` would fail: nft's cache knows no handle of the file's own rules.
    expect(read(`nft add table inet filter
nft 'add chain inet filter input { type filter hook input priority 0; }'
nft add rule inet filter input tcp dport 22 accept
nft add rule inet filter input tcp dport 23 accept
nft add rule inet filter input position 3 tcp dport 24 accept
nft insert rule inet filter input handle 4 tcp dport 25 accept
nft add rule inet filter input index 0 tcp dport 26 accept
nft delete rule inet filter input handle 3
nft add rule inet filter input index 0 tcp dport 27 accept
nft add rule inet filter input position 99 tcp dport 28 accept
nft add rule inet filter input tcp dport 29 accept
nft replace rule inet filter input handle 4 tcp dport 30 accept
nft -a list ruleset
`)).toEqual({
      chains: { 'inet filter input (input 0 accept)': ['tcp dport 22 accept #2', 'tcp dport 27 accept #7', 'tcp dport 26 accept #6', 'tcp dport 25 accept #5', 'tcp dport 30 accept #4', 'tcp dport 29 accept #8'] },
      errors: ['10:32 Could not process rule: No such file or directory'],
    });
  });

  it('nft options: before the command only; -c uses up handles and changes nothing; ; and && between commands', () => {
    expect(read(`nft add table ip t
nft add chain ip t c { type filter hook input priority -150 \\; }
nft add rule ip t c tcp dport 22 accept -a
nft -ae add rule ip t c tcp dport 23 accept
nft -- add rule ip t c tcp dport 24 accept
NFT="nft -a"
$NFT add rule ip t c tcp dport 25 accept
nft -c add rule ip t c tcp dport { 1, 2 } accept
nft -c add chain ip t d
nft add rule ip t c tcp dport '{ 26, 27 }' accept
nft "add rule ip t c tcp dport 28 accept"; nft add rule ip t c tcp dport 29 accept && \${NFT} add rule ip t c tcp dport 30 accept
nft 'add rule ip t c tcp dport 31 accept; add rule ip t c tcp dport 32 accept'
`)).toEqual({
      chains: {
        'ip t c (input -150 accept)': [
          'tcp dport 23 accept #2', 'tcp dport 24 accept #3', 'tcp dport 25 accept #4', 'tcp dport { 26, 27 } accept #9', 'tcp dport 28 accept #10',
          'tcp dport 29 accept #11', 'tcp dport 30 accept #12', 'tcp dport 31 accept #13', 'tcp dport 32 accept #14',
        ],
      },
      errors: ['3:41 nft: options must be specified before commands'],
    });
  });

  it('what the shell does to nft text: an unquoted ; in braces, comment quotes, bash brace expansion', () => {
    // bash: "syntax error near unexpected token `}'" stops the script at line 2, before anything of it ran;
    // line 1 had run.
    const semicolon = parseNft('nft add table ip t\nnft add chain ip t c { type filter hook input priority 0; }\nnft add rule ip t c accept\n');
    expect([...semicolon.ruleset.tables.values()].map((t) => [t.name, [...t.chains.keys()]])).toEqual([['t', []]]);
    expect(semicolon.diagnostics).toEqual([{ line: 2, column: 57, message: 'the shell ends the command at this ";" inside { }: quote the nft command, or write \\;' }]);
    // nft: "syntax error, unexpected string" at `ssh` (nfplay points at the quote that went); the script
    // goes on (no set -e), and the failed rule took no handle.
    expect(read('nft add table ip t\nnft add chain ip t c\nnft add rule ip t c tcp dport 22 accept comment "allow ssh"\nnft add rule ip t c tcp dport 23 accept comment \'"allow telnet"\'\n')).toEqual({
      chains: { 'ip t c': ['tcp dport 23 accept comment allow telnet #2'] },
      errors: ['3:49 the shell removes these quotes, so nft reads comment allow ssh and refuses it: write comment \'"allow ssh"\''],
    });
    // bash turns {22,80} into `22 80` (nft: "syntax error, unexpected accept"); dash passes it on.
    const braces = 'nft add table ip t\nnft add chain ip t c\nnft add rule ip t c tcp dport {22,80} accept\n';
    expect(read(braces)).toEqual({
      chains: { 'ip t c': [] },
      errors: ['3:31 bash expands {22,80} into separate words (22 80): write it with spaces, { 22, 80 }, or quote it'],
    });
    expect(read('#!/bin/sh\n' + braces)).toEqual({ chains: { 'ip t c': ['tcp dport { 22,80 } accept #3'] }, errors: [] });
  });

  it('set -e stops at the first failing command, and && skips what follows a failure', () => {
    // bash: the rules with 81 and 83 are not added after the failing one, and with set -e nothing after it is.
    const script = `nft add table ip t
nft add chain ip t c
nft add rule ip t c tcp dport 22 accept && nft add rule ip t c tcp dport 80 accept
nft add rule ip t c tcp dport 443 accept -a && nft add rule ip t c tcp dport 81 accept && nft add rule ip t c tcp dport 83 accept
nft add rule ip t c tcp dport 82 accept
`;
    expect(read(script)).toEqual({
      chains: { 'ip t c': ['tcp dport 22 accept #2', 'tcp dport 80 accept #3', 'tcp dport 82 accept #4'] },
      errors: ['4:42 nft: options must be specified before commands'],
    });
    expect(read('set -e\n' + script.replace('-a &&', '&&').replace('nft add rule ip t c tcp dport 443', 'nft add rule ip t c position 77 tcp dport 443'))).toEqual({
      chains: { 'ip t c': ['tcp dport 22 accept #2', 'tcp dport 80 accept #3'] },
      errors: ['5:21 Could not process rule: No such file or directory (set -e: the script stops here)'],
    });
    // exit ends the script.
    expect(read('nft add table ip t\nexit 0\nnft add table ip u\n').chains).toEqual({});
    expect([...parseNft('nft add table ip t\nexit 0\nnft add table ip u\n').ruleset.tables.keys()]).toEqual(['ip t']);
  });

  it('a line that is not an nft command, or shell it cannot follow, is an error with line and column', () => {
    expect(read(`nft add table ip t
echo "loading"
nft add chain ip t c | tee log
nft -f /etc/nftables.conf
iptables -A INPUT -j DROP
nft add rule ip t c ip saddr $ADMIN accept
nft add rule ip t c tcp dport > 1024 accept
nft 'add rule ip t c accept
`)).toEqual({
      chains: {},
      errors: [
        '2:1 "echo" is not an nft command: nfplay reads nft commands (and set -e, variables) from a shell script',
        '3:22 the shell reads | (a pipe) here: quote the nft command, or escape it (\\|)',
        '4:5 nfplay cannot read the file nft -f names: paste its content instead',
        '5:1 "iptables" is not an nft command: nfplay reads nft commands (and set -e, variables) from a shell script',
        '6:30 $ADMIN is not set in this script',
        '7:31 the shell reads > (a redirection) here: quote the nft command, or escape it (\\>)',
        "8:5 this ' is never closed",
      ],
    });
  });

  it('reads a script saved with Windows line ends', () => {
    // Not a kernel fact: bash would keep each \r in the last word and nft refuse it. nfplay reads CR LF as
    // the line end a pasted file meant.
    expect(read('nft add table ip t\r\nnft add chain ip t c\r\nnft add rule ip t c \\\r\n  tcp dport 22 accept\r\n')).toEqual({ chains: { 'ip t c': ['tcp dport 22 accept #2'] }, errors: [] });
  });

  it('nft errors inside a quoted command point at the script', () => {
    expect(read("nft add table ip t\nnft 'add chain ip t c { type filter hook input priority 0; policy maybe; }'\n").errors).toEqual([
      // nft: "syntax error, unexpected string, expecting accept or drop" at `maybe`.
      '2:67 policy must be accept or drop, not "maybe"',
    ]);
  });

  it('a script simulates as its ruleset does, and the rule steps point at the script', () => {
    const host = { interfaces: [{ name: 'eth0', addresses: ['192.0.2.1/24'] }] };
    const out = simulateNft({
      version: 1, host, rules: '',
      nft: "#!/bin/sh\nnft add table inet filter\nnft 'add chain inet filter input { type filter hook input priority 0; policy drop; }'\nnft add rule inet filter input tcp dport { 22, 80 } accept\n",
      packets: [
        { from: 'eth0', src: '192.0.2.9', dst: '192.0.2.1', proto: 'tcp', sport: 40000, dport: 80, flags: ['SYN'] },
        { from: 'eth0', src: '192.0.2.9', dst: '192.0.2.1', proto: 'tcp', sport: 40001, dport: 8443, flags: ['SYN'] },
      ],
    }, { explain: true });
    expect(out.diagnostics).toEqual([]);
    expect(out.packets.map((p) => p.fate)).toEqual(['delivered', 'dropped']);
    expect(out.packets[0].trace).toEqual([{ table: 'filter', chain: 'input', rule: 1, verdict: 'ACCEPT', hook: 'INPUT' }]);
    expect(out.packets[1].trace[0].skipped).toEqual([
      { rule: 1, why: 'tcp dport 8443 is not in { 22, 80 }', span: { line: 4, column: 32, endLine: 4, endColumn: 52 } },
    ]);
  });
});
