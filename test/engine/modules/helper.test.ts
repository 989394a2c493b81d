import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import type { Conn } from '../../../src/engine/model/conntrack';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

const conn = (expected: boolean, helper: string | null) => ({ expected, helper } as unknown as Conn);

describe('helper', () => {
  it('saves and lists as iptables 1.8.9 printed them', () => {
    expect(saved('-m helper --helper ftp')).toBe('-m helper --helper ftp');
    expect(saved('-m helper ! --helper sip')).toBe('-m helper ! --helper sip');
    expect(saved('-m helper --helper ""')).toBe('-m helper --helper ""');
    expect(listed('-m helper --helper ftp')).toBe('helper match "ftp"');
    expect(listed('-m helper ! --helper sip')).toBe('helper match ! "sip"');
    expect(listed('-m helper --helper ""')).toBe('helper match ""');
    // The kernel keeps 29 characters.
    expect(saved('-m helper --helper abcdefghijklmnopqrstuvwxyzabcdefghij')).toBe('-m helper --helper abcdefghijklmnopqrstuvwxyzabc');
  });
  it('needs --helper', () => {
    expect(error('-m helper')).toBe('helper: option "--helper" must be specified');
  });
  it("looks at the helper that expected the connection, not the connection's own", () => {
    const ftp = matchOf<any>('-m helper --helper ftp');
    const notFtp = matchOf<any>('-m helper ! --helper ftp');
    const any = matchOf<any>('-m helper --helper ""');
    const data = testContext({ ctState: 'RELATED', ct: conn(true, 'ftp') });
    const control = testContext({ ctState: 'NEW', ct: conn(false, 'ftp') });
    const none = testContext({ ctState: 'INVALID', ct: null });
    const r = (m: typeof ftp, c: typeof data) => m.module.match(makePacket(), m.options, c, m.state);
    expect([r(ftp, data), r(notFtp, data), r(any, data)]).toEqual([true, false, true]);
    expect([r(ftp, control), r(notFtp, control), r(any, control)]).toEqual([false, true, false]);
    expect([r(ftp, none), r(notFtp, none)]).toEqual([false, true]);
    expect(ftp.module.explain!(makePacket(), ftp.options, control)).toBe('the connection was not expected by a helper (it has no master connection)');
    expect(ftp.module.explain!(makePacket(), ftp.options, testContext({ ct: conn(true, 'sip') }))).toBe('the connection was expected by helper sip, which is not ftp');
  });
});
