/**
 * `arena.look`: what a client sees of the arena, until the engine syncs state to clients by
 * itself: its own hero, the other players' heroes and the monsters of its lobby, with their
 * positions and health.
 */
import { Service, type ClientCaller } from 'tessera';
import { Health, Position } from './body.js';
import { Experience } from './experience.js';
import { MONSTER, monsterId } from './rules.js';

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
  /** The heroes of the other players online on this lobby. */
  heroes: Seen[];
  monsters: Seen[];
}

/** A player's hero id: the engine's default avatar id for the player's account. */
function heroIdOf(uid: string): string {
  return `avatar-${uid}`;
}

/** The client's view of the arena. */
export class ArenaService extends Service {
  static override clientCallable = ['look'];

  /** The caller's hero, the other heroes and every monster of this lobby. */
  look(caller: ClientCaller): View {
    const monsters: Seen[] = [];
    for (let i = 0; i < MONSTER.homes.length; i++) {
      const monster = this.game.find(monsterId(i));
      if (monster) monsters.push(seen(monster.id, monster.get(Position), monster.get(Health)));
    }
    const hero = caller.avatar;
    const heroes: Seen[] = [];
    for (const session of this.game.sessions()) {
      const other = this.game.find(heroIdOf(session.uid));
      if (other && other !== hero) heroes.push(seen(other.id, other.get(Position), other.get(Health)));
    }
    if (!hero) return { heroes, monsters };
    const { xp, kills, deaths } = hero.get(Experience);
    return { you: { ...seen(hero.id, hero.get(Position), hero.get(Health)), xp, kills, deaths }, heroes, monsters };
  }
}

function seen(id: string, at: Position, health: Health): Seen {
  return { id, x: at.x, y: at.y, hp: health.hp };
}
