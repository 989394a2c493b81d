// Bad input gets the error iptables gives, at the line and column of the offending word.
import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../src/engine/parse/index';

const errors = (text: string) => parseRuleset(text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.message}`);
const dump = (body: string) => `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${body}COMMIT\n`;

describe('parse errors', () => {
  it('names an unknown option', () => {
    expect(errors(dump('-A INPUT -p tcp --dprot 22 -j ACCEPT\n'))).toEqual(['5:17 unknown option "--dprot"']);
  });
  it('names a missing argument', () => {
    expect(errors('iptables -A INPUT -p tcp --dport\n')).toEqual(['1:26 option "--dport" requires an argument']);
  });
  it('names a bad address, and asks for an address instead of a host name', () => {
    expect(errors('iptables -A INPUT -s 10.0.0.300 -j DROP\n')).toEqual(["1:22 Bad argument `10.0.0.300'"]);
    expect(errors('iptables -A INPUT -s 10.0.0.0/33 -j DROP\n')).toEqual(["1:22 Bad argument `10.0.0.0/33'"]);
    expect(errors('iptables -A INPUT -d db.internal -j DROP\n')).toEqual(["1:22 host/network `db.internal' not found: nfplay cannot resolve host names, write the address instead"]);
  });
  it('names an unknown chain, for a rule and for a jump', () => {
    expect(errors('iptables -A NOPE -j ACCEPT\n')).toEqual(["1:13 Chain 'NOPE' does not exist"]);
    expect(errors('iptables -A INPUT -j NOPE\n')).toEqual(["1:19 Chain 'NOPE' does not exist (no chain or target of that name)"]);
  });
  it('finds a jump loop', () => {
    expect(errors('iptables -N A\niptables -N B\niptables -A A -j B\niptables -A B -j A\n')).toEqual(['4:15 jump loop: A -> B -> A (the kernel refuses it: Too many links)']);
  });
  it('refuses to delete a built-in chain, or a chain still in use', () => {
    expect(errors('iptables -X INPUT\n')).toEqual(["1:13 Can't delete built-in chain INPUT"]);
    expect(errors('iptables -N A\niptables -A INPUT -j A\niptables -X A\n')).toEqual(['3:13 Chain A is still referenced by other rules']);
  });
  it('takes "!" only before an option, as iptables 1.8 does', () => {
    expect(errors('iptables -A INPUT -s ! 10.0.0.0/8 -j DROP\n')).toEqual(['1:22 Bad argument `10.0.0.0/8\': iptables 1.8 takes "!" before the option only: write "! -s 10.0.0.0/8"']);
  });
  it('reports a table section with no COMMIT, and keeps going after a bad line', () => {
    expect(errors('*filter\n-A INPUT -p tcp --dport x -j ACCEPT\n-A INPUT -j DROP\n')).toEqual([
      "1:1 COMMIT expected at line 3: the *filter section is never committed, so iptables-restore loads none of it",
      "2:25 invalid port/service `x' specified",
    ]);
  });
  it('names a dump line that holds only counters', () => {
    expect(errors(dump('[1:2]\n'))).toEqual(['5:1 no command specified (-A, -I, -D, -N, -P ...)']);
  });
  it('checks a target against its table and chain', () => {
    expect(errors(dump('-A INPUT -j DNAT --to-destination 10.0.0.1\n'))).toEqual(['5:10 DNAT target is only valid in the nat table, not filter']);
    expect(errors(dump('-A OUTPUT -i eth0 -j DROP\n'))).toEqual(["5:11 Can't use -i with OUTPUT"]);
  });
});
