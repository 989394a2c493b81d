// Big rules cross between the page and the engine worker in parts (one 15 MB message is a long task on the
// page): the page sends them a part per message (api.rulesPart) and reads reopened work back the same way
// (api.heldSlice); the Download button's JSON of a big dump is made in the worker (api.scenarioFile), byte
// for byte what the page makes of a small one (scenarioFileText).
import { describe, expect, it } from 'vitest';
import { kubeProxyDump } from '../../bench/kubeproxy';
import { readScenarios, scenarioFileText } from '../../src/share/scenario-json';
import { EXAMPLES } from '../../src/ui/examples';
import { api, type RunOutput } from '../../src/worker/api';

const ex = EXAMPLES[0];

/// `text` sent as the page sends it, in parts of `size` characters.
function send(id: number, text: string, size: number) {
  for (let at = 0; at < text.length || at === 0; at += size) api.rulesPart(id, text.slice(at, at + size), at, at + size >= text.length);
}

describe('rules sent in parts', () => {
  it('holds the whole text once its last part has come, and runs it by id', () => {
    const rules = ex.scenario.rules;
    api.rulesPart(501, rules.slice(0, 10), 0, false);
    // Not whole yet: a run by id asks for the rules.
    expect(api.runHeld({ ...ex.scenario, rules: '' }, 501)).toEqual({ needRules: true });
    api.rulesPart(501, rules.slice(10), 10, true);
    const out = api.runHeld({ ...ex.scenario, rules: '' }, 501) as RunOutput;
    expect(out.packets.map((p) => p.fate)).toEqual(ex.fates);
    expect(api.heldSlice(501, 0, rules.length)).toBe(rules);
  });

  it('drops a text not yet whole when a newer one starts, and a part that does not follow', () => {
    api.rulesPart(601, 'old ', 0, false);
    send(602, ex.scenario.rules, 7);
    // The rest of the older text, late: not held as a text of its own.
    api.rulesPart(601, 'rest', 4, true);
    expect(api.heldSlice(601, 0, 100)).toBeNull();
    expect(api.heldSlice(602, 0, ex.scenario.rules.length)).toBe(ex.scenario.rules);
    // A part lost on the way: the text is not held.
    api.rulesPart(603, 'abc', 0, false);
    api.rulesPart(603, 'ghi', 6, true);
    expect(api.heldSlice(603, 0, 100)).toBeNull();
  });

  it('sends an empty text as one part', () => {
    send(651, '', 4);
    expect(api.heldSlice(651, 0, 10)).toBe('');
  });

  it('hands a held text back in slices that join to the whole, and nothing for an id it lacks', () => {
    const dump = kubeProxyDump(300).text;
    send(701, dump, 1000);
    const parts: string[] = [];
    for (let at = 0; at < dump.length; at += 4096) parts.push(api.heldSlice(701, at, Math.min(dump.length, at + 4096))!);
    expect(parts.join('')).toBe(dump);
    expect(api.heldSlice(799, 0, 10)).toBeNull();
  });
});

describe('the scenario file of held rules', () => {
  it('is byte for byte the JSON the page makes, with the rules in their place', async () => {
    const dump = kubeProxyDump(300).text;
    const scenario = { ...ex.scenario, rules: dump, matrix: 'from any tcp 22 to host: delivered' };
    send(801, dump, 5000);
    const file = api.scenarioFile({ ...scenario, rules: '' }, 801);
    expect(file).toBeInstanceOf(Blob);
    const text = await (file as Blob).text();
    expect(text).toBe(scenarioFileText(scenario));
    expect(text).toBe(JSON.stringify(scenario, null, 2) + '\n');
    expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(scenario));
    expect(readScenarios(text)[0].rules).toBe(dump);
    expect((file as Blob).type).toBe('application/json');
  });

  it('asks for the rules when it does not hold them', () => {
    expect(api.scenarioFile({ ...ex.scenario, rules: '' }, 899)).toEqual({ needRules: true });
  });
});
