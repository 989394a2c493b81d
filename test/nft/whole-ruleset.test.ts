// Translations that depend on the rest of the ruleset: recent lists shared by name, conntrack helpers
// (which move a raw chain after conntrack, or cannot), NETMAP's direction from the hooks that reach its
// chain, TPROXY's second rule. Each expected output was checked with nft -c (nftables 1.0.6).
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/engine/parse/index';
import { translateRuleset, type Translation } from '../../src/nft/translate';

function translate(rules: string, mode: 'compat' | 'idiomatic' = 'idiomatic'): Translation {
  const { ruleset, diagnostics } = parseRuleset(rules);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return translateRuleset(ruleset, { mode, source: rules });
}

/// The lines of the idiomatic table `name`, without its replacement preamble.
function table(rules: string, name: string): string[] {
  const text = translate(rules).text;
  const m = new RegExp(`\\ntable ip ${name} \\{\\n([\\s\\S]*?)\\n\\}`).exec(text);
  return m ? m[1].split('\n').map((l) => l.trim()) : [];
}

const filter = (...rules: string[]) => `*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${rules.join('\n')}\nCOMMIT\n`;

describe('-m recent', () => {
  it('keeps one dynamic set per window a list is tested with, every hit refreshing them all', () => {
    const rules = filter(
      '-A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --set --name ssh',
      '-A INPUT -p tcp --dport 22 -m recent --rcheck --seconds 60 --name ssh -j LOG --log-prefix "ssh-again "',
      '-A INPUT -p tcp --dport 22 -m recent --update --seconds 3600 --name ssh -j DROP',
      '-A INPUT -p tcp --dport 113 -m recent --remove --name ssh -j ACCEPT',
    );
    expect(table(rules, 'filter')).toEqual([
      'set ssh { type ipv4_addr; flags dynamic; }',
      'set ssh_1m { type ipv4_addr; flags dynamic,timeout; timeout 1m; }',
      'set ssh_1h { type ipv4_addr; flags dynamic,timeout; timeout 1h; }',
      'chain INPUT {',
      'type filter hook input priority filter; policy drop;',
      'tcp dport 22 ct state new update @ssh { ip saddr } update @ssh_1m { ip saddr } update @ssh_1h { ip saddr }',
      'tcp dport 22 ip saddr @ssh_1m log prefix "ssh-again "',
      'tcp dport 22 ip saddr @ssh_1h update @ssh { ip saddr } update @ssh_1m { ip saddr } update @ssh_1h { ip saddr } drop',
      'tcp dport 113 ip saddr @ssh delete @ssh { ip saddr } delete @ssh_1m { ip saddr } delete @ssh_1h { ip saddr } accept',
      '}',
    ]);
  });

  it('names the set after the list when one window is enough, masked and by destination', () => {
    expect(table(filter('-A FORWARD -m recent --set --rdest --name near --mask 255.255.255.0', '-A FORWARD -m recent --rcheck --seconds 90 --rdest --name near --mask 255.255.255.0 -j DROP'), 'filter')).toEqual([
      'set near { type ipv4_addr; flags dynamic,timeout; timeout 1m30s; }',
      'chain INPUT {',
      'type filter hook input priority filter; policy drop;',
      '}',
      'chain FORWARD {',
      'type filter hook forward priority filter; policy accept;',
      'update @near { ip daddr & 255.255.255.0 }',
      'ip daddr & 255.255.255.0 @near drop',
      '}',
    ]);
  });

  it('says why a list cannot be translated: hit counts, TTLs, a list shared by two tables, a reap others would see', () => {
    const rules = `*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m recent --set --name seen\nCOMMIT\n${filter(
      '-A INPUT -m recent --rcheck --seconds 10 --name seen -j DROP',
      '-A INPUT -m recent --update --seconds 60 --hitcount 4 --name ssh -j DROP',
      '-A INPUT -m recent --rcheck --seconds 60 --rttl --name ssh -j DROP',
      '-A INPUT -m recent --rcheck --seconds 60 --reap --name other -j DROP',
      '-A INPUT -m recent --rcheck --name other -j DROP',
    )}`;
    expect(translate(rules).untranslated.map((u) => [u.line, u.reason])).toEqual([
      [3, '-m recent: list seen is shared by the raw and filter tables; an nft set belongs to one table'],
      [9, '-m recent: list seen is shared by the raw and filter tables; an nft set belongs to one table'],
      [10, `-m recent: --hitcount 4 counts each address's hits within 60 s from the times xt_recent keeps; an nft set element keeps one timeout, and a per-element "limit rate over" is a token bucket that fires at other moments: no exact nftables equivalent`],
      [11, "-m recent: --rttl compares the TTL of the address's latest hit; an nft set keyed by address . TTL would remember every TTL seen: no exact nftables equivalent"],
      [12, '-m recent: --reap forgets addresses idle for 60 s, which other rules of list other (without --seconds, or --remove) would still see; an nft set has one timeout'],
    ]);
  });

  it('keeps clear of a hashlimit meter of the same name in --compat', () => {
    const text = translate(filter('-A INPUT -m recent --set --name ssh', '-A INPUT -m hashlimit --hashlimit-upto 5/min --hashlimit-mode srcip --hashlimit-name ssh -j ACCEPT'), 'compat').text;
    expect(text).toContain('add set ip filter ssh_2 { type ipv4_addr; flags dynamic; }\nadd rule ip filter INPUT update @ssh_2 { ip saddr } counter\n');
    expect(text).toContain('meter ssh { ip saddr timeout 60s limit rate 5/minute }');
  });
});

