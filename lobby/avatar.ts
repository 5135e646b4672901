import { Entity } from '../engine/ecs/entity.js';
import { Inventory, Position, Velocity } from './components.js';

/** A player's avatar: the worked example of an entity. */
export class Avatar extends Entity {
  static override components = [Inventory, Position, Velocity];

  /** Gold every new avatar starts with. */
  static readonly startingGold = 100;

  override onCreate(): void {
    this.get(Inventory).gold = Avatar.startingGold;
  }
}
