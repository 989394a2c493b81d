// Where the playground's state lives between visits: the URL fragment (a share link, written with
// history.replaceState so the back button is not flooded) and localStorage (work survives a reload and a
// failed link). Both hold the same compressed link text, made off the main thread and at most every
// `delay` ms: a big dump is megabytes of JSON.
import { decodeShareLink, encodeShareLink, isShareLink, ShareLinkError, type SharedState } from '../../share/share-link';

export const STORAGE_KEY = 'nfplay:work';

/// Past this, the address bar gets no link (it would be slow to write and cut by the apps that carry it):
/// the work lives in local storage, and the Share button still makes the full link on request.
export const MAX_HASH_CHARS = 100_000;

export async function loadLocal(storage: Storage | undefined): Promise<SharedState | null> {
  try {
    const link = storage?.getItem(STORAGE_KEY);
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
export async function initialState(hash: string, storage: Storage | undefined): Promise<Initial> {
  if (isShareLink(hash)) {
    try {
      return { state: await decodeShareLink(hash), linkError: null, fromLink: true };
    } catch (e) {
      const why = e instanceof ShareLinkError ? e.message : 'the link could not be read';
      return { state: await loadLocal(storage), linkError: `This share link could not be opened: ${why}.`, fromLink: false };
    }
  }
  return { state: await loadLocal(storage), linkError: null, fromLink: false };
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
}

export function createStateWriter(opts: StateWriterOptions) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: SharedState | null = null;
  const flush = async () => {
    clearTimeout(timer);
    const state = pending;
    pending = null;
    if (!state) return;
    const link = await opts.encode(state).catch(() => null);
    if (!link || pending) return;
    try {
      opts.storage?.setItem(STORAGE_KEY, link);
    } catch {
      // Quota or privacy mode: the URL still carries the state.
    }
    if (!opts.writeHash) return;
    // An oversize state clears the fragment, so a reload restores the saved work, not an older link.
    const url = link.length <= MAX_HASH_CHARS ? urlWithLink(link) : location.href.replace(/#.*$/, '');
    history.replaceState(history.state, '', url);
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
