// --compat against the reference's whole-file output for every dump of ../shared/corpus that
// iptables-restore-translate accepted. Exact counts per file: lines equal to the reference, deliberate
// differences (each under a `# nfplay:` note), and what the parser refuses as the kernel does.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasShared, SHARED } from '../helpers/shared';
import { compareGolden } from './golden-compare';

/// file: [lines equal, deliberate differences, extra lines, reference lines missing, same order]. Extra and
/// missing lines come only from dumps the kernel refuses to load (007, 008, 012: jumps to chains that do
/// not exist; 019: no COMMIT), whose refused rules nfplay reports as errors and leaves out.
const EXPECTED: Record<string, [number, number, number, number, boolean]> = {
  '001-firewalld-fedora27-counters.rules': [124, 3, 0, 0, true],
  '002-netfilter-2003-filter.rules': [65, 1, 0, 0, true],
  '003-isp-router-wireless.rules': [72, 4, 0, 0, true],
  '004-firewalld-public-zone.rules': [147, 0, 0, 0, true],
  '005-small-host-all-tables.rules': [23, 0, 0, 0, true],
  '007-ufw-before.rules': [27, 0, 0, 2, true],
  '008-ufw-after.rules': [4, 0, 0, 7, true],
  '009-ufw-user-template.rules': [9, 0, 0, 0, true],
  '011-ufw-user-populated.rules': [54, 0, 0, 0, true],
  '012-ufw-before-customised.rules': [31, 0, 0, 2, true],
  '014-docker28-bridge-golden.rules': [37, 0, 0, 0, true],
  '016-rhel5-rh-firewall.rules': [17, 0, 0, 0, true],
  '019-ddos-rules-v4-malformed.rules': [23, 7, 6, 22, true],
  '020-shadowsocks-redirect-gateway.rules': [26, 0, 0, 0, true],
  '022-captive-portal-mark-mac.rules': [36, 2, 0, 0, true],
  '023-docker-pterodactyl-nft-save.rules': [41, 0, 0, 0, true],
  '024-cloud-hypervisor-ipset-physdev.rules': [70, 16, 0, 0, true],
  '025-kubeproxy-flannel-lab-nat.rules': [25, 1, 0, 0, true],
  '027-large-ss-redir-cn-routes-8k.rules': [8463, 0, 0, 0, true],
  '028-wireguard-vps-gateway.rules': [33, 0, 0, 0, true],
  '029-tor-relay.rules': [15, 0, 0, 0, true],
  '030-pbx-multiport-concat-saves.rules': [108, 1, 0, 0, true],
  '032-zerotier-starter.rules': [27, 0, 0, 0, true],
  '033-ufw-live-dump-ratelimit.rules': [106, 0, 0, 0, true],
  '041-hamradio-nexus-recent-nflog.rules': [54, 6, 0, 0, true],
};

describe.skipIf(!hasShared)('--compat against iptables-restore-translate, whole files', () => {
  for (const [file, [same, deliberate, extra, missing, inOrder]] of Object.entries(EXPECTED)) {
    it(file, () => {
      const golden = join(SHARED, 'corpus/golden', file.replace(/\.rules$/, '.nft'));
      expect(existsSync(golden)).toBe(true);
      const c = compareGolden(readFileSync(join(SHARED, 'corpus/real', file), 'utf8'), readFileSync(golden, 'utf8'));
      expect([c.same, c.deliberate, c.extra.length, c.missing.length, c.inOrder]).toEqual([same, deliberate, extra, missing, inOrder]);
    });
  }
});
