// -j MASQUERADE: SNAT to the address of the outgoing interface (libxt_MASQUERADE). nat POSTROUTING.
import type { TargetModule } from '../types';
import { checkPorts } from './dnat';
import { parsePorts, type PortRange } from './redirect';

export interface MasqueradeOptions {
  ports: PortRange | null;
  random: boolean;
  randomFully: boolean;
}

function flags(o: MasqueradeOptions, fully: string): string[] {
  return [o.random ? 'random' : '', o.randomFully ? fully : ''].filter(Boolean);
}

export const masquerade: TargetModule<MasqueradeOptions> = {
  kind: 'target',
  name: 'MASQUERADE',
  help: 'Rewrite the source to the address of the interface the packet leaves by (dynamic SNAT).',
  simulated: true,
  label: 'MASQUERADE',
  tables: ['nat'],
  hooks: ['POSTROUTING'],
  options: [
    { name: 'to-ports', parse: ([v]) => parsePorts(v), help: 'port[-port]: source ports to use.' },
    { name: 'random', args: 0, help: 'Randomize the source port mapping.' },
    { name: 'random-fully', args: 0, help: 'Fully randomize the source port mapping.' },
  ],
  finalize(p, rule) {
    checkPorts(!!p['to-ports'], rule);
    return { ports: p['to-ports']?.value ?? null, random: !!p.random, randomFully: !!p['random-fully'] };
  },
  apply(_pkt, o, ctx) {
    ctx.nat({ kind: 'masquerade', minPort: o.ports?.min ?? 0, maxPort: o.ports?.max ?? 0, random: o.random || o.randomFully });
    return 'ACCEPT';
  },
  save(o) {
    const out: string[] = [];
    if (o.ports) out.push(`--to-ports ${fmt(o.ports)}`);
    return [...out, ...flags(o, 'random-fully').map((f) => `--${f}`)].join(' ');
  },
  list(o) {
    const out: string[] = [];
    if (o.ports) out.push(`masq ports: ${fmt(o.ports)}`);
    return [...out, ...flags(o, 'random-fully')].join(' ');
  },
  xlate(o) {
    const f = flags(o, 'fully-random');
    return { nft: `masquerade${o.ports ? ` to :${fmt(o.ports)}` : ''}${f.length ? ` ${f.join(',')}` : ''}` };
  },
};

function fmt(r: PortRange): string {
  return r.min === r.max ? String(r.min) : `${r.min}-${r.max}`;
}
