/**
 * The worked example's components: an inventory that is saved, and hot position and velocity
 * that systems move every tick.
 */
import { Component } from '../engine/ecs/component.js';

/** Gold and items, saved with the avatar; the owning client may buy, other servers may grant. */
export class Inventory extends Component {
  static override persist = ['gold', 'items'];
  static override clientCallable = ['buy'];
  static override serverCallable = ['grant'];
  /** Most items an inventory holds. */
  static readonly capacity = 64;

  gold = 0;
  items: string[] = [];

  /**
   * Spends `price` gold on `item`; saved at once, since gold changed hands.
   * @throws Error when the gold is short or the inventory is full.
   */
  buy(item: string, price: number): void {
    if (!Number.isInteger(price) || price < 0) throw new Error(`bad price ${price}`);
    if (price > this.gold) throw new Error(`not enough gold: ${this.gold} < ${price}`);
    if (this.items.length >= Inventory.capacity) throw new Error('inventory full');
    this.gold -= price;
    this.items.push(item);
    this.markDirty({ critical: true });
  }

  /** Adds gold (a quest reward from another server). */
  grant(gold: number): void {
    if (!Number.isInteger(gold) || gold <= 0) throw new Error(`bad grant ${gold}`);
    this.gold += gold;
  }
}

/** Where the avatar is, in world units. */
export class Position extends Component {
  static override hot = { x: 'f32', y: 'f32' } as const;
  declare x: number;
  declare y: number;
}

/** How fast the avatar moves, in world units per second. */
export class Velocity extends Component {
  static override requires = [Position];
  static override hot = { x: 'f32', y: 'f32' } as const;
  declare x: number;
  declare y: number;
}
