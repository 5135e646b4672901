/**
 * The inventory example: every player has an avatar with an inventory (buy items with gold, saved
 * at once), a position moved by a system, a lobby-wide chat and an echo. Run it with
 * `npm start -- --game examples/inventory` (the standalone default).
 */
import { defineGame } from 'tessera';
import { Avatar } from './avatar.js';
import { movementSystem } from './movement-system.js';

export default defineGame({
  name: 'inventory',
  entities: { Avatar },
  player: Avatar,
  systems: [movementSystem],
});
