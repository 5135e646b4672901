/**
 * The route dictionary: routes the gate knows in advance, sent once in the server hello, so that
 * messages carry a 2-byte code instead of the route's name. Code `i` is the `i`-th route.
 */
import { MAX_ROUTE_BYTES } from './constants.js';

const utf8 = new TextEncoder();

/** Most routes a dictionary holds: codes are 2 bytes. */
export const MAX_DICTIONARY_ROUTES = 0x1_0000;

/** Route names to codes and back. */
export class RouteDictionary {
  private readonly codes = new Map<string, number>();

  /**
   * @param routes the routes in code order.
   * @throws Error when there are too many, one repeats, is empty or is longer than 255 bytes.
   */
  constructor(readonly routes: readonly string[]) {
    if (routes.length > MAX_DICTIONARY_ROUTES) throw new Error(`route dictionary: ${routes.length} routes > ${MAX_DICTIONARY_ROUTES}`);
    routes.forEach((route, code) => {
      const bytes = utf8.encode(route).length;
      if (bytes === 0 || bytes > MAX_ROUTE_BYTES) throw new Error(`route dictionary: route ${JSON.stringify(route)} must be 1..255 bytes`);
      if (this.codes.has(route)) throw new Error(`route dictionary: ${route} appears twice`);
      this.codes.set(route, code);
    });
  }

  /** The code of `route`, or `undefined` when it is not in the dictionary. */
  codeOf(route: string): number | undefined {
    return this.codes.get(route);
  }

  /** The route of `code`, or `undefined` when there is none. */
  routeOf(code: number): string | undefined {
    return this.routes[code];
  }
}

/** A dictionary without routes: every route travels by name. */
export const EMPTY_DICTIONARY = new RouteDictionary([]);
