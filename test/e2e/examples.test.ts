// Every gallery example tells the story it claims: each packet's fate and, where NAT matters, the address
// and port it left with, through the same worker API the page uses (the browser test checks the fates
// again on the page). Fast: no browser.
import { describe, expect, it } from 'vitest';
import { EXAMPLES, findExample } from '../../src/ui/examples';
import { api } from '../../src/worker/api';

const at = (address: string, port?: number) => (port === undefined ? address : `${address}:${port}`);

describe('gallery examples', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.id}: ${ex.title}`, () => {
      const out = api.run(ex.scenario);
      expect(out.error).toBeNull();
      expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(out.packets.map((p) => p.fate)).toEqual(ex.fates);
      expect(ex.fates).toHaveLength(ex.scenario.packets.length);
      if (ex.finals) expect(out.packets.map((p) => (p.final ? `${at(p.final.src, p.final.sport)} > ${at(p.final.dst, p.final.dport)}` : null))).toEqual(ex.finals);
      if (ex.related) expect(findExample(ex.related.id), ex.related.id).toBeDefined();
      expect(ex.story.length).toBeGreaterThan(ex.summary.length);
    });
  }

  it('has unique ids', () => {
    expect(new Set(EXAMPLES.map((e) => e.id)).size).toBe(EXAMPLES.length);
  });
});
