// What the operator says must keep working, from the scenario's optional "analysis" key:
//   "analysis": {"management": [{"src": "10.0.0.0/24", "port": 22}],
//                "egress":     [{"dst": "198.51.100.20", "port": 8443, "proto": "tcp"}]}
// management: sources and ports that administer the host (default: SSH, port 22, from anywhere);
// egress: destinations the host's own processes must reach. proto defaults to tcp.
import { formatCidr, parseCidr } from '../model/addr';
import { parseProtocol } from '../modules/protocols';

export interface Flow {
  /// The remote side: the source of management traffic, the destination of egress.
  addr: { min: number; max: number };
  text: string;
  port: number;
  proto: number;
}

export interface Intent {
  management: Flow[];
  egress: Flow[];
  /// The scenario named its management flows (else the default SSH from anywhere is assumed).
  declared: boolean;
}

export class IntentError extends Error {}

export const DEFAULT_MANAGEMENT: Flow = { addr: { min: 0, max: 0xffffffff }, text: 'anywhere', port: 22, proto: 6 };

function flow(raw: unknown, key: 'src' | 'dst', where: string): Flow {
  if (typeof raw !== 'object' || raw === null) throw new IntentError(`${where}: expected an object like {"${key}": "10.0.0.0/24", "port": 22}`);
  const o = raw as Record<string, unknown>;
  const text = o[key] === undefined ? '0.0.0.0/0' : String(o[key]);
  const c = parseCidr(text);
  if (!c) throw new IntentError(`${where}.${key}: "${text}" is not an IPv4 address or network`);
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new IntentError(`${where}.port: expected a port number`);
  let proto = 6;
  if (o.proto !== undefined) {
    try {
      proto = parseProtocol(String(o.proto));
    } catch {
      throw new IntentError(`${where}.proto: unknown protocol "${String(o.proto)}"`);
    }
  }
  const max = (c.addr | (~c.mask >>> 0)) >>> 0;
  return { addr: { min: c.addr, max }, text: c.mask === 0 ? 'anywhere' : formatCidr(c).replace(/\/32$/, ''), port, proto };
}

export function parseIntent(raw: unknown): Intent {
  if (raw === undefined || raw === null) return { management: [DEFAULT_MANAGEMENT], egress: [], declared: false };
  if (typeof raw !== 'object') throw new IntentError('analysis: expected an object');
  const o = raw as Record<string, unknown>;
  const list = (k: string) => {
    const v = o[k];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new IntentError(`analysis.${k}: expected a list`);
    return v;
  };
  const management = list('management').map((m, i) => flow(m, 'src', `analysis.management[${i}]`));
  const egress = list('egress').map((e, i) => flow(e, 'dst', `analysis.egress[${i}]`));
  return { management: management.length ? management : [DEFAULT_MANAGEMENT], egress, declared: management.length > 0 };
}
