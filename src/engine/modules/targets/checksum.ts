// -j CHECKSUM: fill in a missing checksum (libxt_CHECKSUM), for old DHCP clients behind virtual NICs.
import type { TargetModule } from '../types';
import { OptionError } from '../types';

export const checksum: TargetModule<Record<string, never>> = {
  kind: 'target',
  name: 'CHECKSUM',
  help: 'Compute a missing checksum (--checksum-fill). mangle only.',
  simulated: 'checksums are not modelled: the packet passes on unchanged',
  tables: ['mangle'],
  options: [{ name: 'checksum-fill', args: 0, help: 'Fill in the checksum.' }],
  finalize(p) {
    if (!p['checksum-fill']) throw new OptionError('CHECKSUM: option "--checksum-fill" must be specified');
    return {};
  },
  apply: () => 'CONTINUE',
  save: () => '--checksum-fill',
  list: () => 'CHECKSUM fill',
  xlate: () => ({ untranslatable: 'nftables has no checksum-fill statement' }),
};
