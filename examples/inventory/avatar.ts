import { PlayerEntity, type ComponentClass } from 'tessera';
import { Chat, Echo, Inventory, Position, Velocity } from './components.js';

/** A player's avatar, bound to its player's session while online. */
export class Avatar extends PlayerEntity {
  // Typed as the base's list, so that a subclass can add components of its own.
  static override components: readonly ComponentClass[] = [Inventory, Position, Velocity, Chat, Echo];

  /** Gold every new avatar starts with. */
  static readonly startingGold = 100;

  override onCreate(): void {
    this.get(Inventory).gold = Avatar.startingGold;
  }
}
