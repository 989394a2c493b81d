// A turn of the event loop, for long work on the page to await between its slices so that input and
// drawing get their turn. setTimeout(0) is clamped to 4 ms once nested, which adds up over a hundred
// slices; a message on a channel of our own is not.
const waiting: (() => void)[] = [];
let channel: MessageChannel | null = null;

export function nextTask(): Promise<void> {
  return new Promise<void>((ok) => {
    if (typeof MessageChannel !== 'function') return void setTimeout(ok);
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    waiting.push(ok);
    channel.port2.postMessage(null);
  });
}
