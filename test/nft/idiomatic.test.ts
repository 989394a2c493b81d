// Idiomatic output: what gets folded, and what must not be because a packet could tell.
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/engine/parse/index';
import { translateRuleset } from '../../src/nft/translate';

/// The rule lines of one chain of the idiomatic translation.
function chain(rules: string, name = 'INPUT'): string[] {
  const { ruleset, diagnostics } = parseRuleset(rules);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const text = translateRuleset(ruleset, { mode: 'idiomatic', source: rules }).text;
  const m = new RegExp(`\\tchain ${name} \\{\\n([\\s\\S]*?)\\n\\t\\}`).exec(text);
  return m ? m[1].split('\n').map((l) => l.trim()).filter((l) => !l.startsWith('type ')) : [];
}

const dump = (...rules: string[]) => `*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:X - [0:0]\n${rules.join('\n')}\nCOMMIT\n`;

describe('idiomatic translation', () => {
  it('folds disjoint ports and addresses into anonymous sets', () => {
    expect(chain(dump('-A INPUT -p tcp --dport 22 -j ACCEPT', '-A INPUT -p tcp --dport 80 -j ACCEPT', '-A INPUT -p tcp -m multiport --dports 443,8000:8080 -j ACCEPT')))
      .toEqual(['tcp dport { 22, 80, 443, 8000-8080 } accept']);
    expect(chain(dump('-A INPUT -s 10.0.0.0/8,192.168.0.0/16 -j DROP'))).toEqual(['ip saddr { 10.0.0.0/8, 192.168.0.0/16 } drop']);
  });

  it('keeps rules apart when one packet could match both and the action is not final', () => {
    // 10.1.0.0/16 is inside 10.0.0.0/8: a packet from it is logged twice by the iptables rules.
    expect(chain(dump('-A INPUT -s 10.0.0.0/8 -j LOG', '-A INPUT -s 10.1.0.0/16 -j LOG')))
      .toEqual(['ip saddr 10.0.0.0/8 log', 'ip saddr 10.1.0.0/16 log']);
    expect(chain(dump('-A INPUT -i eth+ -j X', '-A INPUT -i eth0 -j X'))).toEqual(['iifname "eth*" jump X', 'iifname "eth0" jump X']);
  });

  it('merges LOG with the verdict that follows it on the same matches', () => {
    expect(chain(dump('-A INPUT -p tcp --dport 23 -j LOG --log-prefix "telnet "', '-A INPUT -p tcp --dport 23 -j DROP')))
      .toEqual(['tcp dport 23 log prefix "telnet " drop']);
    // A limit is state: the LOG rule and the DROP rule do not see the same packets.
    expect(chain(dump('-A INPUT -m limit --limit 1/min -j LOG', '-A INPUT -j DROP'))).toHaveLength(2);
  });

  it('turns ct state rules into a verdict map', () => {
    expect(chain(dump('-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-A INPUT -m conntrack --ctstate INVALID -j DROP', '-A INPUT -i lo -j ACCEPT')))
      .toEqual(['ct state vmap { related : accept, established : accept, invalid : drop }', 'iifname "lo" accept']);
  });

  it('writes policies, symbolic priorities, and leaves out base chains that do nothing', () => {
    const { ruleset } = parseRuleset('*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n' + dump());
    expect(translateRuleset(ruleset, { mode: 'idiomatic' }).text).toBe(`# Translated by nfplay translate (idiomatic nftables)
table ip nat
delete table ip nat
table ip nat {
	chain PREROUTING {
		type nat hook prerouting priority dstnat; policy accept;
	}
	chain INPUT {
		type nat hook input priority 100; policy accept;
	}
	chain OUTPUT {
		type nat hook output priority -100; policy accept;
	}
	chain POSTROUTING {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth0" masquerade
	}
}
table ip filter
delete table ip filter
table ip filter {
	chain INPUT {
		type filter hook input priority filter; policy drop;
	}
	chain X {
	}
}
`);
  });

  it('renames chains nft cannot read', () => {
    const rules = '*filter\n:INPUT ACCEPT [0:0]\n:reject - [0:0]\n-A INPUT -j reject\n-A reject -j REJECT\nCOMMIT\n';
    expect(chain(rules)).toEqual(['jump chain_reject']);
    expect(chain(rules, 'chain_reject')).toEqual(['reject']);
  });

  it('leaves a log prefix with a $ untranslated in both modes: nft 1.0.6 reads it as a variable and has no escape', () => {
    // Kernel-free truth: `nft -c` says "unknown identifier '5'" for log prefix "cost $5 ", and '' for "$$".
    const rules = dump('-A INPUT -j LOG --log-prefix "cost $5 "', '-A INPUT -j NFLOG --nflog-prefix "a$b" --nflog-group 2', '-A INPUT -j LOG --log-prefix "plain "');
    for (const mode of ['compat', 'idiomatic'] as const) {
      const t = translateRuleset(parseRuleset(rules).ruleset, { mode, source: rules });
      expect(t.untranslated.map((u) => `${u.line}: ${u.reason}`)).toEqual([
        '6: -j LOG: nft 1.0.6 reads each $ in a log prefix as a variable, with no escape for it: this prefix cannot be written',
        '7: -j NFLOG: nft 1.0.6 reads each $ in a log prefix as a variable, with no escape for it: this prefix cannot be written',
      ]);
      expect(t.text.split('\n').filter((l) => !l.includes('#') && l.includes('log prefix'))).toEqual([mode === 'compat' ? 'add rule ip filter INPUT counter log prefix "plain "' : '\t\tlog prefix "plain "']);
    }
  });

  it('names sets and lists untranslated rules in chain order, whatever order the rules came in', () => {
    // ZED's rules come first in the dump, ALPHA's chain first in the output (chains are listed by name).
    const u32 = (n: number) => `-m u32 --u32 "0>>22&0x3C@12>>26&0x3C@0=0x${n}" -j DROP`;
    const rules = '*filter\n:INPUT ACCEPT [0:0]\n:ZED - [0:0]\n:ALPHA - [0:0]\n'
      + `-A ZED -p tcp --syn -m connlimit --connlimit-above 10 -j DROP\n-A ZED ${u32(1)}\n`
      + `-A ALPHA -p tcp --syn -m connlimit --connlimit-above 20 -j DROP\n-A ALPHA ${u32(2)}\n-A INPUT -j ALPHA\n-A INPUT -j ZED\nCOMMIT\n`;
    expect(chain(rules, 'ALPHA')[0]).toBe('tcp flags syn / fin,syn,rst,ack add @connlimit0 { ip saddr ct count over 20 } drop');
    expect(chain(rules, 'ZED')[0]).toBe('tcp flags syn / fin,syn,rst,ack add @connlimit1 { ip saddr ct count over 10 } drop');
    const untranslated = (rules: string) => translateRuleset(parseRuleset(rules).ruleset, { mode: 'idiomatic', source: rules }).untranslated.map((u) => `${u.line}: ${u.rule}`);
    expect(untranslated(rules)).toEqual(['8: -A ALPHA -m u32 --u32 0>>22&0x3C@12>>26&0x3C@0=0x2 -j DROP', '6: -A ZED -m u32 --u32 0>>22&0x3C@12>>26&0x3C@0=0x1 -j DROP']);
    // The same without sets to declare.
    const plain = `*filter\n:INPUT ACCEPT [0:0]\n:ZED - [0:0]\n:ALPHA - [0:0]\n-A ZED ${u32(1)}\n-A ALPHA ${u32(2)}\nCOMMIT\n`;
    expect(untranslated(plain)).toEqual(['6: -A ALPHA -m u32 --u32 0>>22&0x3C@12>>26&0x3C@0=0x2 -j DROP', '5: -A ZED -m u32 --u32 0>>22&0x3C@12>>26&0x3C@0=0x1 -j DROP']);
  });

  it("declares the scenario's ipsets as nftables sets", () => {
    const rules = dump('-A INPUT -m set --match-set blocked src -j DROP', '-A INPUT -p tcp -m set --match-set web dst,dst -j ACCEPT');
    const { ruleset } = parseRuleset(rules);
    const sets = { blocked: { type: 'hash:net', members: ['198.51.100.0/24', '203.0.113.7'] }, web: { type: 'hash:ip,port', members: ['10.0.0.5,tcp:80', '10.0.0.5,tcp:443'] } };
    const text = translateRuleset(ruleset, { mode: 'idiomatic', sets, source: rules }).text;
    expect(text).toContain('\tset blocked { type ipv4_addr; flags interval; elements = { 198.51.100.0/24, 203.0.113.7 }; }\n');
    expect(text).toContain('\tset web { type ipv4_addr . inet_service; elements = { 10.0.0.5 . 80, 10.0.0.5 . 443 }; }\n');
    expect(text).toContain('\t\tip saddr @blocked drop\n\t\tip daddr . tcp dport @web accept\n');
  });
});
