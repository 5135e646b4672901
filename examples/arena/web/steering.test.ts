import { describe, expect, it } from 'vitest';
import { Steering } from './steering.js';

function steer(): { steering: Steering; sent: [number, number][] } {
  const sent: [number, number][] = [];
  return { steering: new Steering((dx, dy) => sent.push([dx, dy])), sent };
}

describe('keyboard steering', () => {
  it('sends the direction of WASD and arrow keys, summed while several are held, and (0, 0) once all are up', () => {
    const { steering, sent } = steer();
    expect(steering.press('KeyD')).toBe(true);
    expect(steering.press('ArrowUp')).toBe(true);
    expect(steering.release('KeyD')).toBe(true);
    steering.press('KeyA');
    steering.release('ArrowUp');
    steering.release('KeyA');
    expect(sent).toEqual([[1, 0], [1, -1], [0, -1], [-1, -1], [-1, 0], [0, 0]]);
  });

  it('sends nothing for key repeats, for keys that cancel out, or for other keys', () => {
    const { steering, sent } = steer();
    steering.press('KeyW');
    steering.press('KeyW');
    steering.press('ArrowUp');
    expect(steering.press('Space')).toBe(false);
    expect(steering.release('KeyQ')).toBe(false);
    steering.release('KeyW');
    steering.press('ArrowDown');
    expect(sent).toEqual([[0, -1], [0, 0]]);
  });

  it('stops when the page loses the focus with keys still held', () => {
    const { steering, sent } = steer();
    steering.press('KeyS');
    steering.press('KeyD');
    steering.releaseAll();
    steering.releaseAll();
    expect(sent).toEqual([[0, 1], [1, 1], [0, 0]]);
  });
});
