/// <reference lib="dom" />
/**
 * Draws a scene (scene.ts) on a canvas: the arena's floor, then each sprite as a disc with a
 * health bar, the player's own hero in its own colour and ringed by how far it sees (the
 * space's view radius: nothing farther reaches the client).
 */
import { ARENA_SIZE, FIELD } from '../rules.js';
import type { Sprite, SpriteKind } from './scene.js';

/** Colours, as the page's legend names them. */
export const COLORS: Readonly<Record<SpriteKind | 'down' | 'floor' | 'ring', string>> = {
  you: '#22c55e',
  hero: '#3b82f6',
  monster: '#ef4444',
  down: '#6b7280',
  floor: '#1f2937',
  ring: '#374151',
};

/** A sprite as drawn: where its centre is on the canvas, in pixels. */
export interface DrawnSprite extends Sprite {
  px: number;
  py: number;
}

/** Radius of a creature's disc, in world units. */
const BODY_RADIUS = 1.5;

/**
 * Draws `sprites` over the whole arena, scaled to the canvas.
 * @returns where each sprite was drawn.
 */
export function drawScene(canvas: HTMLCanvasElement, sprites: readonly Sprite[]): DrawnSprite[] {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context');
  const scale = Math.min(canvas.width, canvas.height) / ARENA_SIZE;
  ctx.fillStyle = COLORS.floor;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const drawn: DrawnSprite[] = [];
  for (const sprite of sprites) {
    const px = sprite.x * scale;
    const py = sprite.y * scale;
    if (sprite.kind === 'you') {
      ctx.strokeStyle = COLORS.ring;
      ctx.beginPath();
      ctx.arc(px, py, FIELD.viewRadius * scale, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.fillStyle = sprite.health > 0 ? COLORS[sprite.kind] : COLORS.down;
    ctx.beginPath();
    ctx.arc(px, py, BODY_RADIUS * scale, 0, 2 * Math.PI);
    ctx.fill();
    // The health bar, above the disc.
    const width = 2 * BODY_RADIUS * scale;
    const top = py - (BODY_RADIUS + 1) * scale;
    ctx.fillStyle = COLORS.down;
    ctx.fillRect(px - width / 2, top, width, 3);
    ctx.fillStyle = COLORS[sprite.kind];
    ctx.fillRect(px - width / 2, top, width * sprite.health, 3);
    drawn.push({ ...sprite, px, py });
  }
  return drawn;
}
