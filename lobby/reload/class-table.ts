/**
 * The classes of a game's code that are live in this process, by file and name, so that a new
 * generation of the code reaches them (reload-hooks.ts binds each class a game module declares to
 * what {@link ClassTable.keep} answers). Live entities, components and services are instances of
 * the live classes; a reload patches those classes with the new generation's methods, so that
 * objects keep their identity and `instanceof` holds.
 *
 * One table per process, on `globalThis`: game modules reach it from code the hooks append, and
 * ESM gives them no other way to a shared object.
 */

/** A class of the live code and its counterpart in the generation being loaded. */
export interface ClassPair {
  /** `<file path>#<class name>`. */
  key: string;
  live: Function;
  next: Function;
}

/** What {@link ClassTable.finish} hands back for one generation. */
export interface LoadedClasses {
  /** Classes that are live already, with their new code. */
  pairs: ClassPair[];
  /** The new code's class for each live class it redeclares. */
  nextOf(cls: Function): Function;
  /** The live class for a class of the new code (itself when it is new). */
  liveOf(cls: Function): Function;
}

const TABLE = Symbol.for('tessera.reload.classes');

/** The process's table of live game classes. */
export class ClassTable {
  /** The game folders whose module hooks are registered in this process (game-module.ts). */
  readonly hookedRoots = new Set<string>();
  private readonly live = new Map<string, Function>();
  private loading: { staged: Map<string, Function>; pairs: ClassPair[] } | undefined;

  /**
   * The table of this process, installed on first use.
   */
  static get(): ClassTable {
    const holder = globalThis as unknown as Record<symbol, ClassTable | undefined>;
    holder[TABLE] ??= new ClassTable();
    return holder[TABLE];
  }

  /**
   * Called by game modules as they run: answers the live class of that file and name, or `cls`
   * when there is none (the first load, or a class the new generation adds).
   */
  keep(url: string, name: string, cls: Function): Function {
    const key = `${decodeURI(new URL(url).pathname)}#${name}`;
    const live = this.live.get(key);
    if (!this.loading) {
      if (!live) this.live.set(key, cls);
      return live ?? cls;
    }
    if (!live || live === cls) {
      this.loading.staged.set(key, cls);
      return cls;
    }
    if (!this.loading.pairs.some((pair) => pair.key === key)) this.loading.pairs.push({ key, live, next: cls });
    return live;
  }

  /**
   * Starts collecting a generation's classes.
   * @throws Error when another generation is being loaded.
   */
  begin(): void {
    if (this.loading) throw new Error('ClassTable.begin: a generation is being loaded already');
    this.loading = { staged: new Map(), pairs: [] };
  }

  /** Ends collecting, and answers what the generation declared. */
  finish(): LoadedClasses & { commit(): void } {
    const loading = this.loading ?? { staged: new Map(), pairs: [] };
    this.loading = undefined;
    const byLive = new Map(loading.pairs.map((pair) => [pair.live, pair.next]));
    const byNext = new Map(loading.pairs.map((pair) => [pair.next, pair.live]));
    return {
      pairs: loading.pairs,
      nextOf: (cls) => byLive.get(cls) ?? cls,
      liveOf: (cls) => byNext.get(cls) ?? cls,
      // The classes the generation adds become live with it; a refused one leaves the table as it was.
      commit: () => {
        for (const [key, cls] of loading.staged) if (!this.live.has(key)) this.live.set(key, cls);
      },
    };
  }
}
