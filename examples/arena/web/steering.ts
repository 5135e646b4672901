/**
 * Keyboard steering: WASD and the arrow keys set the direction the hero walks in. The client
 * sends a direction only when it changes (a key pressed or released that changes the sum), never
 * a position and never one message per key repeat.
 */

/** The direction each steering key adds, by `KeyboardEvent.code`; y grows downwards, as on screen. */
export const STEERING_KEYS: Readonly<Record<string, readonly [number, number]>> = {
  KeyW: [0, -1],
  ArrowUp: [0, -1],
  KeyS: [0, 1],
  ArrowDown: [0, 1],
  KeyA: [-1, 0],
  ArrowLeft: [-1, 0],
  KeyD: [1, 0],
  ArrowRight: [1, 0],
};

/** Tracks the steering keys held down and tells `send` each new direction. */
export class Steering {
  private readonly held = new Set<string>();
  private dx = 0;
  private dy = 0;

  /** @param send called with each new direction (components -1, 0 or 1; the server scales diagonals down). */
  constructor(private readonly send: (dx: number, dy: number) => void) {}

  /** A key went down. @returns whether it is a steering key (the page then keeps it from scrolling). */
  press(code: string): boolean {
    if (!(code in STEERING_KEYS)) return false;
    this.held.add(code);
    this.update();
    return true;
  }

  /** A key went up. @returns whether it is a steering key. */
  release(code: string): boolean {
    if (!(code in STEERING_KEYS)) return false;
    this.held.delete(code);
    this.update();
    return true;
  }

  /** Lets go of every key: the page lost the focus, and will not hear them go up. */
  releaseAll(): void {
    this.held.clear();
    this.update();
  }

  private update(): void {
    let dx = 0;
    let dy = 0;
    for (const code of this.held) {
      const [x, y] = STEERING_KEYS[code]!;
      dx += x;
      dy += y;
    }
    // W and the up arrow together are still up.
    dx = Math.sign(dx);
    dy = Math.sign(dy);
    if (dx === this.dx && dy === this.dy) return;
    this.dx = dx;
    this.dy = dy;
    this.send(dx, dy);
  }
}
