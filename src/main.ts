// Entry: pick the state to open on (share link, saved work, or the default example), then mount.
import { mount } from 'svelte';
import App from './ui/App.svelte';
import { DEFAULT_EXAMPLE } from './ui/examples';
import { initialState } from './ui/state/persistence';
import { Playground } from './ui/state/playground.svelte';
import { syncState } from './ui/state/sync-state.svelte';
import './ui/app.css';

const params = new URLSearchParams(location.search);
const embed = params.has('embed');
// An embed never touches the visitor's saved work.
const storage = embed ? undefined : safeLocalStorage();

const pg = new Playground({ embed, autoplay: params.has('autoplay'), editor: params.has('editor'), readOnly: params.has('readonly') });
const motion = matchMedia('(prefers-reduced-motion: reduce)');
pg.playback.reducedMotion = motion.matches;
motion.addEventListener('change', () => (pg.playback.reducedMotion = motion.matches));

const init = await initialState(location.hash, storage, pg.workStore);
// Reopened work can be megabytes, received in the task that ends here: the page is built in a task of its own.
await new Promise((ok) => setTimeout(ok));
if (init.state) pg.load(init.state);
else pg.loadExample(DEFAULT_EXAMPLE);
if (init.linkError) pg.say({ kind: 'error', text: init.linkError + ' Your last work (or the example) is shown instead.' });

// A link pasted into the address bar of an open playground changes only the fragment.
addEventListener('hashchange', async () => {
  const next = await initialState(location.hash, undefined);
  if (next.fromLink && next.state) pg.load(next.state);
  else if (next.linkError) pg.say({ kind: 'error', text: next.linkError });
});

document.documentElement.classList.toggle('embed', embed);
mount(App, { target: document.getElementById('app')!, props: { pg } });
syncState(pg, storage);

// Offline after the first visit (production builds only: the dev server's modules change under it).
if (import.meta.env.PROD && 'serviceWorker' in navigator && location.protocol !== 'file:')
  navigator.serviceWorker.register('./sw.js').catch(() => {});

function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
