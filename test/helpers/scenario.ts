// Small scenarios for engine tests: a host with a public and a private interface.
import type { PacketSpec, Scenario } from '../../src/engine/model/scenario';
import { simulate } from '../../src/engine/sim/simulate';

export const HOST: Scenario['host'] = {
  interfaces: [
    { name: 'eth0', addresses: ['203.0.113.10/24'] },
    { name: 'eth1', addresses: ['10.0.0.1/24'] },
  ],
  routes: [{ to: 'default', via: '203.0.113.1' }],
  forwarding: true,
};

export function run(rules: string, packets: PacketSpec[], host: Scenario['host'] = HOST) {
  const out = simulate({ version: 1, host, rules, packets });
  const errors = out.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n'));
  return out;
}

/// Steps as `table CHAIN rule verdict` strings: compact and exact.
export function steps(p: { trace: { table: string; chain: string; rule: number | null; verdict: string }[] }): string[] {
  return p.trace.map((s) => `${s.table} ${s.chain} ${s.rule ?? '-'} ${s.verdict}`);
}

export const syn = (dport: number, over: Partial<PacketSpec> = {}): PacketSpec => ({
  from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 40000, dport, flags: ['SYN'], ...over,
});