describe('-j CT --helper', () => {
  const raw = (...rules: string[]) => `*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:helpers - [0:0]\n${rules.join('\n')}\nCOMMIT\n`;

  it('declares a ct helper object and runs the raw chains that reach it after conntrack', () => {
    expect(table(raw('-A PREROUTING -j helpers', '-A helpers -p tcp --dport 21 -j CT --helper ftp', '-A helpers -p udp --dport 5060 -j CT --helper sip'), 'raw')).toEqual([
      'ct helper ftp-tcp { type "ftp" protocol tcp; }',
      'ct helper sip-udp { type "sip" protocol udp; }',
      'chain PREROUTING {',
      '# PREROUTING runs at priority -199, after conntrack, not at raw (-300): ct helper set needs the connection, and nothing in the chain must come before conntrack',
      'type filter hook prerouting priority -199; policy accept;',
      'jump helpers',
      '}',
      'chain helpers {',
      'tcp dport 21 ct helper set "ftp-tcp"',
      'udp dport 5060 ct helper set "sip-udp"',
      '}',
    ]);
  });

  it('leaves the helper untranslated when a chain that reaches it must run before conntrack', () => {
    const t = translate(raw('-A PREROUTING -j helpers', '-A OUTPUT -j helpers', '-A OUTPUT -p tcp --dport 22 -j NOTRACK', '-A helpers -p tcp --dport 21 -j CT --helper ftp'));
    expect(t.untranslated.map((u) => [u.line, u.reason])).toEqual([
      [8, '-j CT: ct helper set needs the connection, which conntrack creates after the raw table; raw OUTPUT cannot run after conntrack instead: the rule at line 7 (-j NOTRACK) must come before it'],
    ]);
    // PREROUTING may still move (nothing in it can tell); OUTPUT stays at raw for its notrack.
    expect(t.text).toContain('\t\ttype filter hook output priority raw; policy accept;\n\t\tjump helpers\n\t\ttcp dport 22 notrack\n');
    expect(translate(raw('-A PREROUTING -p tcp --dport 25 -j DROP', '-A PREROUTING -p tcp --dport 21 -j CT --helper ftp')).untranslated[0].reason)
      .toBe('-j CT: ct helper set needs the connection, which conntrack creates after the raw table; raw PREROUTING cannot run after conntrack instead: the rule at line 5 (-j DROP) must come before it');
  });
});

describe('-j NETMAP', () => {
  const nat = (...rules: string[]) => `*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:both - [0:0]\n:out - [0:0]\n${rules.join('\n')}\nCOMMIT\n`;

  it('maps the source or the destination as the hooks that reach the chain decide', () => {
    const t = translate(nat('-A PREROUTING -j both', '-A POSTROUTING -j both', '-A POSTROUTING -o eth1 -j out', '-A both -d 10.1.0.0/24 -j NETMAP --to 10.2.0.0/24', '-A out -s 10.2.0.0/24 -j NETMAP --to 10.1.0.0/24'));
    expect(t.text).toContain('\tchain out {\n\t\tip saddr 10.2.0.0/24 snat prefix to 10.1.0.0/24\n\t}');
    expect(t.untranslated.map((u) => [u.line, u.reason])).toEqual([
      [11, "-j NETMAP: this chain runs in PREROUTING and POSTROUTING: NETMAP maps the destination in some and the source in others, nft's dnat and snat are fixed per rule"],
    ]);
  });
});

describe('-j TPROXY', () => {
  it('accepts what it gives a socket and drops the rest with a second rule, folded like any other', () => {
    const rules = '*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 80 -j TPROXY --on-port 3128 --tproxy-mark 0x1/0x1\n-A PREROUTING -p tcp --dport 443 -j TPROXY --on-port 3128 --tproxy-mark 0x1/0x1\nCOMMIT\n';
    expect(table(rules, 'mangle').slice(2, 4)).toEqual(['tcp dport { 80, 443 } tproxy to :3128 meta mark set meta mark or 0x1 accept', 'tcp dport { 80, 443 } drop']);
    const compat = translate(rules, 'compat');
    expect(compat.rules).toBe(4);
    expect(compat.differences.map((d) => [d.line, d.note])).toEqual([
      [3, 'iptables-translate 1.8.9 leaves -j TPROXY untranslated; TPROXY accepts the packet it gives a socket and drops it when there is none: accept, and a second rule that drops'],
      [3, 'the same matches again: drop what the statement above let through (-j TPROXY would have)'],
      [4, 'iptables-translate 1.8.9 leaves -j TPROXY untranslated; TPROXY accepts the packet it gives a socket and drops it when there is none: accept, and a second rule that drops'],
      [4, 'the same matches again: drop what the statement above let through (-j TPROXY would have)'],
    ]);
  });
});
