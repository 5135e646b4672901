/**
 * The inventory example's components: an inventory that is saved and tells its client when it
 * changes, hot position and velocity that a system moves every tick, a chat that broadcasts to
 * every player on this lobby, and an echo for benchmarks and smoke tests.
 */
import { broadcast, Component, GameError, playerOf, sessionOf } from 'tessera';

/** Gold and items, saved with the avatar; the owning client may buy, other servers may grant. */
export class Inventory extends Component {
  static override persist = ['gold', 'items'];
  static override clientCallable = ['buy'];
  static override serverCallable = ['grant'];
  /** Most items an inventory holds. */
  static readonly capacity = 64;
  /** Longest item name, in characters. */
  static readonly maxItemName = 64;

  gold = 0;
  items: string[] = [];

  /**
   * Spends `price` gold on `item`; saved at once, since gold changed hands.
   * @throws GameError SHOP_ERR_BAD_ITEM, SHOP_ERR_BAD_PRICE, SHOP_ERR_POOR or SHOP_ERR_FULL.
   */
  buy(item: string, price: number): void {
    // Arguments come from the client: check them before anything changes or is saved.
    if (typeof item !== 'string' || item.length === 0 || item.length > Inventory.maxItemName) throw new GameError('SHOP_ERR_BAD_ITEM', 'bad item name');
    if (!Number.isInteger(price) || price < 0) throw new GameError('SHOP_ERR_BAD_PRICE', 'bad price');
    if (price > this.gold) throw new GameError('SHOP_ERR_POOR', 'not enough gold');
    if (this.items.length >= Inventory.capacity) throw new GameError('SHOP_ERR_FULL', 'inventory full');
    this.gold -= price;
    this.items.push(item);
    this.markDirty({ critical: true });
    // Offline, or not a player's inventory: there is nobody to tell.
    sessionOf(this)?.push('inventory.changed', { gold: this.gold, items: this.items });
  }

  /** Adds gold (a quest reward from another server). */
  grant(gold: number): void {
    if (!Number.isInteger(gold) || gold <= 0) throw new GameError('SHOP_ERR_BAD_GRANT', 'bad grant');
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

/** Lobby-wide chat: what a player says goes to every player bound to this lobby. */
export class Chat extends Component {
  static override clientCallable = ['say'];
  /** Longest line, in characters. */
  static readonly maxLength = 256;

  /**
   * Sends `text` to everyone on this lobby on route `chat.message` as `{ from, text }`.
   * @returns how many gates the line went to (0 when the speaker has no session).
   * @throws GameError CHAT_ERR_BAD_TEXT when `text` is not a string of 1 to {@link Chat.maxLength} characters.
   */
  say(text: string): number {
    if (typeof text !== 'string' || text.length === 0 || text.length > Chat.maxLength) throw new GameError('CHAT_ERR_BAD_TEXT', `say 1 to ${Chat.maxLength} characters`);
    const player = playerOf(this);
    if (!player.session || !player.lobby) return 0;
    return broadcast(player.lobby.sessions(), 'chat.message', { from: player.session.uid, text });
  }
}

/** Answers with what it was given: route `Echo.echo`, used by the gate benchmark. */
export class Echo extends Component {
  static override clientCallable = ['echo'];

  /** Returns `value` unchanged. */
  echo(value: unknown): unknown {
    return value;
  }
}
