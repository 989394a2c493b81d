// -m ecn: the ECN bits of the IP header (--ecn-ip-ect, the low two bits of the TOS byte) and the TCP
// ECE and CWR flags (xt_ecn). The TCP options need -p tcp.
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { TCP } from '../../model/packet';
import { not } from '../values';

interface Bit {
  inv: boolean;
}

export interface EcnOptions {
  ece?: Bit;
  cwr?: Bit;
  ect?: { value: number; inv: boolean };
}

/// nft's names for the ECN codepoints, by value.
const ECT_NAMES = ['not-ect', 'ect1', 'ect0', 'ce'];

function failing(pkt: { tos: number; flags: number }, o: EcnOptions): string | null {
  if (o.ect && ((pkt.tos & 3) === o.ect.value) === o.ect.inv) return `ECT ${pkt.tos & 3} is ${o.ect.inv ? '' : 'not '}${o.ect.value}`;
  if (o.ece && !!(pkt.flags & TCP.ECE) === o.ece.inv) return `ECE is ${pkt.flags & TCP.ECE ? 'set' : 'not set'}`;
  if (o.cwr && !!(pkt.flags & TCP.CWR) === o.cwr.inv) return `CWR is ${pkt.flags & TCP.CWR ? 'set' : 'not set'}`;
  return null;
}

export const ecn: MatchModule<EcnOptions> = {
  kind: 'match',
  name: 'ecn',
  help: 'Match ECN: the IP header\'s ECT codepoint, and the TCP ECE and CWR flags (these need -p tcp).',
  simulated: true,
  options: [
    { name: 'ecn-tcp-cwr', args: 0, invert: true, help: 'The TCP CWR flag is set.' },
    { name: 'ecn-tcp-ece', args: 0, invert: true, help: 'The TCP ECE flag is set.' },
    {
      name: 'ecn-ip-ect', invert: true, values: ['0', '1', '2', '3'], help: 'The ECN field of the IP header: 0 to 3 (3 is CE).',
      parse: ([v]) => {
        if (!/^[0-3]$/.test(v)) throw new OptionError('ecn: bad value for option "--ecn-ip-ect", or out of range (0-3).');
        return Number(v);
      },
    },
  ],
  finalize(p, rule) {
    const o: EcnOptions = {};
    if (p['ecn-tcp-ece']) o.ece = { inv: p['ecn-tcp-ece'].inv };
    if (p['ecn-tcp-cwr']) o.cwr = { inv: p['ecn-tcp-cwr'].inv };
    if (p['ecn-ip-ect']) o.ect = { value: p['ecn-ip-ect'].value, inv: p['ecn-ip-ect'].inv };
    if (!o.ece && !o.cwr && !o.ect) throw new OptionError('ECN match: some option required');
    if ((o.ece || o.cwr) && (rule.proto !== 6 || rule.protoInv))
      throw new OptionError('ECN match: --ecn-tcp-ece and --ecn-tcp-cwr are only valid with -p tcp (the kernel refuses the rule: Invalid argument)');
    return o;
  },
  match: (pkt, o) => failing(pkt, o) === null,
  explain: (pkt, o) => failing(pkt, o) ?? 'the ECN bits match',
  space(o) {
    const all: Space[] = [];
    const put = (inv: boolean, s: Space) => all.push(inv ? { not: s } : s);
    if (o.ect) put(o.ect.inv, { field: 'tos', value: o.ect.value, mask: 3 });
    if (o.ece) put(o.ece.inv, { field: 'tcpflags', value: TCP.ECE, mask: TCP.ECE });
    if (o.cwr) put(o.cwr.inv, { field: 'tcpflags', value: TCP.CWR, mask: TCP.CWR });
    return { all };
  },
  save: (o) => [
    o.ece && `${not(o.ece.inv)}--ecn-tcp-ece`, o.cwr && `${not(o.cwr.inv)}--ecn-tcp-cwr`, o.ect && `${not(o.ect.inv)}--ecn-ip-ect ${o.ect.value}`,
  ].filter(Boolean).join(' '),
  list: (o) => ['ECN match', o.ece && `${o.ece.inv ? '!' : ''}ECE`, o.cwr && `${o.cwr.inv ? '!' : ''}CWR`, o.ect && `${o.ect.inv ? '!' : ''}ECT=${o.ect.value}`].filter(Boolean).join(' '),
  // iptables-translate 1.8.9 negates every option of the match once one is negated, and writes a negated
  // flag as `tcp flags != cwr`, which compares all the flags with CWR alone: the kernel drops with that
  // translation the SYN,ECE,CWR and ACK,CWR that `! --ecn-tcp-cwr` lets through (ecn-tcp-cwr-negated,
  // loaded both ways; ECE alike). Both flavours negate each option as given and test a flag's one bit.
  xlate(o, ctx) {
    const flag = (name: string, b: Bit) => (b.inv ? `tcp flags & ${name} == 0` : `tcp flags ${name}`);
    const nft = [o.ece && flag('ecn', o.ece), o.cwr && flag('cwr', o.cwr), o.ect && `ip ecn ${o.ect.inv ? '!= ' : ''}${ECT_NAMES[o.ect.value]}`].filter(Boolean).join(' ');
    const given = [o.ece, o.cwr, o.ect].filter((x) => x !== undefined);
    const referenceRight = given.every((x) => !x.inv) || (!o.ece && !o.cwr);
    if (ctx?.flavour !== 'idiomatic' && !referenceRight)
      return { nft, note: 'iptables-translate 1.8.9 negates every ECN option once one is negated, and writes a negated flag as `tcp flags != cwr`, which compares all the flags with that one (it matches SYN,ECE,CWR, which `! --ecn-tcp-cwr` does not)' };
    return { nft };
  },
};
