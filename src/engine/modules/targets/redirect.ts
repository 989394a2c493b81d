// -j REDIRECT: DNAT to the host itself, the incoming interface's address (127.0.0.1 for local packets)
// (libxt_REDIRECT). nat PREROUTING and OUTPUT.
import type { TargetModule } from '../types';
import { OptionError } from '../types';
import { checkPorts } from './dnat';

export interface PortRange {
  min: number;
  max: number;
}

/// port[-port] as --to-ports takes it.
export function parsePorts(text: string): PortRange {
  const [a, b, extra] = text.split('-');
  const port = (t: string) => {
    if (!/^\d+$/.test(t) || Number(t) > 65535) throw new OptionError(`Port \`${t}' not valid`);
    return Number(t);
  };
  if (extra !== undefined) throw new OptionError(`Port \`${text}' not valid`);
  const min = port(a);
  const max = b === undefined ? min : port(b);
  if (max < min) throw new OptionError(`Port range \`${b}' funky`);
  return { min, max };
}

export interface RedirectOptions {
  ports: PortRange | null;
  random: boolean;
}

export const redirect: TargetModule<RedirectOptions> = {
  kind: 'target',
  name: 'REDIRECT',
  help: 'Send the packet to the host itself (to --to-ports), as a DNAT to the incoming address.',
  simulated: true,
  label: 'REDIRECT',
  tables: ['nat'],
  hooks: ['PREROUTING', 'OUTPUT'],
  options: [
    { name: 'to-ports', parse: ([v]) => parsePorts(v), help: 'port[-port]: the local port(s) to send to.' },
    { name: 'random', args: 0, help: 'Randomize the port mapping.' },
  ],
  finalize(p, rule) {
    checkPorts(!!p['to-ports'], rule);
    return { ports: p['to-ports']?.value ?? null, random: !!p.random };
  },
  apply(_pkt, o, ctx) {
    ctx.nat({ kind: 'redirect', minPort: o.ports?.min ?? 0, maxPort: o.ports?.max ?? 0, random: o.random });
    return 'ACCEPT';
  },
  save(o) {
    const out: string[] = [];
    if (o.ports) out.push(`--to-ports ${fmt(o.ports)}`);
    if (o.random) out.push('--random');
    return out.join(' ');
  },
  list(o) {
    const out: string[] = [];
    if (o.ports) out.push(`redir ports ${fmt(o.ports)}`);
    if (o.random) out.push('random');
    return out.join(' ');
  },
  xlate: (o) => ({ nft: `redirect${o.ports ? ` to :${fmt(o.ports)}` : ''}${o.random ? ' random' : ''}` }),
};

function fmt(r: PortRange): string {
  return r.min === r.max ? String(r.min) : `${r.min}-${r.max}`;
}
