import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { testContext } from '../../helpers/context';
import { error, matchOf, saved } from './match-helper';

const listed = (spec: string) => {
  const m = matchOf<any>(spec, 'OUTPUT');
  return m.module.list(m.options);
};

describe('owner', () => {
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-m owner --uid-owner root', 'OUTPUT')).toBe('-m owner --uid-owner 0');
    expect(saved('-m owner --uid-owner 1 --gid-owner 2 --socket-exists', 'OUTPUT')).toBe('-m owner --socket-exists --uid-owner 1 --gid-owner 2');
    expect(saved('-m owner ! --gid-owner 5 --suppl-groups', 'OUTPUT')).toBe('-m owner ! --gid-owner 5 --suppl-groups');
    expect(saved('-m owner --uid-owner 4294967294', 'OUTPUT')).toBe('-m owner --uid-owner 4294967294');
    expect(listed('-m owner --uid-owner 1000-2000')).toBe('owner UID match 1000-2000');
    expect(listed('-m owner ! --socket-exists')).toBe('! owner socket exists');
    expect(listed('-m owner ! --uid-owner 1 ! --gid-owner 2 ! --socket-exists')).toBe('! owner socket exists ! owner UID match 1 ! owner GID match 2');
    expect(listed('-m owner --gid-owner 5 --suppl-groups')).toBe('owner GID match 5 incl. suppl. groups');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m owner --uid-owner 4294967295', 'OUTPUT')).toBe('owner: Bad value for "--uid-owner" option: "4294967295"');
    expect(error('-m owner --uid-owner 1-', 'OUTPUT')).toBe('owner: Bad value for "--uid-owner" option: "1-"');
    expect(error('-m owner --uid-owner -5', 'OUTPUT')).toBe('owner: Bad value for "--uid-owner" option: "-5"');
    expect(error('-m owner --gid-owner www-data', 'OUTPUT')).toMatch(/^owner: Bad value for "--gid-owner" option: "www-data"/);
    expect(error('-m owner', 'OUTPUT')).toBe('owner: At least one of --uid-owner, --gid-owner or --socket-exists is required');
    expect(error('-m owner --suppl-groups', 'OUTPUT')).toBe('owner: Bad value for "--suppl-groups" option: "you need to use --gid-owner first"');
    expect(error('-m owner --uid-owner 0', 'INPUT')).toMatch(/^owner match: only valid in OUTPUT and POSTROUTING/);
  });
  it('matches the socket owner; kernel-made packets have none', () => {
    const ctx = testContext({ hook: 'OUTPUT' });
    const m = matchOf<any>('-m owner --uid-owner 1000-2000', 'OUTPUT');
    expect(m.module.match(makePacket({ uid: 1500, gid: 1 }), m.options, ctx, m.state)).toBe(true);
    expect(m.module.match(makePacket({ uid: 0, gid: 0 }), m.options, ctx, m.state)).toBe(false);
    expect(m.module.match(makePacket({ uid: null, gid: null }), m.options, ctx, m.state)).toBe(false);
    const n = matchOf<any>('-m owner ! --uid-owner 0', 'OUTPUT');
    expect(n.module.match(makePacket({ uid: null, gid: null }), n.options, ctx, n.state)).toBe(true);
    expect(n.module.match(makePacket({ uid: 0, gid: 0 }), n.options, ctx, n.state)).toBe(false);
  });
});
