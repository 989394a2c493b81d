// Opening a file, from the picker or dropped anywhere on the page: a scenario (JSON, one or the first of a
// list) replaces the playground; anything else is taken as ruleset text.
import { readScenarios } from '../share/scenario-json';
import { readFileText } from './big-text';
import { nextTask } from '../worker/next-task';
import type { Playground } from './state/playground.svelte';

export async function openFile(pg: Playground, file: File): Promise<void> {
  const text = await readFileText(file);
  // Putting a big text in the state sets the page to work: not in the task that made the text.
  await nextTask();
  try {
    if (/^\s*[[{]/.test(text)) pg.load(readScenarios(text)[0]);
    else {
      // Another ruleset: the example's story no longer describes it.
      pg.dismissStory();
      pg.edit({ rules: text });
    }
    pg.say({ kind: 'info', text: `Opened ${file.name}.` });
  } catch (e) {
    pg.say({ kind: 'error', text: `${file.name}: ${(e as Error).message}` });
  }
}
