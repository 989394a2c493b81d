// -j NFQUEUE: hand the packet to a userspace program through nfnetlink_queue (libxt_NFQUEUE revision 3).
import type { TargetModule } from '../types';
import { OptionError } from '../types';

export interface NfqueueOptions {
  num: number;
  /// Last queue of --queue-balance, or null.
  balanceTo: number | null;
  bypass: boolean;
  cpuFanout: boolean;
}

function queueNum([v]: string[]): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new OptionError('NFQUEUE: bad value for option "--queue-num", or out of range (0-65535).');
  return Number(v);
}

function balance([v]: string[]): [number, number] {
  const m = /^(\d*):(\d*)$/.exec(v);
  if (!m) throw new OptionError(`NFQUEUE: bad value for option "--queue-balance", or out of range (0-65535).`);
  const a = m[1] === '' ? 0 : Number(m[1]);
  const b = m[2] === '' ? 65535 : Number(m[2]);
  if (a > 65535 || b > 65535) throw new OptionError('NFQUEUE: bad value for option "--queue-balance", or out of range (0-65535).');
  if (a >= b) throw new OptionError(`${a} should be less than ${b}`);
  return [a, b];
}

export const nfqueue: TargetModule<NfqueueOptions> = {
  kind: 'target',
  name: 'NFQUEUE',
  help: 'Queue the packet to a userspace program (Suricata, snort ...). Without a listener it is dropped, or accepted with --queue-bypass.',
  simulated: 'no userspace program listens on a queue in the simulation: the packet is dropped, or accepted with --queue-bypass, as the kernel does without a listener',
  label: 'NFQUEUE',
  options: [
    { name: 'queue-num', parse: queueNum, help: 'The queue number (0-65535, default 0).' },
    { name: 'queue-balance', parse: balance, help: 'FROM:TO: spread flows over this range of queues.' },
    { name: 'queue-bypass', args: 0, help: 'Accept the packet when no program listens on the queue.' },
    { name: 'queue-cpu-fanout', args: 0, help: 'With --queue-balance: choose the queue by CPU.' },
  ],
  finalize(p) {
    if (p['queue-num'] && p['queue-balance'])
      throw new OptionError('NFQUEUE: option "--queue-num" cannot be used together with "--queue-balance".');
    if (p['queue-cpu-fanout'] && !p['queue-balance'])
      throw new OptionError('NFQUEUE: option "--queue-cpu-fanout" also requires "--queue-balance".');
    const b = p['queue-balance']?.value as [number, number] | undefined;
    return {
      num: b ? b[0] : p['queue-num']?.value ?? 0,
      balanceTo: b ? b[1] : null,
      bypass: !!p['queue-bypass'],
      cpuFanout: !!p['queue-cpu-fanout'],
    };
  },
  apply: (_pkt, o) => (o.bypass ? 'ACCEPT' : 'DROP'),
  save(o) {
    let s = o.balanceTo !== null ? `--queue-balance ${o.num}:${o.balanceTo}` : `--queue-num ${o.num}`;
    if (o.bypass) s += ' --queue-bypass';
    if (o.cpuFanout) s += ' --queue-cpu-fanout';
    return s;
  },
  list(o) {
    let s = o.balanceTo !== null ? `NFQUEUE balance ${o.num}:${o.balanceTo}` : `NFQUEUE num ${o.num}`;
    if (o.bypass) s += ' bypass';
    if (o.cpuFanout) s += ' cpu-fanout';
    return s;
  },
  xlate(o) {
    const flags = [o.bypass ? 'bypass' : '', o.cpuFanout ? 'fanout' : ''].filter(Boolean);
    return { nft: `queue num ${o.num}${o.balanceTo !== null ? `-${o.balanceTo}` : ''}${flags.length ? ` ${flags.join(',')}` : ''}` };
  },
};
