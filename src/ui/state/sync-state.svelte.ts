// Keeps the address bar and local storage in step with the playground, for as long as it lives.
import { createStateWriter } from './persistence';
import type { Playground } from './playground.svelte';

export function syncState(pg: Playground, storage: Storage | undefined): () => void {
  const writer = createStateWriter({ encode: (s) => pg.encodeLink(s), storage, writeHash: !pg.embed, big: pg.workStore });
  const stop = $effect.root(() => {
    $effect(() => writer.schedule(pg.shared));
  });
  // Leaving the page writes what the debounce still holds.
  addEventListener('pagehide', writer.flush);
  return () => {
    stop();
    removeEventListener('pagehide', writer.flush);
  };
}
