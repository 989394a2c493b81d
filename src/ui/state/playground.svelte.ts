// The playground's state. The scenario is immutable data replaced through one gateway, `edit`, so every
// change reruns the engine and is persisted the same way; engine results are held raw (large, never
// mutated). Selection and playback are plain UI state beside it.
import type { PacketSpec, Scenario } from '../../engine/model/scenario';
import { scenarioFileText } from '../../share/scenario-json';
import type { SharedState } from '../../share/share-link';
import { EngineClient, RULES_PART, type NftMode, type NftPreview, type PacketView, type Progress, type RunOutput, type TextKind, type Vocabulary } from '../../worker/client';
import { buildFrames, stepAtOrBefore, type Frame } from '../diagram/frames';
import { DEFAULT_EXAMPLE, findExample, type Example } from '../examples';
import { Playback } from './playback.svelte';
import { BIG_RULES, type BigStore } from './persistence';
import { textInParts } from '../big-text';

export type View = 'steps' | 'verdicts' | 'listing' | 'save' | 'nft';
export const VIEWS: readonly View[] = ['steps', 'verdicts', 'listing', 'save', 'nft'];

/// Scenario keys only the analysis reads (src/ui/panels/analysis.svelte.ts).
const ANALYSIS_KEYS: ReadonlySet<string> = new Set(['matrix', 'proposal', 'analysis']);

export interface UiState {
  packet?: number;
  generated?: number | null;
  step?: number;
  view?: View;
  /// The gallery example the scenario came from: its story is shown beside it.
  example?: string;
  /// The nftables preview's flavour.
  nft?: NftMode;
}

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

export class Playground {
  scenario = $state.raw<Scenario>(DEFAULT_EXAMPLE.scenario);
  result = $state.raw<RunOutput | null>(null);
  progress = $state<Progress>({ busy: false });
  notice = $state<Notice | null>(null);
  /// The engine failed or timed out (not the ruleset's fault).
  engineError = $state<string | null>(null);
  selected = $state(0);
  /// Index into the selected packet's generated packets (a REJECT's reply), or null for the packet itself.
  generated = $state<number | null>(null);
  view = $state<View>('steps');
  /// The gallery example whose story is shown (it stays while the scenario is edited, until dismissed).
  example = $state.raw<Example | null>(null);
  nftMode = $state<NftMode>('idiomatic');
  /// Module names, options and their help for the editor's completion and hover.
  vocabulary = $state.raw<Vocabulary | null>(null);
  readonly playback = new Playback();
  #client: EngineClient;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #restoreStep: number | null = null;
  // Which edit of the rules text the result describes: comparing megabyte strings on every frame is not free.
  // Each new text gets a new id, which is also how the workers know it (api.ts, RulesRef).
  #rulesVersion = $state(0);
  #resultVersion = $state(-1);
  #ids = 0;
  // Which rules the engine worker holds (it keeps those it was sent, and reopened work's): a run, a share
  // link or the analysis need not send them again.
  #heldVersion = -1;
  // Work reopened through the engine worker, which holds its rules by this id.
  #reopened: { id: number; rules: string } | null = null;
  // Reopened big rules the editor is loading: their run waits for it.
  #editorLoad: { id: number; loaded: Promise<void> } | null = null;
  // Big rules on their way to the engine worker in parts: a link or a save by id waits for them.
  #sending: Promise<unknown> = Promise.resolve();
  #runs = 0;

  readonly embed: boolean;
  /// Embed options: show the ruleset (`?embed&editor`), and let no one edit it (`&readonly`).
  readonly embedEditor: boolean;
  readonly readOnly: boolean;
  #autoplay: boolean;

  constructor(opts: { embed?: boolean; autoplay?: boolean; editor?: boolean; readOnly?: boolean } = {}) {
    this.embed = opts.embed ?? false;
    this.embedEditor = opts.editor ?? false;
    this.readOnly = opts.readOnly ?? false;
    this.#autoplay = opts.autoplay ?? false;
    this.#client = new EngineClient({ timeout: 20000, onProgress: (p) => (this.progress = p) });
    this.#loadVocabulary();
  }

