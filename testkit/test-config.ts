/**
 * The configuration of a test server: the engine's defaults, then what a test needs (one process
 * on loopback, free ports, memory discovery, files in a throw-away folder, no watchdog, no log
 * output, cheap password hashing and no login rate limits), then the test's own overrides.
 */
import { join } from 'node:path';
import { checkClaims } from '../engine/config/check-claims.js';
import { checkMatchmaker } from '../engine/config/check-matchmaker.js';
import { configSchema, type Config } from '../engine/config/config-schema.js';
import { deepFreeze } from '../engine/config/deep-freeze.js';
import { defaults } from '../engine/config/defaults.js';
import { CONFIG_ERRORS, ConfigError, type ConfigProblem } from '../engine/config/errors.js';
import { LayeredConfig } from '../engine/config/layered-config.js';
import { validate } from '../engine/config/schema.js';

/** Settings a test overrides, any subset of any section: `{ lobby: { tickHz: 10 } }`. */
export type ConfigOverrides = DeepPartial<Config>;

/** `T` with every key optional, all the way down (arrays are replaced whole). */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { -readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

const LOOPBACK = '127.0.0.1';
const OVERRIDES_SOURCE = 'startTestServer({ config })';

/**
 * Builds a test server's configuration.
 * @param dir the server's folder: the LMDB store and the gate's identity key go there.
 * @param storePath the LMDB folder (default `<dir>/store`).
 * @param overrides the test's settings, over the kit's.
 * @throws ConfigError listing every setting that fails the schema or the rules across keys.
 */
export function testConfig(dir: string, storePath: string, overrides: ConfigOverrides = {}): Config {
  const layered = new LayeredConfig();
  layered.merge(defaults as unknown as Record<string, unknown>, 'defaults');
  layered.merge(
    {
      server: { role: 'standalone', host: LOOPBACK },
      log: { level: 'debug', console: { enabled: false }, file: { enabled: false } },
      store: { backend: 'lmdb', lmdb: { path: storePath } },
      cluster: { discovery: 'memory' },
      rpc: { host: LOOPBACK, port: 0 },
      http: { host: LOOPBACK, port: 0 },
      // Hashing at production cost takes tens of milliseconds per login; tests log in often.
      login: {
        scrypt: { N: 16, r: 1, p: 1 },
        rateLimit: { perIpPerMinute: 100_000, perIpPerUserPerMinute: 100_000, slowdownAfterFailures: 100_000 },
      },
      gate: { host: LOOPBACK, tcpPort: 0, wsPort: 0, kcpPort: 0, identityKeyPath: join(dir, 'gate-identity.key') },
      // A test that stops at a breakpoint is no stalled server.
      watchdog: { enabled: false },
    },
    'the test kit',
  );
  layered.merge(overrides as Record<string, unknown>, OVERRIDES_SOURCE);
  const result = validate(configSchema, layered.value);
  const problems: ConfigProblem[] = result.ok
    ? [...checkClaims(result.value, (path) => layered.originOf(path)), ...checkMatchmaker(result.value, (path) => layered.originOf(path))]
    : result.issues.map(({ path, message }) => ({ code: CONFIG_ERRORS.INVALID, source: layered.originOf(path) ?? 'merged config', path, message }));
  if (!result.ok || problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(result.value);
}
