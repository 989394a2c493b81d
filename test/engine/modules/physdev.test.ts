import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { physdev } from '../../../src/engine/modules/matches/physdev';
import { testContext } from '../../helpers/context';
import { error, matchOf, saved } from './match-helper';

const listed = (spec: string) => {
  const m = matchOf<any>(spec, 'FORWARD');
  return m.module.list(m.options);
};

describe('physdev (parsed only)', () => {
  it('says why it is not simulated', () => {
    expect(physdev.simulated).toMatch(/^bridged traffic is not modelled/);
  });
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-m physdev --physdev-out eth1 --physdev-in eth0 --physdev-is-bridged --physdev-is-out --physdev-is-in', 'FORWARD'))
      .toBe('-m physdev --physdev-is-in --physdev-in eth0 --physdev-is-out --physdev-out eth1 --physdev-is-bridged');
    expect(saved('-m physdev ! --physdev-in eth0', 'FORWARD')).toBe('-m physdev ! --physdev-in eth0');
    expect(listed('-m physdev --physdev-out veth+')).toBe('PHYSDEV match --physdev-out veth+');
    expect(listed('-m physdev ! --physdev-is-out')).toBe('PHYSDEV match ! --physdev-is-out');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m physdev', 'FORWARD')).toBe('PHYSDEV: no physdev option specified');
    expect(error('-m physdev --physdev-in aaaaaaaaaaaaaaaaaaaaaaaa', 'FORWARD')).toBe("interface name `aaaaaaaaaaaaaaaaaaaaaaaa' must be shorter than IFNAMSIZ (15)");
  });
  it('treats every packet as routed: positive clauses fail, negated ones hold', () => {
    const ctx = testContext({ hook: 'FORWARD' });
    const p = matchOf<any>('-m physdev --physdev-is-bridged', 'FORWARD');
    expect(p.module.match(makePacket(), p.options, ctx, p.state)).toBe(false);
    const n = matchOf<any>('-m physdev ! --physdev-is-bridged', 'FORWARD');
    expect(n.module.match(makePacket(), n.options, ctx, n.state)).toBe(true);
  });
});
