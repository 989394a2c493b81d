// Rules texts held by the workers by id (api.ts, RulesRef): a run keeps its rules, reopened work keeps its
// own, and the analysis worker gets them from the engine worker through a port instead of from the page.
// Here the other end of the port is played by the test.
import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { EXAMPLES } from '../../src/ui/examples';
import { api, type RunOutput } from '../../src/worker/api';
import { decodeShareLink } from '../../src/share/share-link';

const ex = EXAMPLES[0];
const ports: MessagePort[] = [];

/// A port connected to the api as its peer; `answer` plays the other worker.
function peer(answer?: (want: number) => string | null): MessagePort {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  api.connectPeer(port1 as unknown as globalThis.MessagePort);
  if (answer) port2.on('message', (m: { want: number; re: number }) => port2.postMessage({ re: m.re, text: answer(m.want) }));
  return port2;
}

/// What the api answers the peer for id `want`.
function ask(port: MessagePort, want: number): Promise<string | null> {
  return new Promise((done) => {
    port.once('message', (m: { re: number; text: string | null }) => done(m.text));
    port.postMessage({ want, re: 1 });
  });
}

afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

describe('rules held by id', () => {
  it('serves its peer the rules of the runs it made, the latest two', async () => {
    const port = peer();
    const a = '*filter\n-A INPUT -j ACCEPT\nCOMMIT\n';
    api.run({ ...ex.scenario, rules: a }, { rulesId: 101 });
    api.run(ex.scenario, { rulesId: 102 });
    expect(await ask(port, 101)).toBe(a);
    expect(await ask(port, 102)).toBe(ex.scenario.rules);
    api.run(ex.scenario, { rulesId: 103 });
    expect(await ask(port, 101)).toBeNull();
    expect(await ask(port, 999)).toBeNull();
  });

  it('runs the rules it holds without being sent them, and asks for them when it has not', () => {
    api.run(ex.scenario, { rulesId: 201 });
    const held = api.runHeld({ ...ex.scenario, rules: '' }, 201) as RunOutput;
    expect(held.packets.map((p) => p.fate)).toEqual(ex.fates);
    expect(api.runHeld({ ...ex.scenario, rules: '' }, 202)).toEqual({ needRules: true });
  });

  it('makes a share link of the rules it holds, and asks for them when it has not', async () => {
    api.run(ex.scenario, { rulesId: 251 });
    const link = await api.shareLink({ ...ex.scenario, rules: '' }, 251);
    expect(typeof link === 'string' && (await decodeShareLink(link)).rules).toBe(ex.scenario.rules);
    expect(await api.shareLink({ ...ex.scenario, rules: '' }, 252)).toEqual({ needRules: true });
  });

  it('lints rules given by id with the text its peer holds, once', async () => {
    let asked = 0;
    peer((id) => (asked++, id === 301 ? ex.scenario.rules : null));
    const byId = await api.lintRules({ rulesId: 301 });
    const byText = await api.lintRules(ex.scenario.rules);
    expect('findings' in byId && byId.findings).toEqual('findings' in byText && byText.findings);
    // Held now: the matrix and a proposal against the same rules do not ask again.
    const flows = await api.checkFlows({ rulesId: 301 }, 'from any tcp 22 to host: delivered\nfrom any tcp 23 to host: dropped', ex.scenario.host);
    expect('flows' in flows && flows.flows.map((f) => f.ok)).toEqual([true, true]);
    const proposal = await api.proposeChange({ rulesId: 301 }, ex.scenario.rules.replace('--dport 22 -j ACCEPT', '--dport 22 -j DROP'), { host: ex.scenario.host });
    expect('changes' in proposal && proposal.changes.length).toBeGreaterThan(0);
    expect(asked).toBe(1);
    expect(await api.lintRules({ rulesId: 302 })).toEqual({ needRules: true });
    expect(asked).toBe(2);
  });

  it('gives up on a question to a peer that is replaced before it answers', async () => {
    peer(); // never answers
    const pending = api.lintRules({ rulesId: 401 });
    peer(() => ex.scenario.rules);
    expect(await pending).toEqual({ needRules: true });
    expect('findings' in (await api.lintRules({ rulesId: 401 }))).toBe(true);
  });
});
