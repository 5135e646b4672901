/**
 * Fuzz target: loading the configuration from all its layers at once, fed a config file (real
 * settings with values of every type, `${ENV}` references, macros that use each other many times,
 * hostile keys; written out whole or damaged), `TESSERA_*` variables naming settings, sections,
 * records and nothing, with hostile values, and command-line flags of every form.
 *
 * What must hold: `loadConfig` returns a deeply frozen configuration or throws one ConfigError
 * whose problems all carry a catalogue code; it never throws anything else and never hangs on a
 * small input; nothing reaches `Object.prototype`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { defineFuzzTarget } from '../testing/fuzz/fuzz-target.js';
import { configSchema, ROLES, type Role } from './config-schema.js';
import { CONFIG_ERRORS, ConfigError } from './errors.js';
import { loadConfig } from './load-config.js';
import type { AnySchema } from './schema.js';

/** The three outside layers of one start-up. */
export interface ConfigInput {
  role: Role | null;
  file: string;
  env: Record<string, string>;
  argv: string[];
}

// Every setting's key path and schema, walked from the config schema (records are settings too).
function settings(schema: AnySchema, keys: string[], out: [string[], AnySchema][]): [string[], AnySchema][] {
  if (schema.kind === 'optional') return settings(schema.inner, keys, out);
  if (schema.kind === 'object') for (const [key, inner] of Object.entries(schema.shape)) settings(inner, [...keys, key], out);
  else out.push([keys, schema]);
  return out;
}
const SETTINGS = settings(configSchema, [], []);
const PATHS = SETTINGS.map(([keys]) => keys);
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''];

// A value of the kind a setting's schema asks for (its range aside), so that whole files pass
// validation often enough for the checks after it to run.
function fitting(schema: AnySchema): fc.Arbitrary<unknown> {
  switch (schema.kind) {
    case 'optional':
      return fitting(schema.inner);
    case 'oneOf':
      return fc.constantFrom(...schema.values);
    case 'boolean':
      return fc.oneof(fc.boolean(), fc.constantFrom('true', 'false'));
    case 'number':
      return fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 5_000 }).map(String));
    case 'string':
      return fc.constantFrom('x', 'info', '127.0.0.1', 'http://127.0.0.1:2379', 'redis://127.0.0.1:6379', 'examples/arena', 'a'.repeat(40));
    case 'array':
      return fc.array(fitting(schema.item), { maxLength: 2 });
    case 'record':
      return fc.dictionary(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('a', 'b.c', '*') }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_KEYS) }), fitting(schema.value), { maxKeys: 2 });
    case 'object':
      return fc.constant({});
  }
}

const setting = fc.constantFrom(...SETTINGS).chain(([keys, schema]) => fc.tuple(fc.constant(keys), fitting(schema)));
// The same as text, for a variable or a flag: arrays comma-separated.
const asText = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
const settingText = setting.map(([keys, value]): [string[], string] => [keys, Array.isArray(value) ? value.map(asText).join(',') : asText(value)]);

const path = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PATHS) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.constantFrom(...HOSTILE_KEYS)).map(([p, k]) => [...p, k]) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('log', 'gate', 'rules', 'x', ...HOSTILE_KEYS), { minLength: 1, maxLength: 3 }) },
);

const text = fc.oneof(
  fc.constantFrom('', 'info', 'gate', 'standalone', '4000', '-1', '1e400', 'NaN', 'true', 'a,b,,c', ' , ', 'http://127.0.0.1:2379', '${HOME}', '${UNSET}', '${UNSET:-x}', '$${x', '${', '${@m0}', '${@m3}', '${@nope}'),
  fc.string({ maxLength: 12 }),
);
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, 65535, 2 ** 53)) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(text, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('a', 'pass', ...HOSTILE_KEYS), text, { maxKeys: 2 }) },
);

