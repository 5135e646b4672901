/**
 * deploy/compose.yml as Docker Compose reads it: YAML with merge keys (`<<:`), then `${NAME}`,
 * `${NAME:-default}` and `${NAME:?message}` interpolated from the environment compose runs in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEPLOY_DIR } from './deploy-queries.js';

/** The path of the compose file. */
const COMPOSE_FILE = join(DEPLOY_DIR, 'compose.yml');

/** One service of the compose file, as far as the tests read it. */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}

/** The compose file, as far as the tests read it. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * Reads the compose file and interpolates it as compose does from `env`.
 *
 * @throws when the YAML is invalid or a `${NAME:?message}` names a variable `env` lacks.
 */
export function readCompose(env: Readonly<Record<string, string>>, file: string = COMPOSE_FILE): ComposeFile {
  return interpolate(parse(readFileSync(file, 'utf8'), { merge: true }), env) as ComposeFile;
}

function interpolate(value: unknown, env: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_all, name: string, op?: string, arg?: string) => {
      const set = env[name];
      if (set !== undefined && set !== '') return set;
      if (op === '?') throw new Error(`compose.yml: ${name} is not set: ${arg}`);
      return op === '-' ? arg ?? '' : '';
    });
  }
  if (Array.isArray(value)) return value.map((item) => interpolate(item, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  return value;
}
