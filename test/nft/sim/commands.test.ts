// Command lists as `nft -f` runs them: the handles the kernel gives, `index`, `position`/`handle`,
// `replace rule`, `delete rule`, and nft's errors with their line and column. The expected handles and
// errors are what `nft -a list ruleset` and `nft -f` printed (nft 1.0.6, Linux 6.18, in a throwaway
// network namespace); the kernel-recorded cases test/kernel/cases/nft-sim-facts/{delete-rule-handle-counts-sets,
// index-counts-deleted-rule,replace-rule-keeps-handle} show the same on packets.
import { describe, expect, it } from 'vitest';
import { parseNft } from '../../../src/nft/parse/ruleset';
import { runNft, syn } from './helpers';

/// Each chain's rules as `words #handle`.
function handles(text: string): Record<string, string[]> {
  const { ruleset, diagnostics } = parseNft(text);
  if (diagnostics.length) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  const out: Record<string, string[]> = {};
  for (const t of ruleset.tables.values()) for (const c of t.chains.values()) out[`${t.name} ${c.name}`] = c.rules.map((r) => `${r.words.join(' ')} #${r.handle}`);
  return out;
}

const errors = (text: string) => parseNft(text).diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);
const NO_RULE = 'Could not process rule: No such file or directory';
const NO_HANDLE = `${NO_RULE} (nft 1.0.6 looks the handle up in its cache, which knows no handle of a rule this file adds)`;
const THREE = 'table ip t {\n\tchain c { udp dport 1 accept; udp dport 2 accept; udp dport 3 accept; }\n\tchain d { udp dport 9 accept; }\n}\n';

describe('handles, numbered per table as the kernel gives them', () => {
  it('counts chains, then objects, then sets, then rules with their anonymous sets', () => {
    expect(handles(`table ip t {
	set s2 { type ipv4_addr; elements = { 1.1.1.1 } }
	counter cnt { }
	chain c { tcp dport { 22, 80 } accept; }
	quota q { 100 bytes }
}
table ip u {
	chain x { accept; }
}
table ip t {
	chain c2 { accept; }
	set s3 { type ipv4_addr; }
}
add rule ip t c index 0 udp dport 3 accept
insert rule ip t c index 0 udp dport 4 accept
`)).toEqual({
      // nft -a: chain c 1, counter 2, quota 3, s2 4, the { 22, 80 } set 5; c2 7, s3 8.
      't c': ['udp dport 4 accept #11', 'tcp dport { 22, 80 } accept #6', 'udp dport 3 accept #10'],
      't c2': ['accept #9'],
      'u x': ['accept #2'],
    });
  });

  it('gives an anonymous set or map a handle, but not a one-element set nft turns into a comparison', () => {
    expect(handles(`table ip t {
	set s { type ipv4_addr; flags dynamic; }
	chain c {
		ip saddr . tcp dport { 10.0.0.1 . 22 } accept
		tcp dport != { 22 } accept
		tcp dport { 22, 22 } accept
		ct state { established } accept
		ip saddr { 1.1.1.1, 2.2.2.2 } tcp dport { 1, 2 } accept
		update @s { ip saddr } accept
		meta mark set tcp dport map { 22 : 1, 23 : 2 }
		tcp dport vmap { 22 : accept }
		meter m { ip saddr limit rate 10/second } accept
		tcp dport { 1000-2000 } ip saddr { 10.0.0.0/8 } accept
	}
}
add chain ip t c
add chain ip t e
add set ip t s9 { type ipv4_addr; }
add rule ip t e accept
flush chain ip t e
add rule ip t e drop
`)).toEqual({
      't c': [
        'ip saddr . tcp dport { 10.0.0.1 . 22 } accept #4', 'tcp dport != { 22 } accept #5', 'tcp dport { 22, 22 } accept #7',
        'ct state { established } accept #8', 'ip saddr { 1.1.1.1, 2.2.2.2 } tcp dport { 1, 2 } accept #11', 'update @s { ip saddr } accept #12',
        'meta mark set tcp dport map { 22 : 1, 23 : 2 } #14', 'tcp dport vmap { 22 : accept } #16', 'meter m { ip saddr limit rate 10/second } accept #18',
        'tcp dport { 1000-2000 } ip saddr { 10.0.0.0/8 } accept #19',
      ],
      // chain e 20, set s9 21, the flushed accept 22.
      't e': ['drop #23'],
    });
  });
});

