// Where the playground's state lives between visits: the URL fragment (a share link, written with
// history.replaceState so the back button is not flooded) and localStorage (work survives a reload and a
// failed link). Writing is debounced: encoding compresses the whole ruleset.
import { toScenario } from '../../share/scenario-json';
import { decodeShareLink, encodeShareLink, isShareLink, ShareLinkError, type SharedState } from '../../share/share-link';

export const STORAGE_KEY = 'nfplay:work';

export function loadLocal(storage: Storage | undefined): SharedState | null {
  try {
    const text = storage?.getItem(STORAGE_KEY);
    return text ? (toScenario(JSON.parse(text)) as SharedState) : null;
  } catch {
    return null;
  }
}

export function saveLocal(storage: Storage | undefined, state: SharedState) {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch {
    // Quota or privacy mode: the URL still carries the state.
  }
}

export interface Initial {
  state: SharedState | null;
  /// Why the link in the address bar could not be opened.
  linkError: string | null;
  fromLink: boolean;
}

/// The state to open on: a share link wins, then the work saved locally; null means the default example.
export async function initialState(hash: string, storage: Storage | undefined): Promise<Initial> {
  if (isShareLink(hash)) {
    try {
      return { state: await decodeShareLink(hash), linkError: null, fromLink: true };
    } catch (e) {
      const why = e instanceof ShareLinkError ? e.message : 'the link could not be read';
      return { state: loadLocal(storage), linkError: `This share link could not be opened: ${why}.`, fromLink: false };
    }
  }
  return { state: loadLocal(storage), linkError: null, fromLink: false };
}

export async function shareUrl(state: SharedState, base = location.href): Promise<string> {
  const url = new URL(base);
  url.hash = await encodeShareLink(state);
  return url.href;
}

/// Keeps the address bar and local storage in step with the state, at most every `delay` ms.
export function createStateWriter(opts: { delay?: number; storage?: Storage; writeHash: boolean }) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: SharedState | null = null;
  let seq = 0;
  const flush = async () => {
    clearTimeout(timer);
    const state = pending;
    pending = null;
    if (!state) return;
    if (opts.storage) saveLocal(opts.storage, state);
    if (!opts.writeHash) return;
    const mine = ++seq;
    const href = await shareUrl(state);
    if (mine === seq) history.replaceState(history.state, '', href);
  };
  return {
    schedule(state: SharedState) {
      pending = state;
      clearTimeout(timer);
      timer = setTimeout(flush, opts.delay ?? 400);
    },
    flush,
  };
}
