// The animation as a playback position over a packet's frames. Playing advances the position with
// requestAnimationFrame; stepping and scrubbing set it. With reduced motion the position only takes whole
// values: the dot jumps from frame to frame instead of gliding.
export const SPEEDS = [0.5, 1, 2, 4] as const;

/// Frames per second at speed 1.
const RATE = 1.25;

export class Playback {
  position = $state(0);
  playing = $state(false);
  speed = $state<number>(1);
  length = $state(0);
  reducedMotion = $state(false);
  #raf = 0;
  #last = 0;
  /// Reduced motion: progress toward the next whole frame.
  #held = 0;

  get index(): number {
    return Math.round(this.position);
  }

  get atEnd(): boolean {
    return this.position >= this.length - 1;
  }

  /// A new frame list: keep the position when asked (a re-run of the same packet), else start over.
  reset(length: number, position = 0) {
    this.pause();
    this.length = length;
    this.position = Math.max(0, Math.min(position, length - 1));
  }

  play() {
    if (this.length < 2) return;
    if (this.atEnd) this.position = 0;
    this.playing = true;
    this.#held = 0;
    this.#last = performance.now();
    this.#raf = requestAnimationFrame(this.#tick);
  }

  pause() {
    this.playing = false;
    cancelAnimationFrame(this.#raf);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  step(delta: number) {
    this.pause();
    const base = delta > 0 ? Math.floor(this.position + 1e-6) : Math.ceil(this.position - 1e-6);
    this.seek(base + delta);
  }

  seek(position: number) {
    this.position = Math.max(0, Math.min(this.length - 1, position));
  }

  setSpeed(speed: number) {
    this.speed = speed;
  }

  #tick = (now: number) => {
    if (!this.playing) return;
    const dt = (now - this.#last) / 1000;
    this.#last = now;
    if (this.reducedMotion) {
      this.#held += dt * RATE * this.speed;
      if (this.#held >= 1) {
        this.#held = 0;
        this.position = Math.min(this.length - 1, Math.floor(this.position) + 1);
      }
    } else this.position = Math.min(this.length - 1, this.position + dt * RATE * this.speed);
    if (this.atEnd) {
      this.playing = false;
      return;
    }
    this.#raf = requestAnimationFrame(this.#tick);
  };
}
