// nft variables (`define`, `redefine`, `undefine`, `$NAME`) and `include`, as nft 1.0.6 reads them. Every
// ruleset below that nfplay reads without an error, nft accepts; every one nfplay refuses, nft refuses too,
// with the message quoted beside it: the last block of this file runs `nft -c -f` on all of them (in a
// network namespace of its own, `unshare -n`) where nft can run, and skips otherwise. nfplay reports a
// variable at its `$` (nft's carets start one column later, at the name), and an error in a value where
// the rule uses it (nft points at the define).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseNft } from '../../src/nft/parse/ruleset';
import { compileNft, simulateNft } from '../../src/nft/sim/simulate';
import type { PacketSpec } from '../../src/engine/model/scenario';
import { HOST, steps, syn } from '../helpers/scenario';

/// Rulesets nft accepts, and those it refuses with what it says (a part of its stderr) or the signal it dies of.
const ACCEPTED: string[] = [];
const REFUSED: { text: string; says: string; signal?: string }[] = [];
const ok = (text: string) => (ACCEPTED.push(text), text);
const bad = (says: string, text: string, signal?: string) => (REFUSED.push({ text, says, signal }), text);

/// Each chain's rules as `line:column words` (quoted words in quotes), and the errors as `line:column message`.
function read(text: string) {
  const { ruleset, diagnostics } = parseNft(text);
  const chains: Record<string, string[]> = {};
  for (const t of ruleset.tables.values())
    for (const c of t.chains.values()) chains[`${t.name} ${c.name}`] = c.rules.map((r) => `${r.line}:${r.column} ${r.tokens.map((w) => (w.quoted ? `"${w.text}"` : w.text)).join(' ')}`);
  return { chains, errors: diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`), ruleset };
}

/// Parser and simulator errors together, as the playground shows them.
const errors = (text: string) => compileNft(text).diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);

/// A ruleset of one base chain `t c` (input, policy accept) after the given top lines, with the given rules.
const chain = (top: string, ...rules: string[]) => `${top}\ntable ip t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n${rules.map((r) => `\t\t${r}\n`).join('')}\t}\n}\n`;

const ISSUE = ok(`define WAN = eth0
define SSH_OK = { 10.0.0.0/8, 192.168.1.0/24 }
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iifname $WAN tcp dport 22 ip saddr $SSH_OK accept
	}
}
`);

const VALUES = ok(`define IF = "eth1"
define PORTS = { 22, 80 }
define SVC = 10.0.0.5 . 443
define HIGH = 1024-65535
define LAN = 10.0.0.0/24
define ADMINS = { 10.0.0.2, 10.0.0.3 }
define ALLOWED = { $ADMINS, 192.0.2.1 }
table inet t {
	set svc {
		type ipv4_addr . inet_service
		elements = { $SVC, 10.0.0.6 . 80 }
	}
	chain c {
		type filter hook input priority 0; policy drop;
		iifname $IF tcp dport $PORTS accept
		ip daddr . tcp dport { $SVC } accept
		tcp sport $HIGH ip saddr $LAN accept
		ip saddr $ALLOWED accept
		ip saddr { $ADMINS, $LAN } tcp dport { $PORTS, 443 } accept
	}
}
`);

const STATEMENTS = ok(`define WEB = 10.0.0.5
define WEB_PORT = 8080
define ADMIN = admin
define SSH = 22
define CLOSED = { 23, 25 }
define BLOCKED = @blocked
table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		tcp dport 80 dnat to $WEB:$WEB_PORT
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth0" snat to $WEB
	}
}
table ip filter {
	set blocked {
		type ipv4_addr
		elements = { 192.0.2.9 }
	}
	chain in {
		type filter hook input priority filter; policy drop;
		ip saddr $BLOCKED drop
		tcp dport $SSH jump $ADMIN
		tcp dport vmap { $SSH : accept, $CLOSED : drop }
	}
	chain admin {
		ip saddr 10.0.0.0/8 accept
	}
}
`);

const SCOPES = ok(`define P = 22
table ip a {
	define Q = 80
	chain c {
		type filter hook input priority 0; policy accept;
		define R = 443
		tcp dport { $P, $Q, $R } accept
	}
	chain d {
		redefine P = 23
		tcp dport $P accept
		tcp dport $Q accept
	}
	set s {
		type inet_service
		define S = 8080
		elements = { $S }
	}
	chain e {
		tcp dport $S accept
	}
}
table ip b {
	chain c {
		undefine P
		undefine NOTHING
		tcp dport $P accept
	}
}
`);

const REBIND = ok(chain('define A = 1\ndefine B = $A\nredefine A = 2\nundefine A\ndefine A = 3', 'meta mark $B', 'meta mark $A'));

const FORMS = ok(`define PRIO = 10
define POLICY = "drop"
define WHO = "ssh"
define PORT=22
define MASK = 0x10
define HI = 2000
table ip t {
	chain c {
		type filter hook input priority $PRIO; policy $POLICY;
		tcp dport $ PORT log prefix "$WHO $PORT/$MASK: " accept
		tcp dport 23 log prefix "cost: 5" accept comment "$PORT stays"
		tcp sport 1000-$HI tcp dport !=$PORT accept
	}
}
`);

const COMMANDS = ok(`define P = 22
add table ip t
add chain ip t c { type filter hook input priority 0; policy drop; define Q = 80; tcp dport $Q accept; }
add set ip t s { type inet_service; }
add element ip t s { $P }
add rule ip t c tcp dport @s accept
insert rule ip t c tcp dport $P drop
`);

describe('variables: values', () => {
  it('reads the issue\'s ruleset: a word and a set, where the rule uses them', () => {
    const { chains, errors: errs, ruleset } = read(ISSUE);
    expect(errs).toEqual([]);
    expect(chains).toEqual({ 'filter input': ['6:3 iifname eth0 tcp dport 22 ip saddr { 10.0.0.0/8, 192.168.1.0/24 } accept'] });
    // Each word the value gives stands at the `$` of its variable in the rule.
    const rule = ruleset.tables.get('inet filter')!.chains.get('input')!.rules[0];
    expect(rule.tokens.map((t) => `${t.text}@${t.line}:${t.column}`)).toEqual([
      'iifname@6:3', 'eth0@6:11', 'tcp@6:16', 'dport@6:20', '22@6:26', 'ip@6:29', 'saddr@6:32',
      '{@6:38', '10.0.0.0/8,@6:38', '192.168.1.0/24@6:38', '}@6:38', 'accept@6:46',
    ]);
  });

  it('takes quoted strings, sets, concatenations, ranges, prefixes and sets made of variables', () => {
    const { chains, errors: errs, ruleset } = read(VALUES);
    expect(errs).toEqual([]);
    expect(ruleset.tables.get('inet t')!.objects.get('set svc')).toEqual(['{', 'type', 'ipv4_addr', '.', 'inet_service', 'elements', '=', '{', '10.0.0.5', '.', '443', ',', '10.0.0.6', '.', '80', '}', '}']);
    expect(chains).toEqual({
      't c': [
        '15:3 iifname "eth1" tcp dport { 22, 80 } accept',
        '16:3 ip daddr . tcp dport { 10.0.0.5 . 443 } accept',
        '17:3 tcp sport 1024-65535 ip saddr 10.0.0.0/24 accept',
        // A set among a set's elements gives its elements.
        '18:3 ip saddr { 10.0.0.2, 10.0.0.3 , 192.0.2.1 } accept',
        '19:3 ip saddr { 10.0.0.2, 10.0.0.3 , 10.0.0.0/24 } tcp dport { 22, 80 , 443 } accept',
      ],
    });
  });

  it('replaces NAT addresses and ports, a set reference, a jump\'s chain, and verdict map keys (a set key maps each element)', () => {
    const { chains, errors: errs } = read(STATEMENTS);
    expect(errs).toEqual([]);
    expect(chains).toEqual({
      'nat pre': ['10:3 tcp dport 80 dnat to 10.0.0.5:8080'],
      'nat post': ['14:3 oifname "eth0" snat to 10.0.0.5'],
      'filter in': ['24:3 ip saddr @blocked drop', '25:3 tcp dport 22 jump admin', '26:3 tcp dport vmap { 22 : accept, 23 : drop , 25 : drop }'],
      'filter admin': ['29:3 ip saddr 10.0.0.0/8 accept'],
    });
  });

  it('follows nft\'s scopes: the file, table and chain blocks; a set block defines in its table', () => {
    const { chains, errors: errs } = read(SCOPES);
    expect(errs).toEqual([]);
    expect(chains).toEqual({
      'a c': ['7:3 tcp dport { 22, 80, 443 } accept'],
      // redefine binds in the chain's scope; the file's P is untouched for table b, and undefine there
      // forgets only the chain's own (none), silently.
      'a d': ['11:3 tcp dport 23 accept', '12:3 tcp dport 80 accept'],
      'a e': ['20:3 tcp dport 8080 accept'],
      'b c': ['27:3 tcp dport 22 accept'],
    });
  });

  it('reads a value where it is defined: a later redefine or undefine does not change what used it', () => {
    const { chains, errors: errs } = read(REBIND);
    expect(errs).toEqual([]);
    expect(chains).toEqual({ 't c': ['9:3 meta mark 1', '10:3 meta mark 3'] });
  });

  it('replaces a chain\'s priority and policy, `$ NAME`, `NAME=VALUE`, and variables in a log prefix only', () => {
    const { chains, errors: errs, ruleset } = read(FORMS);
    expect(errs).toEqual([]);
    expect(ruleset.tables.get('ip t')!.chains.get('c')!.base).toEqual({ type: 'filter', hook: 'input', priority: '10', policy: 'drop' });
    expect(chains).toEqual({
      't c': [
        '10:3 tcp dport 22 log prefix "ssh 22/16: " accept',
        '11:3 tcp dport 23 log prefix "cost: 5" accept comment "$PORT stays"',
        // A value joins a word across "-" (a range), not an operator.
        '12:3 tcp sport 1000-2000 tcp dport != 22 accept',
      ],
    });
  });

  it('replaces variables in commands: add chain blocks are scopes, add element takes elements', () => {
    const { chains, errors: errs } = read(COMMANDS);
    expect(errs).toEqual([]);
    expect(chains).toEqual({ 't c': ['7:20 tcp dport 22 drop', '3:83 tcp dport 80 accept', '6:17 tcp dport @s accept'] });
  });

  it('starts afresh for each nft command of a shell script', () => {
    const script = `#!/bin/sh
