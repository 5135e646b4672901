/** `arena.look`: what the player's hero sees, on request. */
import { Service, type ClientCaller, type Entity } from 'tessera';
import { Health, Position } from './body.js';
import { Experience } from './experience.js';
import { Hero } from './hero.js';
import { Monster } from './monster.js';
import { FIELD } from './rules.js';

/** One creature as a client sees it. */
export interface Seen {
  id: string;
  x: number;
  y: number;
  hp: number;
}

/** What `arena.look` answers. */
export interface View {
  /** The caller's hero, with its saved progress; absent before login. */
  you?: Seen & { xp: number; kills: number; deaths: number };
  /** The space the hero is in. */
  space?: { id: string; type: string };
  /** The other heroes within the hero's view radius. */
  heroes: Seen[];
  /** The monsters within the hero's view radius. */
  monsters: Seen[];
}

/** The client's view of the arena. */
export class ArenaService extends Service {
  static override clientCallable = ['look'];

  /** The caller's hero and what it sees: the heroes and monsters of its space within `FIELD.viewRadius`. */
  look(caller: ClientCaller): View {
    const hero = caller.avatar;
    if (!hero) return { heroes: [], monsters: [] };
    const heroes: Seen[] = [];
    const monsters: Seen[] = [];
    for (const other of hero.nearby(FIELD.viewRadius)) {
      if (other instanceof Hero) heroes.push(seen(other));
      else if (other instanceof Monster) monsters.push(seen(other));
    }
    const { xp, kills, deaths } = hero.get(Experience);
    const space = hero.space;
    return { you: { ...seen(hero), xp, kills, deaths }, ...(space ? { space: { id: space.id, type: space.type } } : {}), heroes, monsters };
  }
}

function seen(entity: Entity): Seen {
  const { x, y } = entity.get(Position);
  return { id: entity.id, x, y, hp: entity.get(Health).hp };
}
