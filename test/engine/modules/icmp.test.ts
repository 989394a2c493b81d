import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

// Every name iptables 1.8.9 takes, with what iptables-save printed for it.
const NAMES: [string, string][] = [
  ['any', 'any'], ['echo-reply', '0'], ['pong', '0'], ['destination-unreachable', '3'], ['network-unreachable', '3/0'],
  ['host-unreachable', '3/1'], ['protocol-unreachable', '3/2'], ['port-unreachable', '3/3'], ['fragmentation-needed', '3/4'],
  ['source-route-failed', '3/5'], ['network-unknown', '3/6'], ['host-unknown', '3/7'], ['network-prohibited', '3/9'],
  ['host-prohibited', '3/10'], ['TOS-network-unreachable', '3/11'], ['TOS-host-unreachable', '3/12'],
  ['communication-prohibited', '3/13'], ['host-precedence-violation', '3/14'], ['precedence-cutoff', '3/15'],
  ['source-quench', '4'], ['redirect', '5'], ['network-redirect', '5/0'], ['host-redirect', '5/1'], ['TOS-network-redirect', '5/2'],
  ['TOS-host-redirect', '5/3'], ['echo-request', '8'], ['ping', '8'], ['router-advertisement', '9'], ['router-solicitation', '10'],
  ['time-exceeded', '11'], ['ttl-exceeded', '11'], ['ttl-zero-during-transit', '11/0'], ['ttl-zero-during-reassembly', '11/1'],
  ['parameter-problem', '12'], ['ip-header-bad', '12/0'], ['required-option-missing', '12/1'], ['timestamp-request', '13'],
  ['timestamp-reply', '14'], ['address-mask-request', '17'], ['address-mask-reply', '18'],
];

describe('icmp', () => {
  it('saves every name as its number', () => {
    for (const [name, num] of NAMES) expect(saved(`-p icmp --icmp-type ${name}`)).toBe(`-p icmp -m icmp --icmp-type ${num}`);
  });
  it('takes numbers, prefixes and any case as iptables does', () => {
    expect(saved('-p icmp --icmp-type ECHO-REQUEST')).toBe('-p icmp -m icmp --icmp-type 8');
    expect(saved('-p icmp --icmp-type echo-req')).toBe('-p icmp -m icmp --icmp-type 8');
    expect(saved('-p icmp --icmp-type port-un')).toBe('-p icmp -m icmp --icmp-type 3/3');
    expect(saved('-p icmp --icmp-type 010')).toBe('-p icmp -m icmp --icmp-type 8');
    expect(saved('-p icmp --icmp-type 0x8')).toBe('-p icmp -m icmp --icmp-type 8');
    expect(saved('-p icmp --icmp-type 3/0x4')).toBe('-p icmp -m icmp --icmp-type 3/4');
    expect(saved('-p icmp --icmp-type 255')).toBe('-p icmp -m icmp --icmp-type any');
    expect(saved('-p icmp ! --icmp-type 3/4')).toBe('-p icmp -m icmp ! --icmp-type 3/4');
    // A code range saves as its first code only (iptables 1.8.9 does so), and lists whole.
    expect(saved('-p icmp --icmp-type 3/1:4')).toBe('-p icmp -m icmp --icmp-type 3/1');
  });
  it('lists as the kernel printed', () => {
    expect(listed('-p icmp --icmp-type any')).toBe('icmptype 255');
    expect(listed('-p icmp --icmp-type echo-request')).toBe('icmptype 8');
    expect(listed('-p icmp --icmp-type 3/4')).toBe('icmptype 3 code 4');
    expect(listed('-p icmp ! --icmp-type 8')).toBe('icmp !type 8');
    expect(listed('-p icmp ! --icmp-type 3/4')).toBe('icmp !type 3 code 4');
    expect(listed('-p icmp ! --icmp-type any')).toBe('icmp !type 255');
    expect(listed('-p icmp --icmp-type 3/1:4')).toBe('icmptype 3 codes 1-4');
    expect(listed('-p icmp --icmp-type 255/3')).toBe('icmptype 255 code 3');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-p icmp --icmp-type info-request')).toBe("Unknown ICMP type `info-request'");
    expect(error('-p icmp --icmp-type 256')).toBe("Unknown ICMP type `256'");
    expect(error('-p icmp --icmp-type /3')).toBe("Unknown ICMP type `/3'");
    expect(error('-p icmp --icmp-type -1')).toBe("Unknown ICMP type `-1'");
    expect(error('-p icmp --icmp-type 3/256')).toBe("Unknown ICMP code `3/256'");
    expect(error('-p icmp --icmp-type 3/')).toBe("Unknown ICMP code `3/'");
    expect(error('-p icmp --icmp-type echo')).toBe("Ambiguous ICMP type `echo': `echo-reply' or `echo-request'?");
    expect(error('-p icmp --icmp-type p')).toBe("Ambiguous ICMP type `p': `pong' or `protocol-unreachable'?");
    expect(error('-p icmp --icmp-type tt')).toBe("Ambiguous ICMP type `tt': `ttl-exceeded' or `ttl-zero-during-transit'?");
    expect(error('-p icmp --icmp-type 08')).toBe('unknown character 8');
    expect(error('-p icmp --icmp-type 1a')).toBe('unknown character a');
    expect(error('-p icmp --icmp-type 3/4/5')).toBe('unknown character /');
    expect(error('-p icmp --icmp-type 3:5')).toBe('ICMP type range not supported');
    expect(error('-p icmp -m icmp')).toBe('icmp: option "--icmp-type" must be specified');
  });
  it('matches type and code', () => {
    const ctx = testContext();
    const m = matchOf<any>('-p icmp --icmp-type port-unreachable');
    expect(m.module.match(makePacket({ proto: 1, icmpType: 3, icmpCode: 3 }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ proto: 1, icmpType: 3, icmpCode: 1 }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.explain!(makePacket({ proto: 1, icmpType: 3, icmpCode: 1 }), m.options, ctx)).toBe('ICMP 3/1 is not 3/3');
    const r = matchOf<any>('-p icmp --icmp-type 3/1:4');
    expect(r.module.match(makePacket({ proto: 1, icmpType: 3, icmpCode: 4 }), r.options, ctx, r.state)).toBe(true);
    expect(r.module.match(makePacket({ proto: 1, icmpType: 3, icmpCode: 5 }), r.options, ctx, r.state)).toBe(false);
    const n = matchOf<any>('-p icmp ! --icmp-type 8');
    expect(n.module.match(makePacket({ proto: 1, icmpType: 0 }), n.options, ctx, n.state)).toBe(true);
    expect(n.module.match(makePacket({ proto: 1, icmpType: 8 }), n.options, ctx, n.state)).toBe(false);
    const a = matchOf<any>('-p icmp --icmp-type 255/3');
    expect(a.module.match(makePacket({ proto: 1, icmpType: 11, icmpCode: 0 }), a.options, ctx, a.state)).toBe(true);
  });
});