nft add table ip t
nft 'add chain ip t c { type filter hook input priority 0; }'
nft 'define P = 22; add rule ip t c tcp dport $P accept'
nft 'add rule ip t c tcp dport $P drop'
`;
    // As dash ran it with nft 1.0.6 in a throwaway namespace: the last command says
    // "Error: unknown identifier 'P'" and the chain keeps one rule.
    const { chains, errors: errs } = read(script);
    expect(chains).toEqual({ 't c': ['4:37 tcp dport 22 accept'] });
    expect(errs).toEqual(["5:32 unknown identifier 'P'"]);
  });
});

describe('variables: errors', () => {
  const cases: [string, string, string[]][] = [
    ['an unknown name', bad("6:12-14: Error: unknown identifier 'WAN'", chain('', 'tcp dport 22 accept', 'iifname $WAN accept')), ["6:11 unknown identifier 'WAN'"]],
    // nft's suggestion is the nearest known name by its own distance (which here agrees).
    ['a misspelt name', bad("5:12-14: Error: unknown identifier 'WAM'; did you mean identifier ‘WAN’?", chain('define WAN = eth0', 'iifname $WAM accept')), ["5:11 unknown identifier 'WAM'; did you mean identifier 'WAN'?"]],
    ['a name used before its define', bad("5:14-14: Error: unknown identifier 'B'", 'table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tmeta mark 1\n\t\tmeta mark $B\n\t}\n}\ndefine B = 1\n'), ["5:13 unknown identifier 'B'"]],
    ['a define of itself', bad("1:13-13: Error: unknown identifier 'A'", chain('define A = $A', 'meta mark 1')), ["1:12 unknown identifier 'A'"]],
    ['a define of a defined name', bad("2:8-8: Error: redefinition of symbol 'A'", chain('define A = 1\ndefine A = 2', 'meta mark $A')), ["2:8 redefinition of symbol 'A'"]],
    ['an add chain block\'s define, after the block', bad("3:28-28: Error: unknown identifier 'Q'", 'add table ip t\nadd chain ip t c { type filter hook input priority 0; define Q = 80; }\nadd rule ip t c tcp dport $Q accept\n'), ["3:27 unknown identifier 'Q'"]],
    ['a table\'s define of a name the file defines', bad("3:9-9: Error: redefinition of symbol 'P'", 'define P = 22\ntable ip t {\n\tdefine P = 23\n}\n'), ["3:9 redefinition of symbol 'P'"]],
    ['a verdict as a value', bad('1:12-17: Error: syntax error, unexpected accept', chain('define V = accept', 'meta mark 1')), ['1:12 syntax error, unexpected accept: a variable holds a value, not a verdict']],
    ['no value', bad('1:11-11: Error: syntax error, unexpected newline', chain('define Z =', 'meta mark 1')), ['1:11 syntax error, unexpected newline: define Z needs a value']],
    ['no "="', bad("1:10-10: Error: syntax error, unexpected number, expecting '='", chain('define Z 1', 'meta mark 1')), ['1:10 syntax error, unexpected "1", expecting "="']],
    ['a name nft cannot read', bad('1:8-8: Error: syntax error, unexpected number, expecting string', chain('define 1A = 2', 'meta mark 1')), ['1:8 syntax error, unexpected "1A", expecting a variable\'s name']],
    ['no name after $', bad('5:14-14: Error: syntax error, unexpected number, expecting string', chain('', 'tcp dport $5 accept')), ['5:13 syntax error, unexpected "5" after "$": a variable\'s name must follow it']],
    // nft's identifier takes dots, slashes and dashes: nft wants spaces around . and -. (nft's distance,
    // a variant of its own, suggests P for "A.".)
    ['$A.$B', bad("6:27-28: Error: unknown identifier 'A.'; did you mean identifier ‘P’?", chain('define A = 10.0.0.1\ndefine P = 22', 'ip saddr . tcp dport { $A.$P } accept')), ["6:26 unknown identifier 'A.'; did you mean identifier 'A'?"]],
    ['$LO-$HI', bad("6:14-16: Error: unknown identifier 'LO-'; did you mean identifier ‘LO’?", chain('define LO = 1000\ndefine HI = 2000', 'tcp dport $LO-$HI accept')), ["6:13 unknown identifier 'LO-'; did you mean identifier 'LO'?"]],
    ['a variable stuck to a name', bad('6:18-23: Error: syntax error, unexpected accept', chain('define A = 1\ndefine B = 2', 'meta mark $A$B accept')), ['6:15 syntax error, unexpected \'$\' right after "$A": a variable starts a value of its own']],
    ['a variable stuck to a prefix\'s slash', bad('5:24-29: Error: syntax error, unexpected accept, expecting comma', chain('define L = 8', 'ip saddr 10.0.0.0/$L accept')), ['5:21 syntax error, unexpected \'$\' right after "10.0.0.0/": a variable starts a value of its own']],
    ['a log prefix\'s $ without a name', bad("5:14-23: Error: unknown identifier ''", chain('', 'log prefix "cost $ 5" accept')), ["5:14 unknown identifier ''"]],
    ['a comment', bad("5:18-18: Error: syntax error, unexpected '$', expecting string or quoted string", chain('define C = "hi"', 'accept comment $C')), [`5:18 syntax error, unexpected '$', expecting string or quoted string: a comment cannot be a variable`]],
    ['a log prefix outside quotes', bad("5:14-14: Error: syntax error, unexpected '$', expecting string or quoted string", chain('define P = ssh', 'log prefix $P accept')), [`5:14 syntax error, unexpected '$', expecting string or quoted string: a log prefix takes variables inside its quotes only ("$NAME")`]],
    ['a verdict map\'s verdict', bad("5:25-25: Error: syntax error, unexpected '$'", chain('define V = 22', 'tcp dport vmap { 22 : $V }')), ["5:25 syntax error, unexpected '$': a verdict map's verdicts cannot be variables"]],
    ['a set\'s name after @', bad("5:13-13: Error: syntax error, unexpected '$', expecting string", 'define S = s\ntable ip t {\n\tset s { type ipv4_addr; }\n\tchain c {\n\t\tip saddr @$S accept\n\t}\n}\n'), ["5:13 syntax error, unexpected '$', expecting string: a set's name after @ cannot be a variable (a variable may hold @NAME)"]],
    ['a table\'s name', bad("2:10-10: Error: syntax error, unexpected '$', expecting string", 'define T = t\ntable ip $T {\n}\n'), ["2:10 syntax error, unexpected '$', expecting string: a table name cannot be a variable"]],
    // Like nft, nfplay trips on the table's "}" after giving up on the block.
    ['a chain\'s name', bad("3:8-8: Error: syntax error, unexpected '$', expecting string", 'define C = c\ntable ip t {\n\tchain $C {\n\t}\n}\n'), ["3:8 syntax error, unexpected '$', expecting string: a chain name cannot be a variable", '5:1 command expected']],
    ['a value nft refuses, where the rule uses it', bad('1:12-16: Error: Service out of range', chain('define P = 99999', 'tcp dport $P accept')), ['5:13 "99999" is not a port or service name']],
  ];
  for (const [what, text, expected] of cases)
    it(what, () => {
      expect(errors(text)).toEqual(expected);
    });

  const map = bad('BUG: invalid mapping expression variable', chain('define M = { 22 : accept, 80 : drop }', 'tcp dport vmap $M'), 'SIGABRT');
  const jump = bad('BUG: chain length is 0', chain('define C = other', 'tcp dport vmap { 22 : jump $C }').replace('\t}\n}\n', '\t}\n\tchain other {\n\t}\n}\n'), 'SIGABRT');
  const prefix = bad('', chain('define N = 10.0.0.0/8', 'log prefix "from $N: " accept'), 'SIGSEGV');
  it('says where nft 1.0.6 crashes: a map in a variable, a variable chain in a verdict map, a prefix in a log prefix', () => {
    expect([map, jump, prefix].map(errors)).toEqual([
      ['5:18 nft 1.0.6 aborts on a vmap held in a variable (BUG: invalid mapping expression variable): write the vmap in its place'],
      ["5:30 nft 1.0.6 aborts on a variable chain inside a verdict map (BUG: chain length is 0): write the chain's name"],
      ['5:14 nft 1.0.6 cannot put $N in a log prefix: it holds 10.0.0.0/8, not a word or a string (nft crashes or logs garbage)'],
    ]);
  });

  const failing = bad("6:14-14: Error: unknown identifier 'X'", chain('define P = 22', 'tcp dport $P accept', 'tcp dport $X accept', 'meta mark $Y', 'tcp dport 80 accept'));
  it('leaves out a rule a variable fails in (as nft does before refusing the file), and goes on with the block', () => {
    const { chains, errors: errs } = read(failing);
    expect(errs).toEqual(["6:13 unknown identifier 'X'", "7:13 unknown identifier 'Y'"]);
    expect(chains).toEqual({ 't c': ['5:3 tcp dport 22 accept', '8:3 tcp dport 80 accept'] });
  });

  const element = bad("3:40-40: Error: unknown identifier 'X'", 'table ip t {\n\tset s {\n\t\ttype inet_service; elements = { 22, $X, 80 }\n\t}\n}\n');
  it('keeps a set whose element names an unknown variable, without that element', () => {
    const { errors: errs, ruleset } = read(element);
    expect(errs).toEqual(["3:39 unknown identifier 'X'"]);
    expect(ruleset.tables.get('ip t')!.objects.get('set s')).toEqual(['{', 'type', 'inet_service', ';', 'elements', '=', '{', '22,', '80', '}', '}']);
  });

  const include = bad('1:1-25: Error: File not found: /etc/nft/x.nft', 'include "/etc/nft/x.nft"\ntable ip t {\n\tinclude "/etc/nft/y.nft"\n\tchain c {\n\t\tinclude "/etc/nft/z.nft"\n\t\ttcp dport 22 accept\n\t}\n}\n');
  it('refuses include: nfplay has no files', () => {
    const { chains, errors: errs } = read(include);
    const why = 'nfplay cannot read included files: paste their contents in place of the include';
    expect(errs).toEqual([`1:1 ${why}`, `3:2 ${why}`, `5:3 ${why}`]);
    expect(chains).toEqual({ 't c': ['6:3 tcp dport 22 accept'] });
  });
});

describe('variables: simulation', () => {
  const packets: PacketSpec[] = [
    syn(22, { src: '10.1.2.3' }),
    syn(22, { src: '192.168.1.9' }),
    syn(22),
    syn(22, { from: 'eth1', src: '10.0.0.5', dst: '10.0.0.1' }),
    syn(80, { src: '10.1.2.3' }),
    syn(443, { src: '192.0.2.1' }),
    syn(25, { src: '192.0.2.1' }),
  ];
  const WITH = ok(`define WAN = eth0
