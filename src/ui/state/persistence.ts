// Where the playground's state lives between visits: the URL fragment (a share link, written with
// history.replaceState so the back button is not flooded) and localStorage (work survives a reload and a
// failed link). Both hold the same compressed link text, made off the main thread and at most every
// `delay` ms: a big dump is megabytes of JSON. Work with rules past BIG_RULES is kept by the worker in
// IndexedDB instead (localStorage then holds a marker): writing megabytes to localStorage, and reading
// and unpacking them at the next visit, are long tasks on the main thread.
import { decodeShareLink, encodeShareLink, isShareLink, ShareLinkError, type SharedState } from '../../share/share-link';

export const STORAGE_KEY = 'nfplay:work';

/// Past this, the address bar gets no link (it would be slow to write and cut by the apps that carry it):
/// the work lives in local storage, and the Share button still makes the full link on request.
export const MAX_HASH_CHARS = 100_000;

/// Rules longer than this are saved through the worker (see BigStore).
export const BIG_RULES = 1 << 19;

/// What localStorage holds while the work is in the worker's IndexedDB.
export const IN_WORKER_STORE = 'idb:v1';

/// The worker's store for big work. `save` resolves to false when it could not keep it, null when superseded.
export interface BigStore {
  save(state: SharedState): Promise<boolean | null>;
  load(): Promise<SharedState | null>;
  clear(): Promise<unknown>;
}

export async function loadLocal(storage: Storage | undefined, big?: Pick<BigStore, 'load'>): Promise<SharedState | null> {
  try {
    const link = storage?.getItem(STORAGE_KEY);
    if (link === IN_WORKER_STORE) return (await big?.load()) ?? null;
    return link ? await decodeShareLink(link) : null;
  } catch {
    return null;
  }
}

export interface Initial {
  state: SharedState | null;
  /// Why the link in the address bar could not be opened.
  linkError: string | null;
  fromLink: boolean;
}

/// The state to open on: a share link wins, then the work saved locally; null means the default example.
export async function initialState(hash: string, storage: Storage | undefined, big?: Pick<BigStore, 'load'>): Promise<Initial> {
  if (isShareLink(hash)) {
    try {
      return { state: await decodeShareLink(hash), linkError: null, fromLink: true };
    } catch (e) {
      const why = e instanceof ShareLinkError ? e.message : 'the link could not be read';
      return { state: await loadLocal(storage, big), linkError: `This share link could not be opened: ${why}.`, fromLink: false };
    }
  }
  return { state: await loadLocal(storage, big), linkError: null, fromLink: false };
}

export function urlWithLink(link: string, base = location.href): string {
  const url = new URL(base);
  url.hash = link;
  return url.href;
}

export async function shareUrl(state: SharedState, base = location.href): Promise<string> {
  return urlWithLink(await encodeShareLink(state), base);
}

export interface StateWriterOptions {
  /// Makes the link text; null when the work was superseded.
  encode: (state: SharedState) => Promise<string | null>;
  storage?: Storage;
  writeHash: boolean;
  delay?: number;
  /// Where work with big rules goes (with `storage` only: an embed keeps nothing).
  big?: Pick<BigStore, 'save' | 'clear'>;
}

function readMarker(storage: Storage | undefined): boolean {
  try {
    return storage?.getItem(STORAGE_KEY) === IN_WORKER_STORE;
  } catch {
    return false;
  }
}

export function createStateWriter(opts: StateWriterOptions) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: SharedState | null = null;
  // Whether the worker's store holds the work (to be cleared once the work is small again).
  let inBig = readMarker(opts.storage);
  const clearHash = () => opts.writeHash && history.replaceState(history.state, '', location.href.replace(/#.*$/, ''));
  const flush = async () => {
    clearTimeout(timer);
    const state = pending;
    pending = null;
    if (!state) return;
    if (opts.big && opts.storage && state.rules.length > BIG_RULES) {
      const kept = await opts.big.save(state).catch(() => false);
      if (kept === null || pending) return;
      if (kept) {
        inBig = true;
        try {
          opts.storage.setItem(STORAGE_KEY, IN_WORKER_STORE);
        } catch {
          // Quota or privacy mode: nothing to restore from.
        }
        // Too big for the address bar too: a reload opens the saved work.
        clearHash();
        return;
      }
    }
    const link = await opts.encode(state).catch(() => null);
    if (!link || pending) return;
    try {
      opts.storage?.setItem(STORAGE_KEY, link);
      if (inBig) void opts.big?.clear().catch(() => {});
      inBig = false;
    } catch {
      // Quota or privacy mode: the URL still carries the state.
    }
    if (!opts.writeHash) return;
    // An oversize state clears the fragment, so a reload restores the saved work, not an older link.
    if (link.length > MAX_HASH_CHARS) return void clearHash();
    history.replaceState(history.state, '', urlWithLink(link));
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
