// -j CT: set up the connection-tracking entry of a new connection: no tracking, zone, helper, events,
// timeout policy (libxt_CT revision 2). raw table only.
import type { TargetModule } from '../types';
import { OptionError } from '../types';

const CT_EVENTS = ['new', 'related', 'destroy', 'reply', 'assured', 'protoinfo', 'helper', 'mark', 'natseqinfo', 'secmark', 'label', 'synproxy'];
const EXP_EVENTS = ['new'];
/// Helpers the kernel has (nf_conntrack_*): other names make the kernel refuse the rule.
const HELPERS = ['amanda', 'ftp', 'h323', 'RAS', 'Q.931', 'irc', 'netbios-ns', 'pptp', 'sane', 'sip', 'snmp', 'tftp'];
/// The protocols each helper registers for (nf_conntrack_*.c).
export const HELPER_PROTOCOLS: Record<string, readonly string[]> = {
  amanda: ['udp'], ftp: ['tcp'], h323: [], RAS: ['udp'], 'Q.931': ['tcp'], irc: ['tcp'], 'netbios-ns': ['udp'],
  pptp: ['tcp'], sane: ['tcp'], sip: ['udp', 'tcp'], snmp: ['udp'], tftp: ['udp'],
};

export interface CtOptions {
  notrack: boolean;
  /// `--zone`, `--zone-orig` or `--zone-reply`, with a number or `mark`.
  zone: { dir: 'zone' | 'zone-orig' | 'zone-reply'; id: number | 'mark' } | null;
  helper: string | null;
  ctevents: string[] | null;
  expevents: string[] | null;
  timeout: string | null;
}

function events(what: string, allowed: string[]) {
  return ([v]: string[]) => {
    const out = v.split(',');
    for (const e of out) if (!allowed.includes(e)) throw new OptionError(`Unknown event type "${e}"`);
    return out;
  };
}

function zone([v]: string[]): number | 'mark' {
  if (v === 'mark') return 'mark';
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new OptionError(`Cannot parse ${v} as a zone ID`);
  return Number(v);
}

export const ct: TargetModule<CtOptions> = {
  kind: 'target',
  name: 'CT',
  help: "Configure the new connection's conntrack entry: --notrack, --zone, --helper, --ctevents, --timeout.",
  simulated: true,
  tables: ['raw'],
  options: [
    { name: 'notrack', args: 0, help: 'Do not track the packet (as -j NOTRACK).' },
    { name: 'zone', parse: zone, help: 'Conntrack zone for both directions (number, or mark).' },
    { name: 'zone-orig', parse: zone, help: 'Conntrack zone for the original direction.' },
    { name: 'zone-reply', parse: zone, help: 'Conntrack zone for the reply direction.' },
    { name: 'helper', parse: ([v]) => v, values: HELPERS, help: 'Attach this connection helper (ftp, sip, tftp ...).' },
    { name: 'ctevents', parse: events('ct', CT_EVENTS), values: CT_EVENTS, help: 'Connection events to report to ctnetlink.' },
    { name: 'expevents', parse: events('exp', EXP_EVENTS), values: EXP_EVENTS, help: 'Expectation events to report.' },
    { name: 'timeout', parse: ([v]) => v, help: 'A timeout policy defined with nfct (none exist in the simulation).' },
  ],
  finalize(p) {
    const helper: string | null = p.helper?.value ?? null;
    if (helper !== null && !HELPERS.includes(helper))
      throw new OptionError(`no conntrack helper "${helper}" in the kernel (RULE_APPEND failed (No such file or directory))`);
    const zones = (['zone', 'zone-orig', 'zone-reply'] as const).filter((z) => p[z]);
    const z = zones[zones.length - 1];
    return {
      notrack: !!p.notrack,
      zone: z ? { dir: z, id: p[z]!.value } : null,
      helper,
      ctevents: p.ctevents?.value ?? null,
      expevents: p.expevents?.value ?? null,
      timeout: p.timeout?.value ?? null,
    };
  },
  apply(_pkt, o, ctx) {
    if (o.notrack) {
      ctx.notrack();
      return 'CONTINUE';
    }
    if (o.zone && typeof o.zone.id === 'number' && o.zone.dir === 'zone') ctx.setCtZone(o.zone.id);
    if (o.helper) ctx.setCtHelper(o.helper);
    return 'CONTINUE';
  },
  save(o) {
    const out: string[] = [];
    if (o.notrack) out.push('--notrack');
    if (o.helper) out.push(`--helper ${o.helper}`);
    if (o.timeout) out.push(`--timeout ${o.timeout}`);
    if (o.ctevents) out.push(`--ctevents ${o.ctevents.join(',')}`);
    if (o.expevents) out.push(`--expevents ${o.expevents.join(',')}`);
    if (o.zone) out.push(`--${o.zone.dir} ${o.zone.id}`);
    return out.join(' ');
  },
  list(o) {
    const s = ctSave(o).replace(/--/g, '');
    return s ? `CT ${s}` : 'CT';
  },
  xlate(o, ctx) {
    if (o.notrack && !o.zone && !o.helper && !o.ctevents && !o.expevents && !o.timeout) return { nft: 'notrack' };
    if (o.zone && typeof o.zone.id === 'number' && !o.notrack && !o.helper && !o.ctevents && !o.expevents && !o.timeout)
      // At raw priority, before conntrack, nft sets the zone of the connection to come, as CT does.
      return { nft: `ct ${o.zone.dir === 'zone' ? '' : o.zone.dir === 'zone-orig' ? 'original ' : 'reply '}zone set ${o.zone.id}`, note: 'iptables-translate 1.8.9 leaves CT --zone untranslated' };
    if (o.helper && !o.notrack && !o.zone && !o.ctevents && !o.expevents && !o.timeout) {
      // The kernel looks the helper up by name and the rule's protocol (the rule is refused otherwise).
      const proto = ctx && !ctx.protoInv ? ({ 6: 'tcp', 17: 'udp' } as Record<number, string>)[ctx.proto] : undefined;
      if (!proto) return { untranslatable: 'CT --helper needs -p tcp or -p udp (the kernel refuses the rule without one)' };
      if (!HELPER_PROTOCOLS[o.helper].length) return { untranslatable: `the kernel has no helper called ${o.helper} (h323's are RAS and Q.931) and refuses the rule` };
      if (!HELPER_PROTOCOLS[o.helper].includes(proto)) return { untranslatable: `the ${o.helper} helper does not handle ${proto} (the kernel refuses the rule)` };
      const after = ctx!.afterConntrack();
      if (after !== true) return { untranslatable: after };
      // A helper is a named object of the table, assigned to the connection once conntrack has made it.
      const name = ctx!.declare('ct helper', `${o.helper}-${proto}`, `type "${o.helper}" protocol ${proto};`);
      return { nft: `ct helper set "${name}"`, note: 'iptables-translate 1.8.9 leaves CT --helper untranslated' };
    }
    if (o.helper && (o.zone || o.notrack))
      return { untranslatable: `CT --helper with --${o.notrack ? 'notrack' : o.zone!.dir}: nft sets ${o.notrack ? 'notrack' : 'the zone'} before conntrack and the helper after it, never in one rule` };
    return { untranslatable: 'iptables-translate 1.8.9 has no translation for this CT combination' };
  },
};

function ctSave(o: CtOptions): string {
  return ct.save(o);
}