define SSH_OK = { 10.0.0.0/8, 192.168.1.0/24 }
define WEB = { 80, 443 }
define MAIL = { 25, 587 }
define TRUSTED = { $SSH_OK, 192.0.2.1 }
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iifname $WAN tcp dport 22 ip saddr $SSH_OK accept
		ip saddr $TRUSTED tcp dport vmap { $WEB : accept, $MAIL : jump mail }
	}
	chain mail {
		tcp dport 25 log prefix "mail from $WAN: " accept
	}
}
`);
  const WRITTEN = `table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iifname eth0 tcp dport 22 ip saddr { 10.0.0.0/8, 192.168.1.0/24 } accept
		ip saddr { 10.0.0.0/8, 192.168.1.0/24, 192.0.2.1 } tcp dport vmap { 80 : accept, 443 : accept, 25 : jump mail, 587 : jump mail }
	}
	chain mail {
		tcp dport 25 log prefix "mail from eth0: " accept
	}
}
`;

  it('decides every packet as the same file with the values written in', () => {
    const sim = (nft: string) => simulateNft({ version: 1, host: HOST, rules: '', nft, packets });
    const [a, b] = [sim(WITH), sim(WRITTEN)];
    expect([a.diagnostics, b.diagnostics]).toEqual([[], []]);
    const fates = (o: typeof a) => o.packets.map((p) => [p.fate, ...steps(p)]);
    expect(fates(a)).toEqual([
      ['delivered', 'filter input 1 ACCEPT'],
      ['delivered', 'filter input 1 ACCEPT'],
      ['dropped', 'filter input - policy:DROP'],
      ['dropped', 'filter input - policy:DROP'],
      ['delivered', 'filter input 2 ACCEPT'],
      ['delivered', 'filter input 2 ACCEPT'],
      ['delivered', 'filter input 2 JUMP:mail', 'filter mail 1 ACCEPT'],
    ]);
    expect(fates(a)).toEqual(fates(b));
    expect(a.packets[6].trace[1].log).toBe(b.packets[6].trace[1].log);
    expect(a.packets[6].trace[1].log).toMatch(/^mail from eth0: IN=eth0 /);
  });

  it('NATs, jumps and looks sets up as the same file with the values written in', () => {
    const written = STATEMENTS.replace(/^define .*\n/gm, '').replace('$WEB:$WEB_PORT', '10.0.0.5:8080').replace('$WEB', '10.0.0.5').replace('$BLOCKED', '@blocked')
      .replace('$SSH jump $ADMIN', '22 jump admin').replace('{ $SSH : accept, $CLOSED : drop }', '{ 22 : accept, 23 : drop, 25 : drop }');
    expect(written).not.toContain('$');
    const nat: PacketSpec[] = [
      syn(80),
      syn(22, { src: '10.1.1.1' }),
      syn(22, { src: '192.0.2.9' }),
      syn(22),
      syn(25),
      { from: 'eth1', src: '10.0.0.7', dst: '198.51.100.7', proto: 'udp', sport: 5000, dport: 53 },
    ];
    const sim = (nft: string) => simulateNft({ version: 1, host: HOST, rules: '', nft, packets: nat });
    const [a, b] = [sim(STATEMENTS), sim(written)];
    expect([a.diagnostics, b.diagnostics]).toEqual([[], []]);
    const fates = (o: typeof a) => o.packets.map((p) => [p.fate, p.final, ...steps(p)]);
    expect(fates(a)).toEqual([
      // Forwarded out of eth1: the snat rule (oifname "eth0") is not for it.
      ['forwarded', { src: '198.51.100.7', dst: '10.0.0.5', sport: 40000, dport: 8080 }, 'nat pre 1 DNAT', 'nat post - policy:ACCEPT'],
      ['delivered', null, 'nat pre - policy:ACCEPT', 'filter in 2 JUMP:admin', 'filter admin 1 ACCEPT'],
      ['dropped', null, 'nat pre - policy:ACCEPT', 'filter in 1 DROP'],
      ['delivered', null, 'nat pre - policy:ACCEPT', 'filter in 2 JUMP:admin', 'filter admin - return', 'filter in 3 ACCEPT'],
      ['dropped', null, 'nat pre - policy:ACCEPT', 'filter in 3 DROP'],
      ['forwarded', { src: '10.0.0.5', dst: '198.51.100.7', sport: 5000, dport: 53 }, 'nat pre - policy:ACCEPT', 'nat post 1 SNAT'],
    ]);
    expect(fates(a)).toEqual(fates(b));
  });

  it('points the explanation of a skipped rule at the rule\'s own line, where the variable is written', () => {
    const out = simulateNft({ version: 1, host: HOST, rules: '', nft: ISSUE, packets: [syn(22)] }, { explain: true });
    expect(out.packets[0].trace[0].skipped?.map((s) => [s.rule, s.span?.line, s.span?.column])).toEqual([[1, 6, 29]]);
  });
});

// nft's own word on every ruleset above, where it can run: as root, with unshare and nft 1.0.6 (whose
// crashes the tests above name).
const nftVersion = spawnSync('unshare', ['-n', 'nft', '--version'], { encoding: 'utf8' });
const hasNft = nftVersion.status === 0 && /^nftables v1\.0\.6\b/.test(nftVersion.stdout);
const check = (text: string) => spawnSync('unshare', ['-n', 'nft', '-c', '-f', '/dev/stdin'], { input: text, encoding: 'utf8' });

describe.skipIf(!hasNft)('nft -c -f on the same rulesets', () => {
  it('accepts every ruleset nfplay reads without an error', () => {
    for (const text of ACCEPTED) {
      expect(errors(text)).toEqual([]);
      const r = check(text);
      expect([r.status, r.stderr]).toEqual([0, '']);
    }
  });

  it('refuses every ruleset nfplay reports an error in, saying what the test quotes', () => {
    for (const { text, says, signal } of REFUSED) {
      expect(errors(text)).not.toEqual([]);
      const r = check(text);
      expect(r.status === 0).toBe(false);
      expect(r.signal).toBe(signal ?? null);
      expect(r.stderr).toContain(says);
    }
  });
});