function place(root: Record<string, unknown>, keys: string[], value: unknown): void {
  let at = root;
  for (const [i, key] of keys.entries()) {
    if (i === keys.length - 1) {
      Object.defineProperty(at, key, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    const next = Object.hasOwn(at, key) ? at[key] : undefined;
    const child = typeof next === 'object' && next !== null && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
    Object.defineProperty(at, key, { value: child, enumerable: true, writable: true, configurable: true });
    at = child;
  }
}

// Macros m0..m4, each using the one before it several times, in an array or an object: a chain
// of them multiplies.
const macros = fc.array(fc.tuple(fc.nat({ max: 12 }), fc.boolean(), leaf), { maxLength: 5 }).map((chain) => {
  const out: Record<string, unknown> = {};
  chain.forEach(([uses, asObject, value], i) => {
    const refs = Array.from({ length: uses }, () => `\${@m${i - 1}}`);
    out[`m${i}`] = i === 0 ? value : asObject ? Object.fromEntries(refs.map((ref, k) => [`k${k}`, ref])) : refs;
  });
  return out;
});

const fileObject = fc.tuple(
  fc.array(fc.oneof({ weight: 5, arbitrary: setting }, { weight: 1, arbitrary: fc.tuple(path, leaf) }), { maxLength: 8 }),
  fc.option(macros, { nil: undefined, freq: 3 }),
).map(([settings, defined]) => {
  const root: Record<string, unknown> = {};
  if (defined) root['$macros'] = defined;
  for (const [keys, value] of settings) place(root, keys, value);
  return root;
});

const file = fc.oneof(
  { weight: 6, arbitrary: fileObject.map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.tuple(fileObject, fc.nat(), fc.nat({ max: 4 }), fc.constantFrom('', '}', '{', ',', '"', '/*')).map(([o, at, drop, insert]) => {
    const json = JSON.stringify(o);
    const i = at % (json.length + 1);
    return json.slice(0, i) + insert + json.slice(i + drop);
  }) },
  { weight: 1, arbitrary: fc.constantFrom('', '[]', 'null', '"x"', '{"$macros": 1}', '\uFEFF{}') },
);

const envName = (keys: string[]): string => `TESSERA_${keys.map((k) => k.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()).join('__')}`;
const envEntry = fc.oneof(
  { weight: 4, arbitrary: settingText.map(([keys, value]) => [envName(keys), value] as const) },
  { weight: 1, arbitrary: fc.tuple(path.map(envName), text) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom('TESSERA_', 'TESSERA___', 'TESSERA_LOG____LEVEL', 'TESSERA___PROTO__', 'TESSERA_GATE__RULES____PROTO__', 'TESSERA_GATE__RULES__CONSTRUCTOR', 'HOME', 'UNSET'),
      text,
    ),
  },
);
const env = fc.array(envEntry, { maxLength: 5 }).map((entries) => Object.fromEntries(entries));

const flag = fc.oneof(
  { weight: 4, arbitrary: settingText.map(([keys, value]) => [`--${keys.join('.')}=${value}`]) },
  { weight: 2, arbitrary: settingText.map(([keys, value]) => [`--${keys.join('.')}`, value]) },
  { weight: 2, arbitrary: fc.tuple(path, text).map(([keys, value]) => [`--${keys.join('.')}=${value}`]) },
  { weight: 1, arbitrary: fc.constantFrom(['--role', 'gate'], ['--role'], ['--game', 'x'], ['--config'], ['--config', '$MISSING'], ['--'], ['stray'], ['--=x'], ['---'], ['--log.console.colors', 'false']) },
);
const argv = fc.array(flag, { maxLength: 4 }).map((flags) => flags.flat());

const input: fc.Arbitrary<ConfigInput> = fc.record({ role: fc.option(fc.constantFrom(...ROLES), { nil: null }), file, env, argv });

const CODES = new Set<string>(Object.values(CONFIG_ERRORS));
const ORIGINAL_PROTOTYPE = new Set(Object.getOwnPropertyNames(Object.prototype));

let dir: string | undefined;

function deeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(deeplyFrozen);
}

/** Fuzz target for {@link loadConfig}. */
export const fuzzTarget = defineFuzzTarget<ConfigInput>({
  name: 'config.load-config',
  description: 'a config file, TESSERA_* variables and command-line flags into loadConfig',
  arbitrary: input,
  check({ role, file: contents, env: variables, argv: args }) {
    if (!dir) {
      const made = mkdtempSync(join(tmpdir(), 'tessera-config-fuzz-'));
      dir = made;
      process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    }
    const path = join(dir, 'fuzz.jsonc');
    writeFileSync(path, contents);
    const argv = args.map((arg) => (arg === '$MISSING' ? join(dir!, 'missing.jsonc') : arg));
    try {
      const config = loadConfig({ ...(role ? { role } : {}), file: path, configDir: dir, env: variables, argv });
      if (!deeplyFrozen(config)) throw new Error('loaded a configuration that is not deeply frozen');
    } catch (err) {
      if (!(err instanceof ConfigError)) throw new Error(`loadConfig threw something else than a ConfigError: ${String(err)}`, { cause: err });
      const odd = err.problems.find((p) => !CODES.has(p.code) || typeof p.source !== 'string' || typeof p.path !== 'string' || typeof p.message !== 'string');
      if (odd) throw new Error(`a problem without a catalogue code: ${JSON.stringify(odd)}`);
    }
    const polluted = Object.getOwnPropertyNames(Object.prototype).filter((name) => !ORIGINAL_PROTOTYPE.has(name));
    if (polluted.length) throw new Error(`Object.prototype gained ${polluted.join(', ')}`);
  },
});