describe('places and handles in rule commands', () => {
  it('puts index N after (add) or before (insert) the N-th rule of nft\'s cache, which keeps deleted rules', () => {
    expect(handles(`${THREE}delete rule ip t c handle 4\nadd rule ip t c index 1 udp dport 10 accept\n`)['t c'])
      .toEqual(['udp dport 1 accept #3', 'udp dport 10 accept #7', 'udp dport 3 accept #5']);
    expect(handles(`${THREE}flush chain ip t c\nadd rule ip t c udp dport 4 accept\nadd rule ip t c index 1 udp dport 5 accept\n`)['t c'])
      .toEqual(['udp dport 5 accept #8', 'udp dport 4 accept #7']);
    expect(handles(`${THREE}insert rule ip t c udp dport 7 accept\ninsert rule ip t c index 3 udp dport 8 accept\n`)['t c'])
      .toEqual(['udp dport 7 accept #7', 'udp dport 1 accept #3', 'udp dport 2 accept #4', 'udp dport 8 accept #8', 'udp dport 3 accept #5']);
    // A chain's second block adds to the cache too.
    expect(handles(`${THREE}table ip t {\n\tchain c { udp dport 5 accept; }\n}\nadd rule ip t c index 3 udp dport 4 accept\n`)['t c'])
      .toEqual(['udp dport 1 accept #3', 'udp dport 2 accept #4', 'udp dport 3 accept #5', 'udp dport 5 accept #7', 'udp dport 4 accept #8']);
  });

  it('replaces a rule in place, keeping its handle, and deletes rules made earlier in the same file', () => {
    expect(handles('table ip t {\n\tchain c { udp dport 1 accept; udp dport 2 accept; }\n}\nreplace rule ip t c handle 2 tcp dport { 5, 6 } accept\ndelete rule ip t c handle 3\nadd rule ip t c udp dport 9 accept\n'))
      .toEqual({ 't c': ['tcp dport { 5, 6 } accept #2', 'udp dport 9 accept #5'] });
  });

  it('refuses handle and position references where nft 1.0.6 keeps its own cache, which knows no handle of the file\'s rules', () => {
    // nft -f: "v7.nft:5:28-28: Error: Could not process rule: No such file or directory" under the number for
    // `handle`, under `position 4` for position. A place after the last replace makes nft keep that cache.
    expect(errors(`${THREE}replace rule ip t c handle 4 udp dport 14 accept
add rule ip t c handle 3 udp dport 10 accept
insert rule ip t c handle 3 udp dport 11 accept
add rule ip t c position 4 udp dport 12 accept
insert rule t c position 5 udp dport 13 accept
`)).toEqual([`5:28 ${NO_HANDLE}`, `6:24 ${NO_HANDLE}`, `7:27 ${NO_HANDLE}`, `8:17 ${NO_HANDLE}`, `9:17 ${NO_HANDLE}`]);
  });

  it('follows position and handle in the kernel, and skips index, when a replace comes after the last place', () => {
    // The same commands, the replace last: nft sends them as they are, and the kernel finds this file's rules.
    expect(handles(`${THREE}add rule ip t c handle 3 udp dport 10 accept
insert rule ip t c handle 3 udp dport 11 accept
add rule ip t c position 4 udp dport 12 accept
insert rule t c position 5 udp dport 13 accept
replace rule ip t c handle 4 udp dport 14 accept
`)['t c']).toEqual(['udp dport 11 accept #8', 'udp dport 1 accept #3', 'udp dport 10 accept #7', 'udp dport 14 accept #4', 'udp dport 12 accept #9', 'udp dport 13 accept #10', 'udp dport 3 accept #5']);
    // index is not translated without the cache: add appends, insert prepends.
    expect(handles(`${THREE}add rule ip t c index 1 udp dport 10 accept\ninsert rule ip t c index 1 udp dport 11 accept\nreplace rule ip t c handle 3 udp dport 12 accept\n`)['t c'])
      .toEqual(['udp dport 11 accept #8', 'udp dport 12 accept #3', 'udp dport 2 accept #4', 'udp dport 3 accept #5', 'udp dport 10 accept #7']);
    // A deleted rule still has its place for the kernel.
    expect(handles(`${THREE}delete rule ip t c handle 4\nadd rule ip t c position 4 udp dport 10 accept\ninsert rule ip t c handle 4 udp dport 11 accept\nreplace rule ip t c handle 3 udp dport 12 accept\n`)['t c'])
      .toEqual(['udp dport 12 accept #3', 'udp dport 11 accept #8', 'udp dport 10 accept #7', 'udp dport 3 accept #5']);
    // Handle 6 is chain d's: the kernel refuses the whole command.
    expect(errors(`${THREE}add rule ip t c position 6 udp dport 10 accept\nreplace rule ip t c handle 3 udp dport 12 accept\n`)).toEqual([`5:1 ${NO_RULE}`]);
  });

  it('reports a handle or index that is not there where nft does', () => {
    expect(errors(`${THREE}delete rule ip t c handle 9\n`)).toEqual([`5:27 ${NO_RULE}`]);
    // Handle 6 is chain d's rule.
    expect(errors(`${THREE}delete rule ip t c handle 6\n`)).toEqual([`5:27 ${NO_RULE}`]);
    // Deleted twice: the kernel refuses the second command as a whole.
    expect(errors(`${THREE}delete rule ip t c handle 4\ndelete rule ip t c handle 4\n`)).toEqual([`6:1 ${NO_RULE}`]);
    expect(errors(`${THREE}replace rule ip t c handle 7 udp dport 20 accept\n`)).toEqual([`5:28 ${NO_RULE}`]);
    expect(errors(`${THREE}add rule ip t c index 3 udp dport 10 accept\n`)).toEqual([`5:17 ${NO_RULE}`]);
    // nft: "syntax error, unexpected position, expecting handle", at the same place.
    expect(errors(`${THREE}replace rule ip t c position 3 udp dport 20 accept\ndelete rule ip t c\n`)).toEqual(['5:21 "handle" expected', '6:19 "handle" expected']);
  });
});

