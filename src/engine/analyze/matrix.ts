// Validation matrices: the flows that must work (or must not), one a line, checked with the real engine.
//
//   # lines starting with # are comments
//   host eth0 203.0.113.10/24           optional: the host (else the scenario's, else a two-interface default)
//   route default via 203.0.113.1 dev eth0
//   forwarding on
//   from 10.0.0.0/24 tcp 22 to host: delivered
//   from any on eth0 tcp to 10.0.0.5:80: forwarded
//   local tcp to 198.51.100.20:8443: sent
//   from 198.51.100.20:8443 tcp to host:40000 established: delivered
//   from any icmp echo-request to host: delivered
//   from 203.0.113.0/24 udp 53 to host: dropped|rejected
//
// A flow: `from SOURCE[:PORT] [on IFACE]` or `local`, a protocol and optionally the destination port (or ICMP type),
// `to host|ADDRESS[:PORT]`, optionally `established` (a reply in a connection the other side opened), then
// the fates it may have: delivered, forwarded, sent, dropped, rejected, or allowed / blocked.
// JSON form: {"host": {...}, "flows": [{"from": "10.0.0.0/24", "on": "eth0", "proto": "tcp", "dport": 22,
// "to": "host", "established": false, "expect": "delivered"}]} with "from": "local" for the host's own.
import { parseCidr, parseIPv4 } from '../model/addr';
import type { Scenario } from '../model/scenario';
import type { Fate } from '../model/trace';
import { findIcmpType } from '../model/icmp-types';
import { parseProtocol } from '../modules/protocols';

export const FATES: readonly Fate[] = ['delivered', 'forwarded', 'sent', 'dropped', 'rejected'];
const ALIASES: Record<string, Fate[]> = { allowed: ['delivered', 'forwarded', 'sent'], blocked: ['dropped', 'rejected'] };

export interface MatrixFlow {
  /// 1-based line in the matrix file (0 for JSON entries without one).
  line: number;
  text: string;
  /// null: a local process sends it.
  from: { min: number; max: number } | null;
  on: string | null;
  proto: number;
  /// The source port (default: a client's ephemeral port).
  sport: number | null;
  dport: number | null;
  icmpType: string | null;
  /// null: the host's own address on the way in.
  to: number | null;
  established: boolean;
  expect: Fate[];
}

export interface Matrix {
  host: Scenario['host'] | null;
  flows: MatrixFlow[];
}

export class MatrixError extends Error {
  constructor(message: string, public line: number, public column: number) {
    super(message);
  }
}

function addrRange(text: string, line: number, column: number): { min: number; max: number } {
  if (text === 'any') return { min: 0, max: 0xffffffff };
  const c = parseCidr(text);
  if (!c) throw new MatrixError(`"${text}" is not an IPv4 address or network (or "any")`, line, column);
  return { min: c.addr, max: (c.addr | (~c.mask >>> 0)) >>> 0 };
}

function fates(text: string, line: number, column: number): Fate[] {
  return text.split(/[|,]/).flatMap((f) => {
    const k = f.trim().toLowerCase();
    if (ALIASES[k]) return ALIASES[k];
    if ((FATES as string[]).includes(k)) return [k as Fate];
    throw new MatrixError(`unknown fate "${f.trim()}": expected ${[...FATES, ...Object.keys(ALIASES)].join(', ')}`, line, column);
  });
}

const FLOW = /^(?:from\s+(\S+)(?:\s+on\s+(\S+))?|(local))\s+(\S+)(?:\s+(\S+))?\s+to\s+([^\s:]+(?::\d+)?)(\s+established)?\s*:\s*(.+)$/;