  /// The one mutation gateway for the scenario.
  edit(change: Partial<Scenario>, opts: { debounce?: number } = {}) {
    // Any new text counts as a change: comparing megabyte strings costs more than one extra run.
    if (change.rules !== undefined) {
      const reopened = this.#reopened;
      this.#reopened = null;
      if (reopened && change.rules === reopened.rules) this.#rulesVersion = this.#heldVersion = reopened.id;
      else this.#rulesVersion = ++this.#ids;
    }
    this.scenario = { ...this.scenario, ...change };
    // The analysis's own keys (the matrix, a proposed change) do not change what the packets do.
    const keys = Object.keys(change);
    if (keys.length && keys.every((k) => ANALYSIS_KEYS.has(k))) return;
    if (this.selected >= this.scenario.packets.length) this.select(Math.max(0, this.scenario.packets.length - 1));
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), opts.debounce ?? 0);
  }

  /// Replaces everything (an example, a link, a file), with the view it carries.
  load(state: SharedState) {
    const { ui, ...scenario } = state;
    const u = (ui ?? {}) as UiState;
    this.selected = Number.isInteger(u.packet) && u.packet! >= 0 ? u.packet! : 0;
    this.generated = Number.isInteger(u.generated) ? u.generated! : null;
    if (u.view && VIEWS.includes(u.view)) this.view = u.view;
    if (u.nft === 'compat' || u.nft === 'idiomatic') this.nftMode = u.nft;
    this.example = typeof u.example === 'string' ? (findExample(u.example) ?? null) : null;
    // Without a step of its own, something new opens on its verdict.
    this.#restoreStep = Number.isInteger(u.step) ? u.step! : Infinity;
    this.edit(scenario as Scenario);
  }

  /// Opens a gallery example on its first packet's verdict, with its story.
  loadExample(ex: Example) {
    this.load({ ...ex.scenario, ui: { example: ex.id, view: this.view } });
  }

  dismissStory() {
    this.example = null;
  }

  select(packet: number, generated: number | null = null) {
    this.selected = packet;
    this.generated = generated;
    this.playback.reset(this.frames.length, this.frames.length - 1);
  }

  setView(view: View) {
    this.view = view;
  }

  say(notice: Notice | null) {
    this.notice = notice;
  }

  addPackets(packets: PacketSpec[]) {
    this.edit({ packets: [...this.scenario.packets, ...packets] });
    this.select(this.scenario.packets.length - packets.length);
  }

  removePacket(i: number) {
    this.edit({ packets: this.scenario.packets.filter((_, k) => k !== i) });
  }

  get current(): PacketView | null {
    const p = this.result?.packets[this.selected];
    if (!p) return null;
    return this.generated === null ? p : (p.generated?.[this.generated] ?? p);
  }

  frames = $derived.by((): Frame[] => {
    const p = this.current;
    if (!p) return [];
    const from = this.generated === null ? (this.scenario.packets[this.selected]?.from ?? 'local') : 'local';
    return buildFrames(p, from);
  });

  /// The id by which the engine worker holds the rules as they are now (null when it does not), for
  /// another worker linked to it (`link`) to ask it for them.
  get rulesId(): number | null {
    return this.#heldVersion === this.#rulesVersion ? this.#rulesVersion : null;
  }

  /// Connects the engine worker to another worker's client (see EngineClient.link).
  link(other: EngineClient): () => void {
    return this.#client.link(other);
  }

  /// The result describes the rules text as it is now (its spans and diagnostics apply).
  get fresh(): boolean {
    return this.result !== null && this.#resultVersion === this.#rulesVersion;
  }

  /// The rule the playback position points at, when the result still describes the editor's text.
  get decidingStep() {
    const f = stepAtOrBefore(this.frames, this.playback.index);
    return f && this.fresh ? f.step : null;
  }

  /// User chain names the ruleset declares, for completion.
  get chains(): string[] {
    return this.result?.chains ?? [];
  }

  /// The whole of a listing the last run sent in part, as a file (made in the worker).
  textFile(kind: TextKind): Promise<Blob | null> {
    return this.#client.call('textFile', kind);
  }

  /// The nftables translation of the rules of the last run (null when superseded).
  async translate(mode: NftMode): Promise<NftPreview | null> {
    const p = await this.#client.call('translate', mode, null);
    if (p && 'needRules' in p) {
      const again = await this.#client.call('translate', mode, this.scenario.rules, this.scenario.sets);
      return again && !('needRules' in again) ? again : null;
    }
    return p;
  }

  /// Lines of a translation `translate` gave (see api.nftLines); null when a newer request superseded this one.
  nftLines(id: number, start: number, end: number): Promise<string[] | { gone: true } | null> {
    return this.#client.call('nftLines', id, start, end);
  }

  /// What a share link carries.
  get shared(): SharedState {
    const ui: UiState = { packet: this.selected, step: this.playback.index, view: this.view };
    if (this.generated !== null) ui.generated = this.generated;
    if (this.example) ui.example = this.example.id;
    if (this.view === 'nft') ui.nft = this.nftMode;
    return { ...this.scenario, ui };
  }

  async #run() {
    try {
      const version = this.#rulesVersion;
      const scenario = this.scenario;
      const mine = ++this.#runs;
      const stale = () => mine !== this.#runs;
      if (this.#editorLoad?.id === version) {
        await this.#editorLoad.loaded;
        this.#editorLoad = null;
        if (stale()) return;
      }
      // Rules the worker holds are not posted again (a packet edited beside 15 MB of rules); big ones go
      // in parts (client.sendRules), then run by id.
      const big = scenario.rules.length > RULES_PART;
      const send = async () => {
        if (!big) return this.#client.call('run', scenario, { rulesId: version });
        const sent = (this.#sending = this.#client.sendRules(version, scenario.rules, stale));
        return (await sent) && this.#client.call('runHeld', { ...scenario, rules: '' }, version);
      };
      const pending = this.#heldVersion === version ? this.#client.call('runHeld', { ...scenario, rules: '' }, version) : send();
      this.#heldVersion = version;
      let out = await pending;
      // Not held after all (the worker restarted meanwhile): sent again.
      if (out && 'needRules' in out && !stale()) out = await send();
      if (!out || 'needRules' in out) return;
      // Where the playback was: at the end (the verdict) it stays at the end, elsewhere it keeps its place.
      const wasAtEnd = this.playback.length === 0 || this.playback.atEnd;
      const at = this.playback.position;
      this.#resultVersion = version;
      this.result = out;
      this.engineError = null;
      const n = this.frames.length;
      const step = this.#restoreStep ?? (wasAtEnd ? n - 1 : at);
      this.#restoreStep = null;
      this.playback.reset(n, this.#autoplay ? 0 : step);
      if (this.#autoplay) this.playback.play();
      this.#autoplay = false;
      if (!this.vocabulary) this.#loadVocabulary();
    } catch (e) {
      this.engineError = e instanceof Error ? e.message : String(e);
    }
  }

  // Once the rules on their way to the engine worker (the latest, if newer ones set off meanwhile) are there.
  async #sent() {
    for (let p = this.#sending; ; p = this.#sending) {
      await p;
      if (p === this.#sending) return;
    }
  }

  // Asked again after a run if the first request was lost to a worker restart.
  #loadVocabulary() {
    this.#client.call('vocabulary').then((v) => v && (this.vocabulary = v), () => {});
  }

  /// The share link's fragment for a state, made in the worker. The worker keeps the rules of the last
  /// run it was sent (its messages are handled in order), so they are not sent again.
  async encodeLink(state: SharedState): Promise<string | null> {
    await this.#sent();
    if (this.#heldVersion === this.#rulesVersion && state.rules === this.scenario.rules) {
      const link = await this.#client.call('shareLink', { ...state, rules: '' }, this.#rulesVersion);
      // Null: a newer link was asked for meanwhile (not a reason to post the rules).
      if (link === null || typeof link === 'string') return link;
    }
    const link = await this.#client.call('shareLink', state);
    return typeof link === 'string' ? link : null;
  }

  /// The scenario as a file (Download). With big rules the worker holds, its JSON is made there: 15 MB of
  /// JSON is a long task on the page. Null when a newer download was asked for meanwhile.
  async scenarioFile(scenario: Scenario): Promise<Blob | null> {
    await this.#sent();
    if (scenario.rules.length > BIG_RULES && this.#heldVersion === this.#rulesVersion && scenario.rules === this.scenario.rules) {
      const file = await this.#client.call('scenarioFile', { ...scenario, rules: '' }, this.#rulesVersion);
      if (file === null || file instanceof Blob) return file;
    }
    return new Blob([scenarioFileText(scenario)], { type: 'application/json' });
  }

  /// The worker's store for work too big for localStorage (persistence.ts); as for links, the rules of
  /// the last run are not sent again.
  readonly workStore: BigStore = {
    save: async (state) => {
      await this.#sent();
      if (this.#heldVersion === this.#rulesVersion && state.rules === this.scenario.rules) {
        const kept = await this.#client.call('saveWork', { ...state, rules: '' }, this.#rulesVersion);
        // Null: a newer save superseded this one (not a reason to post the rules); false: not held.
        if (kept !== false) return kept;
      }
      return this.#client.call('saveWork', state);
    },
    load: async () => {
      // Big rules stay in the worker, which runs them by id, and come to the page in parts; read again
      // from the store if the worker lost them meanwhile (a restart).
      for (let tries = 0; tries < 2; tries++) {
        const id = ++this.#ids;
        const got = await this.#client.call('loadWork', id, RULES_PART);
        if (!got) return null;
        const { rulesLength, ...state } = got;
        const read = rulesLength === undefined ? { text: state.rules, parts: null } : await this.#client.readRules(id, rulesLength);
        if (read === null) continue;
        this.#reopened = { id, rules: read.text };
        // The editor builds its document from the parts (big-text.ts); the run waits until it has: the
        // worker parsing 15 MB meanwhile takes the CPU the page needs, and the listing comes that much later.
        if (read.parts) this.#editorLoad = { id, loaded: textInParts(read.text, read.parts) };
        return { ...state, rules: read.text };
      }
      return null;
    },
    clear: () => this.#client.call('clearWork'),
  };

  dispose() {
    this.#client.dispose();
    this.playback.pause();
  }
}
