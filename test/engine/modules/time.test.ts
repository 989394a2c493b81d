import { describe, expect, it } from 'vitest';
import { makePacket } from '../../../src/engine/model/packet';
import { TIME_EPOCH } from '../../../src/engine/modules/matches/time';
import { testContext } from '../../helpers/context';
import { error, listed, matchOf, saved } from './match-helper';

const at = (iso: string) => Date.parse(iso) / 1000 - TIME_EPOCH;

describe('time', () => {
  it('starts the scenario clock on Monday 5 January 2026, UTC', () => {
    expect(new Date(TIME_EPOCH * 1000).toISOString()).toBe('2026-01-05T00:00:00.000Z');
  });
  it('saves and lists as the kernel printed them', () => {
    expect(saved('-m time --timestart 08:00 --timestop 17:00')).toBe('-m time --timestart 08:00:00 --timestop 17:00:00 --datestop 2038-01-19T03:14:07');
    expect(saved('-m time --timestart 8:5')).toBe('-m time --timestart 08:05:00 --timestop 23:59:59 --datestop 2038-01-19T03:14:07');
    expect(saved('-m time --weekdays 1,7')).toBe('-m time --weekdays Mon,Sun --datestop 2038-01-19T03:14:07');
    expect(saved('-m time --weekdays Monday')).toBe('-m time --weekdays Mon --datestop 2038-01-19T03:14:07');
    expect(saved('-m time ! --weekdays Sat,Sun')).toBe('-m time --weekdays Mon,Tue,Wed,Thu,Fri --datestop 2038-01-19T03:14:07');
    expect(saved('-m time --monthdays 1,1,2')).toBe('-m time --monthdays 1,2 --datestop 2038-01-19T03:14:07');
    expect(saved('-m time --datestart 2026-02-30')).toBe('-m time --datestart 2026-03-02T00:00:00 --datestop 2038-01-19T03:14:07');
    expect(saved('-m time --localtz --timestart 01:00')).toBe('-m time --timestart 01:00:00 --timestop 23:59:59 --datestop 2038-01-19T03:14:07 --kerneltz');
    expect(saved('-m time --timestart 22:00 --timestop 06:00 --contiguous')).toBe('-m time --timestart 22:00:00 --timestop 06:00:00 --datestop 2038-01-19T03:14:07 --contiguous');
    expect(saved('-m time --timestart 08:00 --timestop 17:00 --weekdays Mon --monthdays 5 --datestart 2026-01-01 --datestop 2027-01-01'))
      .toBe('-m time --timestart 08:00:00 --timestop 17:00:00 --monthdays 5 --weekdays Mon --datestart 2026-01-01T00:00:00 --datestop 2027-01-01T00:00:00');
    expect(listed('-m time')).toBe('TIME UTC');
    expect(listed('-m time --timestart 08:00 --timestop 17:00 --weekdays Mon --monthdays 5 --datestart 2026-01-01 --datestop 2027-01-01'))
      .toBe('TIME from 08:00:00 to 17:00:00 on Mon on 5th starting from 2026-01-01 00:00:00 until date 2027-01-01 00:00:00 UTC');
    expect(listed('-m time ! --monthdays 1')).toBe('TIME on 2nd,3rd,4th,5th,6th,7th,8th,9th,10th,11st,12nd,13rd,14th,15th,16th,17th,18th,19th,20th,21st,22nd,23rd,24th,25th,26th,27th,28th,29th,30th,31st UTC');
    expect(listed('-m time --timestart 8:00 --kerneltz')).toBe('TIME from 08:00:00 to 23:59:59');
    expect(listed('-m time --timestart 22:00 --timestop 06:00 --contiguous')).toBe('TIME from 22:00:00 to 06:00:00 UTC contiguous');
  });
  it('refuses what iptables refuses', () => {
    expect(error('-m time --timestart 25:00')).toBe('invalid time "25:00" specified, should be hh:mm[:ss] format and within the boundaries');
    expect(error('-m time --timestart 08:60')).toBe('invalid time "60" specified, should be hh:mm[:ss] format and within the boundaries');
    expect(error('-m time --timestart 08')).toBe('invalid time "08" specified, should be hh:mm[:ss] format and within the boundaries');
    expect(error('-m time --weekdays Foo')).toBe('Foo is not a valid day specifier');
    expect(error('-m time --weekdays monday')).toBe('mon is not a valid day specifier');
    expect(error('-m time --weekdays 0')).toBe('No, the week does NOT begin with Sunday.');
    expect(error('-m time --monthdays 32')).toBe('32 is not a valid day for --monthdays');
    expect(error('-m time --datestart 2026-13-01')).toBe('Invalid date "2026-13-01" specified. Should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]]');
    expect(error('-m time --datestop 2040-01-01')).toBe('Invalid date "2040-01-01" specified. Should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]]');
    expect(error('-m time --datestart 1969-12-31')).toBe('Invalid date "1969-12-31" specified. Should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]]');
  });
  it('matches on the scenario clock', () => {
    const pkt = makePacket();
    const hours = matchOf<any>('-m time --timestart 08:00 --timestop 17:00 --weekdays Mon,Tue,Wed,Thu,Fri');
    const run = (m: typeof hours, iso: string) => m.module.match(pkt, m.options, testContext({ now: at(iso) }), m.state);
    expect(run(hours, '2026-01-05T09:30:00Z')).toBe(true);
    expect(run(hours, '2026-01-05T17:00:01Z')).toBe(false);
    expect(run(hours, '2026-01-10T09:30:00Z')).toBe(false); // a Saturday
    expect(hours.module.explain!(pkt, hours.options, testContext({ now: at('2026-01-05T18:00:00Z') })))
      .toBe('2026-01-05T18:00:00 UTC is outside 08:00:00-17:00:00 on Mon,Tue,Wed,Thu,Fri');
    // Across midnight: without --contiguous the morning counts for its own day, with it for the day before.
    const night = matchOf<any>('-m time --timestart 22:00 --timestop 06:00 --weekdays Fri');
    const cont = matchOf<any>('-m time --timestart 22:00 --timestop 06:00 --weekdays Fri --contiguous');
    expect(run(night, '2026-01-10T03:00:00Z')).toBe(false); // Saturday morning
    expect(run(cont, '2026-01-10T03:00:00Z')).toBe(true);
    expect(run(cont, '2026-01-09T23:00:00Z')).toBe(true);
    const dates = matchOf<any>('-m time --datestart 2026-01-06 --monthdays 6');
    expect(run(dates, '2026-01-05T12:00:00Z')).toBe(false);
    expect(run(dates, '2026-01-06T12:00:00Z')).toBe(true);
  });
});