export function parseMatrixLine(raw: string, line: number): MatrixFlow {
  const text = raw.trim();
  const m = FLOW.exec(text);
  const col = (s: string | undefined) => (s ? raw.indexOf(s) + 1 : 1);
  if (!m) throw new MatrixError('expected a flow like "from 10.0.0.0/24 tcp 22 to host: delivered" or "local tcp to 198.51.100.20:8443: sent"', line, 1);
  const [, srcText, on, local, protoText, port, dest, est, expect] = m;
  const [src, sportText] = srcText?.split(':') ?? [];
  if (sportText !== undefined && (!/^\d+$/.test(sportText) || Number(sportText) > 65535)) throw new MatrixError(`"${sportText}" is not a port number`, line, col(srcText));
  let proto: number;
  try {
    proto = parseProtocol(protoText);
  } catch {
    throw new MatrixError(`unknown protocol "${protoText}"`, line, col(protoText));
  }
  let dport: number | null = null;
  let icmpType: string | null = null;
  if (port !== undefined) {
    if (proto === 1) {
      if (!findIcmpType(port) && !/^\d+(\/\d+)?$/.test(port)) throw new MatrixError(`unknown ICMP type "${port}"`, line, col(port));
      icmpType = port;
    } else if (/^\d+$/.test(port) && Number(port) <= 65535) dport = Number(port);
    else throw new MatrixError(`"${port}" is not a port number`, line, col(port));
  }
  const [host, destPort] = dest.split(':');
  let to: number | null = null;
  if (host !== 'host') {
    to = parseIPv4(host);
    if (to === null) throw new MatrixError(`"${host}" is not an IPv4 address (or "host")`, line, col(dest));
  }
  if (destPort !== undefined) {
    if (!/^\d+$/.test(destPort) || Number(destPort) > 65535) throw new MatrixError(`"${destPort}" is not a port number`, line, col(dest));
    if (dport !== null && dport !== Number(destPort)) throw new MatrixError('two different destination ports', line, col(dest));
    dport = Number(destPort);
  }
  if ((proto === 6 || proto === 17) && dport === null) throw new MatrixError(`${protoText} needs a destination port ("${protoText} 22" or "to ADDRESS:22")`, line, col(protoText));
  return {
    line, text, from: local ? null : addrRange(src, line, col(src)), on: on ?? null, proto, sport: sportText ? Number(sportText) : null, dport, icmpType, to,
    established: !!est, expect: fates(expect, line, col(expect)),
  };
}

/// The text form; host lines build a host.
export function parseMatrix(text: string): Matrix {
  const flows: MatrixFlow[] = [];
  const host: Scenario['host'] = { interfaces: [], routes: [], forwarding: true };
  let hasHost = false;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const t = raw.replace(/#.*/, '').trim();
    if (!t) return;
    const w = t.split(/\s+/);
    if (w[0] === 'host') {
      if (w.length < 3) throw new MatrixError('expected "host IFACE ADDRESS/PREFIX ..."', line, 1);
      host.interfaces.push({ name: w[1], addresses: w.slice(2) });
      hasHost = true;
    } else if (w[0] === 'route') {
      const via = w.indexOf('via');
      const dev = w.indexOf('dev');
      host.routes!.push({ to: w[1], ...(via > 0 ? { via: w[via + 1] } : {}), ...(dev > 0 ? { dev: w[dev + 1] } : {}) });
    } else if (w[0] === 'forwarding') host.forwarding = w[1] !== 'off';
    else flows.push(parseMatrixLine(raw, line));
  });
  return { host: hasHost ? host : null, flows };
}

/// The JSON form.
export function matrixFromJson(v: unknown): Matrix {
  const o = v as { host?: Scenario['host']; flows?: unknown[] };
  if (!o || typeof o !== 'object' || !Array.isArray(o.flows)) throw new MatrixError('a JSON matrix is {"flows": [...]} (and optionally "host")', 1, 1);
  const flows = o.flows.map((f, i) => {
    const x = f as Record<string, unknown>;
    const src = x.from === 'local' ? 'local' : `from ${x.from ?? 'any'}${x.on ? ` on ${x.on}` : ''}`;
    const port = x.dport ?? x.icmpType;
    const line = `${src} ${x.proto ?? 'tcp'}${port !== undefined ? ` ${port}` : ''} to ${x.to ?? 'host'}${x.established ? ' established' : ''}: ${x.expect}`;
    try {
      return { ...parseMatrixLine(line, i + 1), line: 0, text: line };
    } catch (e) {
      if (e instanceof MatrixError) throw new MatrixError(`flows[${i}]: ${e.message}`, 1, 1);
      throw e;
    }
  });
  return { host: o.host ?? null, flows };
}
