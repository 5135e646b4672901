/**
 * Layers configuration values on top of each other while remembering where every leaf came from,
 * so that a validation error can say `env TESSERA_HTTP__PORT` rather than just `http.port`.
 * Objects merge key by key; arrays and scalars replace what was there.
 */

import { isWithinPath, joinPath, pathOf } from './path.js';
import { isPlainObject } from './schema.js';

/** A configuration being built up, layer by layer, with the source of each leaf. */
export class LayeredConfig {
  /** The merged value so far; objects here are always this class's own, never an input's. */
  readonly value: Record<string, unknown> = {};
  // path → source, for every leaf (scalar or array) and every replaced subtree.
  private readonly origins = new Map<string, string>();

  /**
   * Merges a whole layer (defaults, a parsed file) into the value.
   * @param layer a plain object; nested objects merge, anything else replaces.
   * @param source what to report as the origin of every leaf it sets, e.g. `config/gate.jsonc`.
   */
  merge(layer: Record<string, unknown>, source: string): void {
    this.mergeInto(this.value, '', layer, source);
  }

  /**
   * Sets one leaf, creating objects along the way (an environment variable or a flag).
   * @param keys the key path, e.g. `['log', 'level']`; must not be empty.
   * @param source the origin to report, e.g. `flag --log.level`.
   */
  set(keys: readonly string[], value: unknown, source: string): void {
    let target = this.value;
    for (const [i, key] of keys.entries()) {
      const path = pathOf(keys.slice(0, i + 1));
      if (i === keys.length - 1) {
        this.replace(target, key, path, value, source);
      } else {
        const next = target[key];
        target = isPlainObject(next) ? next : this.replace(target, key, path, {}, source);
      }
    }
  }

  /**
   * The source of the value at `path`: its own origin, or that of the nearest ancestor that was
   * set as a whole (a problem at `etcd.hosts[2]` comes from whoever set `etcd.hosts`).
   * @returns `undefined` when no layer set anything there (e.g. a missing required key).
   */
  originOf(path: string): string | undefined {
    // The ancestors of a path are its prefixes that end before a '.' or a '[' (see isWithinPath):
    // looking each up, longest first, costs the path's length, not the number of origins.
    for (let end = path.length; end >= 0; end--) {
      if (end < path.length && path[end] !== '.' && path[end] !== '[') continue;
      const source = this.origins.get(path.slice(0, end));
      if (source !== undefined) return source;
    }
    return undefined;
  }

  private mergeInto(target: Record<string, unknown>, path: string, layer: Record<string, unknown>, source: string) {
    for (const [key, value] of Object.entries(layer)) {
      const at = joinPath(path, key);
      if (isPlainObject(value)) {
        const existing = target[key];
        const into = isPlainObject(existing) ? existing : this.replace(target, key, at, {}, source);
        this.mergeInto(into, at, value, source);
      } else {
        this.replace(target, key, at, value, source);
      }
    }
  }

  /** Puts `value` at `target[key]`, forgetting the origins of whatever was below that path. */
  private replace<V>(target: Record<string, unknown>, key: string, path: string, value: V, source: string): V {
    // Only an object has origins below it; the scan is paid for replacing one, not for every leaf.
    if (isPlainObject(target[key])) {
      for (const origin of this.origins.keys()) {
        if (isWithinPath(origin, path)) this.origins.delete(origin);
      }
    }
    target[key] = value;
    this.origins.set(path, source);
    return value;
  }
}
