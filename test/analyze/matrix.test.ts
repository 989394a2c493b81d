import { describe, expect, it } from 'vitest';
import { matrixFromJson, MatrixError, parseMatrix, parseMatrixLine } from '../../src/engine/analyze/matrix';

describe('matrix format', () => {
  it('parses flows, host lines and comments', () => {
    const m = parseMatrix(['# edge', 'host eth0 203.0.113.10/24', 'route default via 203.0.113.1 dev eth0', 'forwarding off',
      'from 10.0.0.0/24 on eth1 tcp 22 to host: delivered', 'local udp to 198.51.100.53:53: sent', 'from any icmp echo-request to host: dropped|rejected',
      'from 198.51.100.20:8443 tcp to host:40000 established: allowed'].join('\n'));
    expect(m.host).toEqual({ interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }], routes: [{ to: 'default', via: '203.0.113.1', dev: 'eth0' }], forwarding: false });
    expect(m.flows.map(({ line, from, on, proto, sport, dport, icmpType, to, established, expect: e }) => ({ line, from, on, proto, sport, dport, icmpType, to, established, e }))).toEqual([
      { line: 5, from: { min: 0x0a000000, max: 0x0a0000ff }, on: 'eth1', proto: 6, sport: null, dport: 22, icmpType: null, to: null, established: false, e: ['delivered'] },
      { line: 6, from: null, on: null, proto: 17, sport: null, dport: 53, icmpType: null, to: 0xc6336435, established: false, e: ['sent'] },
      { line: 7, from: { min: 0, max: 0xffffffff }, on: null, proto: 1, sport: null, dport: null, icmpType: 'echo-request', to: null, established: false, e: ['dropped', 'rejected'] },
      { line: 8, from: { min: 0xc6336414, max: 0xc6336414 }, on: null, proto: 6, sport: 8443, dport: 40000, icmpType: null, to: null, established: true, e: ['delivered', 'forwarded', 'sent'] },
    ]);
  });

  it('errors name the line and the column of the word', () => {
    const err = (t: string) => {
      try {
        parseMatrixLine(t, 3);
      } catch (e) {
        return [(e as MatrixError).line, (e as MatrixError).column, (e as Error).message];
      }
      return null;
    };
    expect(err('from 10.0.0/24 tcp 22 to host: delivered')).toEqual([3, 6, '"10.0.0/24" is not an IPv4 address or network (or "any")']);
    expect(err('from any tcp to host: delivered')).toEqual([3, 10, 'tcp needs a destination port ("tcp 22" or "to ADDRESS:22")']);
    expect(err('from any tcp 22 host: delivered')).toEqual([3, 1, 'expected a flow like "from 10.0.0.0/24 tcp 22 to host: delivered" or "local tcp to 198.51.100.20:8443: sent"']);
  });

  it('the JSON form', () => {
    const m = matrixFromJson({ flows: [{ from: 'local', proto: 'tcp', to: '198.51.100.20', dport: 8443, expect: 'sent' }] });
    expect(m.flows.map((f) => [f.text, f.from, f.dport, f.expect])).toEqual([['local tcp 8443 to 198.51.100.20: sent', null, 8443, ['sent']]]);
  });
});