describe('the order a command list makes, on packets', () => {
  it('runs the rules where index, insert and delete put them', () => {
    const out = runNft(`table ip filter {
	chain input {
		type filter hook input priority filter; policy drop;
		tcp dport 22 accept
		udp dport 53 accept
		tcp dport 80 drop
	}
}
delete rule ip filter input handle 3
add rule ip filter input index 1 tcp dport 80 accept
insert rule ip filter input index 0 tcp dport 22 drop
`, [syn(80), syn(22), { from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'udp', sport: 5353, dport: 53 }]);
    // As the kernel (nft-sim-facts/index-counts-deleted-rule): 80 accepted by the new rule 3, 22 dropped by rule 1.
    expect(out.packets.map((p) => [p.fate, p.trace.map((s) => `${s.rule ?? '-'} ${s.verdict}`).join(', ')])).toEqual([
      ['delivered', '3 ACCEPT'], ['dropped', '1 DROP'], ['dropped', '- policy:DROP'],
    ]);
  });
});

describe('the tokenizer', () => {
  it('reads a non-breaking or other Unicode space as a space (it used to hang)', () => {
    const { ruleset, diagnostics } = parseNft('table ip t {\n\tchain c {\n\t\ttcp\u00a0dport 22\u2003accept\n\t}\n}\n');
    expect(diagnostics).toEqual([]);
    expect(ruleset.tables.get('ip t')!.chains.get('c')!.rules.map((r) => r.words)).toEqual([['tcp', 'dport', '22', 'accept']]);
  });
});
