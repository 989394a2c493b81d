// -m mac --mac-source: the Ethernet source address of an incoming packet (libxt_mac).
import type { MatchModule, Space } from '../types';
import { OptionError } from '../types';
import { not } from '../values';

export interface MacOptions {
  mac: string;
  inv: boolean;
}

export const mac: MatchModule<MacOptions> = {
  kind: 'match',
  name: 'mac',
  help: 'Match the source MAC address of incoming packets (PREROUTING, INPUT, FORWARD).',
  simulated: true,
  options: [{
    name: 'mac-source', invert: true, help: 'XX:XX:XX:XX:XX:XX',
    parse: ([v]) => {
      if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(v)) throw new OptionError('Invalid MAC address specified.');
      return v.split(':').map((b) => b.padStart(2, '0').toLowerCase()).join(':');
    },
  }],
  finalize(p, rule) {
    if (!p['mac-source']) throw new OptionError('mac: option "--mac-source" must be specified');
    if (rule.hooks.some((h) => h === 'OUTPUT' || h === 'POSTROUTING')) throw new OptionError('mac match: only valid in PREROUTING, INPUT and FORWARD (the kernel refuses the rule: Invalid argument)');
    return { mac: p['mac-source'].value, inv: p['mac-source'].inv };
  },
  // A packet with no link-layer header (sent locally) never matches, negated or not.
  match: (pkt, o) => pkt.macSrc !== null && (pkt.macSrc.toLowerCase() === o.mac) !== o.inv,
  explain: (pkt, o) => (pkt.macSrc ? `source MAC ${pkt.macSrc} is ${o.inv ? '' : 'not '}${o.mac}` : 'a locally generated packet has no MAC address'),
  // `mac` is the source MAC as a number; a packet without one (2^48) matches neither form.
  space: (o) => {
    const v = parseInt(o.mac.replace(/:/g, ''), 16);
    const s: Space = { field: 'mac', ranges: [{ min: v, max: v }] };
    return o.inv ? { all: [{ not: s }, { field: 'mac', ranges: [{ min: 0, max: 2 ** 48 - 1 }] }] } : s;
  },
  save: (o) => `${not(o.inv)}--mac-source ${o.mac}`,
  list: (o) => `MAC ${not(o.inv)}${o.mac}`,
  xlate: (o) => ({ nft: `ether saddr ${o.inv ? '!= ' : ''}${o.mac}` }),
};
