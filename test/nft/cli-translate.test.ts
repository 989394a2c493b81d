// `nfplay translate`: nftables on stdout, what was not translated on stderr with line and column, exit 0;
// rules that do not parse: exit 2 naming line and column.
import { describe, expect, it } from 'vitest';
import { translateCommand } from '../../src/cli/translate';
import { parseRuleset } from '../../src/engine/parse/index';
import { translateRuleset } from '../../src/nft/translate';

const DUMP = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp --dport 22 -j ACCEPT
-A INPUT -p tcp --dport 80 -j ACCEPT
-A INPUT -j ULOG
COMMIT
`;

describe('nfplay translate', () => {
  it('prints idiomatic nftables and reports the untranslatable rule by line and column', () => {
    const out = translateCommand(DUMP, 'fw.rules', { compat: false, counters: false });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`# Translated by nfplay translate (idiomatic nftables)
table ip filter
delete table ip filter
table ip filter {
	chain INPUT {
		type filter hook input priority filter; policy drop;
		iifname "lo" accept
		ct state related,established accept
		tcp dport { 22, 80 } accept
		# untranslatable (-j ULOG: ULOG (removed in Linux 3.17) has no nftables equivalent; NFLOG (log group N) replaces it for ulogd2): -A INPUT -j ULOG
	}
	chain FORWARD {
		type filter hook forward priority filter; policy drop;
	}
}
`);
    expect(out.stderr).toBe('fw.rules:9:1: not translated: -j ULOG: ULOG (removed in Linux 3.17) has no nftables equivalent; NFLOG (log group N) replaces it for ulogd2: -A INPUT -j ULOG\n');
  });

  it('--compat prints what iptables-restore-translate prints', () => {
    const out = translateCommand(DUMP, 'fw.rules', { compat: true, counters: false });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`# Translated by nfplay translate --compat (as iptables-restore-translate v1.8.9)
add table ip filter
add chain ip filter INPUT { type filter hook input priority 0; policy drop; }
add chain ip filter FORWARD { type filter hook forward priority 0; policy drop; }
add chain ip filter OUTPUT { type filter hook output priority 0; policy accept; }
add rule ip filter INPUT iifname "lo" counter accept
add rule ip filter INPUT ct state related,established counter accept
add rule ip filter INPUT tcp dport 22 counter accept
add rule ip filter INPUT tcp dport 80 counter accept
# untranslatable: -j ULOG: ULOG (removed in Linux 3.17) has no nftables equivalent; NFLOG (log group N) replaces it for ulogd2
# -t filter -A INPUT -j ULOG 
# Completed by nfplay
`);
  });

  it('takes a scenario and translates its rules', () => {
    const scenario = JSON.stringify({ version: 1, host: { interfaces: [] }, rules: '-A INPUT -s 10.0.0.0/8 -j DROP\n', packets: [] });
    const out = translateCommand(scenario, 's.json', { compat: true, counters: false });
    expect(out.stdout.split('\n').filter((l) => l.startsWith('add rule'))).toEqual(['add rule ip filter INPUT ip saddr 10.0.0.0/8 counter drop']);
  });

  it('--counters keeps the counts of a dump', () => {
    const out = translateCommand('*filter\n:INPUT ACCEPT [0:0]\n[7:420] -A INPUT -j DROP\nCOMMIT\n', 'c.rules', { compat: false, counters: true });
    expect(out.stdout).toContain('\t\tcounter packets 7 bytes 420 drop\n');
  });

  it('exits 2 on rules that do not parse, naming line and column', () => {
    const out = translateCommand('*filter\n-A INPUT -p tcp --dport nope -j ACCEPT\nCOMMIT\n', 'bad.rules', { compat: false, counters: false });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^nfplay: bad\.rules:2:\d+: /);
  });
});

describe('translateRuleset differences', () => {
  it('lists each deliberate difference from iptables-translate with the rule it concerns', () => {
    const text = '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -m tcp -j DNAT --to-destination 10.0.0.1:80\nCOMMIT\n';
    const t = translateRuleset(parseRuleset(text).ruleset, { mode: 'compat', source: text });
    expect(t.differences).toEqual([{ line: 3, column: 1, note: 'iptables-translate 1.8.9 prints nothing for this -m tcp, which drops the protocol: the rule would match every protocol' }]);
    expect(t.text.split('\n').filter((l) => l.startsWith('add rule'))).toEqual(['add rule ip nat PREROUTING meta l4proto tcp counter dnat to 10.0.0.1:80']);
  });
});
