// -j SET: add the packet's addresses/ports to an ipset, or delete them (libxt_SET revision 3). Parsed only:
// scenario sets are fixed for the run.
import type { TargetModule } from '../types';
import { OptionError } from '../types';

export interface SetRef {
  name: string;
  dirs: ('src' | 'dst')[];
}

export interface SetTargetOptions {
  add: SetRef | null;
  del: SetRef | null;
  exist: boolean;
  timeout: number | null;
}

function ref([name, flags]: string[]): SetRef {
  const dirs = flags.split(',');
  for (const d of dirs) if (d !== 'src' && d !== 'dst') throw new OptionError(`You must specify (the comma separated list of) 'src' or 'dst'.`);
  if (dirs.length > 6) throw new OptionError("Can't be more src/dst options than 6.");
  return { name, dirs: dirs as SetRef['dirs'] };
}

export const set: TargetModule<SetTargetOptions> = {
  kind: 'target',
  name: 'SET',
  help: 'Add the packet to an ipset (--add-set NAME src,dst) or remove it (--del-set).',
  simulated: 'ipset contents are fixed for a run: the packet is not added to or removed from the set',
  options: [
    { name: 'add-set', args: 2, parse: ref, help: 'NAME FLAGS: add the src/dst address (and port) of the packet to the set.' },
    { name: 'del-set', args: 2, parse: ref, help: 'NAME FLAGS: delete them from the set.' },
    { name: 'exist', args: 0, help: 'With --add-set: refresh the timeout of an existing entry.' },
    {
      name: 'timeout',
      parse: ([v]) => {
        if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new OptionError(`SET: bad value for option "--timeout", or out of range (0-4294967295).`);
        return Number(v);
      },
      help: 'Timeout of the added entry, in seconds.',
    },
  ],
  finalize(p) {
    if (!p['add-set'] && !p['del-set']) throw new OptionError("You must specify either `--add-set' or `--del-set' or `--map-set'");
    return { add: p['add-set']?.value ?? null, del: p['del-set']?.value ?? null, exist: !!p.exist, timeout: p.timeout?.value ?? null };
  },
  apply: () => 'CONTINUE',
  save(o) {
    const out: string[] = [];
    if (o.add) out.push(`--add-set ${o.add.name} ${o.add.dirs.join(',')}`);
    if (o.del) out.push(`--del-set ${o.del.name} ${o.del.dirs.join(',')}`);
    if (o.exist) out.push('--exist');
    if (o.timeout !== null) out.push(`--timeout ${o.timeout}`);
    return out.join(' ');
  },
  list(o) {
    return set.save(o).replace(/--/g, '');
  },
  xlate: () => ({ untranslatable: 'iptables-translate 1.8.9 has no translation for -j SET (nftables: add @set { ip saddr })' }),
};
