// Editors hand their text to the state once typing pauses. Whatever reads the whole state for the user
// (a share link, a download, a proposal's copy of the rules) first takes the text still on its way, or a
// click right after typing would miss the last keystrokes.
const pending = new Set<() => Promise<void>>();

/// Registers an editor's pending hand-over until it has run; returns the function that unregisters it.
export function holdEdit(handOver: () => Promise<void>): () => void {
  pending.add(handOver);
  return () => pending.delete(handOver);
}

/// Runs every pending hand-over now.
export async function flushEdits(): Promise<void> {
  await Promise.all([...pending].map((f) => f()));
}
