// -m set --match-set NAME src[,dst...]: the packet is in an ipset (xt_set). Set contents come from the
// scenario's "sets".
import type { MatchModule } from '../types';
import { OptionError } from '../types';
import { not } from '../values';

export interface SetMatchOptions {
  name: string;
  dirs: ('src' | 'dst')[];
  inv: boolean;
  /// Kept as given and saved back: counters and nomatch handling nfplay does not model.
  extra: string[];
}

const EXTRA = ['return-nomatch', 'update-counters', 'update-subcounters', 'packets-eq', 'packets-lt', 'packets-gt', 'bytes-eq', 'bytes-lt', 'bytes-gt'];

export const set: MatchModule<SetMatchOptions> = {
  kind: 'match',
  name: 'set',
  help: 'Match packets whose addresses, ports or interfaces are in an ipset (define the set in the scenario).',
  simulated: true,
  options: [
    {
      name: 'match-set', aliases: ['set'], args: 2, invert: true, help: 'NAME and the direction of each dimension: src, dst (src,dst ...).',
      parse: ([name, flags]) => {
        const dirs = flags.split(',');
        if (dirs.length > 6 || dirs.some((d) => d !== 'src' && d !== 'dst')) throw new OptionError(`You must specify (the comma separated list of) 'src' or 'dst'`);
        return { name, dirs };
      },
    },
    ...EXTRA.map((name) => ({ name, args: (name.startsWith('packets') || name.startsWith('bytes') ? 1 : 0) as 0 | 1, invert: name.startsWith('update'), help: 'ipset counters, kept as given.' })),
  ],
  finalize(p) {
    const m = p['match-set'];
    if (!m) throw new OptionError('set match: option "--match-set" must be specified');
    const extra = EXTRA.filter((k) => p[k]).map((k) => `${not(p[k]!.inv)}--${k}${p[k]!.value === true ? '' : ' ' + p[k]!.value}`);
    return { name: m.value.name, dirs: m.value.dirs, inv: m.inv, extra };
  },
  match(pkt, o, ctx) {
    const r = ctx.sets.test(o.name, pkt, o.dirs, ctx);
    // A set the scenario does not define: the kernel would refuse the rule; nothing matches it here.
    return r === undefined ? false : r !== o.inv;
  },
  explain: (_pkt, o, ctx) => (ctx.sets.has(o.name) ? `${o.dirs.join(',')} ${o.inv ? 'is' : 'is not'} in set ${o.name}` : `set ${o.name} is not defined in the scenario's sets`),
  save: (o) => [`${not(o.inv)}--match-set ${o.name} ${o.dirs.join(',')}`, ...o.extra].join(' '),
  list: (o) => `${o.inv ? '! ' : ''}match-set ${o.name} ${o.dirs.join(',')}`,
  xlate: (o) => (o.dirs.length === 1
    ? { nft: `ip ${o.dirs[0] === 'src' ? 'saddr' : 'daddr'} ${o.inv ? '!= ' : ''}@${o.name}` }
    : { untranslatable: 'multi-dimension ipsets become concatenated nftables sets (translated by the migration preview)' }),
};
