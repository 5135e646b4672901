import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaults } from './defaults.js';
import { CONFIG_ERRORS, ConfigError, type ConfigProblem } from './errors.js';
import { loadConfig, type LoadConfigOptions } from './load-config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (name: string, text: string) => writeFile(join(dir, name), text);
const load = (options: LoadConfigOptions = {}) => loadConfig({ configDir: dir, env: {}, argv: [], ...options });
/** A cluster secret for the roles that need one. */
const SECRET = { TESSERA_RPC__SECRET: 'a-cluster-secret-of-at-least-32-bytes' };

/** The problems of the ConfigError that `fn` throws. */
function problemsOf(fn: () => unknown): readonly ConfigProblem[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns the defaults when there is no file, no environment and no flags', () => {
    expect(load()).toEqual(defaults);
  });

  it('reads config/<role>.jsonc for the role, from the option, the environment or --role', async () => {
    await write('gate.jsonc', '{ "server": { "role": "gate" }, "http": { "port": 1 } }');
    await write('lobby.jsonc', '{ "server": { "role": "lobby" }, "http": { "port": 2 } }');
    expect(load({ role: 'gate', env: SECRET }).http.port).toBe(1);
    expect(load({ role: 'gate', env: { ...SECRET, TESSERA_SERVER__ROLE: 'lobby' } }).http.port).toBe(2);
    const viaFlag = load({ role: 'gate', env: { ...SECRET, TESSERA_SERVER__ROLE: 'gate' }, argv: ['--role', 'lobby'] });
    expect([viaFlag.server.role, viaFlag.http.port]).toEqual(['lobby', 2]);
  });

  it('sets server.role from the role option even when the role has no file', () => {
    expect(load({ role: 'services', env: SECRET }).server.role).toBe('services');
  });

  it('requires an rpc.secret of at least 32 bytes for every role but standalone, and never shows it', () => {
    expect(load().rpc.secret).toBeUndefined();
    expect(problemsOf(() => load({ role: 'lobby' }))).toEqual([
      { code: CONFIG_ERRORS.INVALID, source: 'merged config', path: 'rpc.secret', message: expect.stringMatching(/^required for role lobby: .*TESSERA_RPC__SECRET/) },
    ]);
    const short = problemsOf(() => load({ role: 'gate', env: { TESSERA_RPC__SECRET: 'hunter2-hunter2' } }));
    expect(short).toEqual([
      { code: CONFIG_ERRORS.INVALID, source: 'env TESSERA_RPC__SECRET', path: 'rpc.secret', message: expect.stringMatching(/^expected at least 32 bytes, got 15 \(not shown\)/) },
    ]);
    expect(JSON.stringify(short)).not.toContain('hunter2');
    expect(load({ role: 'gate', env: SECRET }).rpc.secret).toBe(SECRET.TESSERA_RPC__SECRET);
  });

  it('layers defaults < file < environment < flags', async () => {
    await write(
      'standalone.jsonc',
      `{ "log": { "level": "warn" }, "http": { "port": 1000, "host": "file-host" }, "redis": { "url": "redis://file" } }`,
    );
    const config = load({
      env: { TESSERA_HTTP__PORT: '2000', TESSERA_REDIS__URL: 'redis://env' },
      argv: ['--redis.url=redis://flag'],
    });
    expect(config.log.level).toBe('warn'); // file over defaults
    expect(config.log.console).toEqual(defaults.log.console); // untouched defaults survive the deep merge
    expect(config.http).toEqual({ ...defaults.http, host: 'file-host', port: 2000 }); // env over file, coerced from "2000"
    expect(config.redis.url).toBe('redis://flag'); // flag over env
  });

  it('replaces arrays rather than merging them', async () => {
    await write('standalone.jsonc', '{ "etcd": { "hosts": ["http://a:1", "http://b:2"] } }');
    expect(load().etcd.hosts).toEqual(['http://a:1', 'http://b:2']);
    expect(load({ env: { TESSERA_ETCD__HOSTS: 'http://c:3' } }).etcd.hosts).toEqual(['http://c:3']);
  });

  it('expands ${ENV} and macros in the file using the given env', async () => {
    await write(
      'standalone.jsonc',
      `{
        // comments and trailing commas are fine
        "$macros": { "lo": "127.0.0.2", "mongo": { "url": "mongodb://\${@lo}:\${MONGO_PORT:-27017}" } },
        "store": { "mongodb": "\${@mongo}" },
        "http": { "port": "\${PORT}", },
      }`,
    );
    const config = load({ env: { PORT: '4000' } });
    expect(config.http.port).toBe(4000);
    expect(config.store.mongodb.url).toBe('mongodb://127.0.0.2:27017');
    expect(config.store.mongodb.database).toBe(defaults.store.mongodb.database);
  });

  it('loads the file named by --config in place of the role file', async () => {
    await write('standalone.jsonc', '{ "http": { "port": 1 } }');
    await write('custom.jsonc', '{ "http": { "port": 2 } }');
    expect(load({ argv: ['--config', join(dir, 'custom.jsonc')] }).http.port).toBe(2);
    expect(load({ file: join(dir, 'custom.jsonc') }).http.port).toBe(2);
    expect(load({ name: 'custom' }).http.port).toBe(2);
  });

  it('requires a file asked for by --config, file or name to exist', () => {
    const missing = join(dir, 'missing.jsonc');
    expect(problemsOf(() => load({ argv: [`--config=${missing}`] }))).toEqual([
      { code: CONFIG_ERRORS.FILE_READ, source: missing, path: '', message: 'config file not found' },
    ]);
    expect(problemsOf(() => load({ file: missing }))[0]?.code).toBe(CONFIG_ERRORS.FILE_READ);
    expect(problemsOf(() => load({ name: 'missing' }))[0]?.code).toBe(CONFIG_ERRORS.FILE_READ);
  });

  it('reports a role file that exists but cannot be read', async () => {
    await mkdir(join(dir, 'standalone.jsonc'));
    expect(problemsOf(() => load())).toMatchObject([
      { code: CONFIG_ERRORS.FILE_READ, source: join(dir, 'standalone.jsonc'), message: expect.stringMatching(/^cannot read the config file: EISDIR/) },
    ]);
  });

  it('reports a validation error with the file, the key path and the problem', async () => {
    await write('gate.jsonc', '{ "server": { "role": "gate" }, "log": { "level": "loud" } }');
    const file = join(dir, 'gate.jsonc');
    let error: unknown;
    try {
      load({ role: 'gate' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `Invalid configuration (1 problem):\n  ${file}: log.level: expected one of "error", "warn", "info", "debug", got "loud"`,
    );
  });

  it('names the environment variable or flag that set a bad value', () => {
    expect(problemsOf(() => load({ env: { TESSERA_HTTP__PORT: '80a' }, argv: ['--log.file.max-days=0'] }))).toEqual([
      {
        code: CONFIG_ERRORS.INVALID,
        source: 'flag --log.file.max-days',
        path: 'log.file.maxDays',
        message: 'expected an integer >= 1, got "0"',
      },
      {
        code: CONFIG_ERRORS.INVALID,
        source: 'env TESSERA_HTTP__PORT',
        path: 'http.port',
        message: 'expected an integer from 0 to 65535, got "80a"',
      },
    ]);
  });

  it('takes login.cors.origins as a list of exact origins, refusing a path, a trailing slash or another scheme', () => {
    const origins = (value: string) => load({ env: { TESSERA_LOGIN__CORS__ORIGINS: value } }).login.cors.origins;
    expect(origins('http://127.0.0.1:5173,https://play.example.com,http://[::1]:8000')).toEqual(['http://127.0.0.1:5173', 'https://play.example.com', 'http://[::1]:8000']);
    for (const bad of ['http://127.0.0.1:5173/', 'https://play.example.com/game', 'file://x', '*', 'HTTP://Play.example.com']) {
      expect(problemsOf(() => origins(bad)).map((p) => p.path), bad).toEqual(['login.cors.origins[0]']);
    }
  });

  it('takes login.rateLimit.exempt as a list of addresses and CIDR ranges, refusing names and prefixes too long', () => {
    const exempt = (value: string) => load({ env: { TESSERA_LOGIN__RATE_LIMIT__EXEMPT: value } }).login.rateLimit.exempt;
    expect(exempt('127.0.0.0/8,::1,10.1.2.3,fd00::/8')).toEqual(['127.0.0.0/8', '::1', '10.1.2.3', 'fd00::/8']);
    for (const bad of ['localhost', '10.0.0.0/33', '::/129', '1.2.3']) {
      expect(problemsOf(() => exempt(bad)), bad).toEqual([
        { code: CONFIG_ERRORS.INVALID, source: 'env TESSERA_LOGIN__RATE_LIMIT__EXEMPT', path: 'login.rateLimit.exempt[0]', message: expect.stringMatching(/IP address or a CIDR range|matching/) },
      ]);
    }
  });

  it('requires store.claimRenewMs below store.claimTtlMs, naming the key and where it came from', async () => {
    await write('lobby.jsonc', '{ "store": { "claimTtlMs": 6000, "claimRenewMs": 6000 } }');
    expect(problemsOf(() => load({ role: 'lobby', env: SECRET }))).toEqual([
      { code: CONFIG_ERRORS.INVALID, source: join(dir, 'lobby.jsonc'), path: 'store.claimRenewMs', message: expect.stringMatching(/^must be below store\.claimTtlMs \(6000\), got 6000/) },
    ]);
    expect(problemsOf(() => load({ env: { TESSERA_STORE__CLAIM_TTL_MS: '4000', TESSERA_STORE__CLAIM_RENEW_MS: '4500' } }))).toEqual([
      { code: CONFIG_ERRORS.INVALID, source: 'env TESSERA_STORE__CLAIM_RENEW_MS', path: 'store.claimRenewMs', message: expect.stringMatching(/^must be below store\.claimTtlMs \(4000\), got 4500/) },
    ]);
    // A bind may wait longer than a claim lives: that only delays LOBBY_ERR_AVATAR_BUSY.
    const ok = load({ env: { TESSERA_STORE__CLAIM_TTL_MS: '4000', TESSERA_STORE__CLAIM_RENEW_MS: '3999' } }).store;
    expect([ok.claimTtlMs, ok.claimRenewMs, ok.claimWaitMs]).toEqual([4000, 3999, 5000]);
  });

  it('rejects unknown keys in the file', async () => {
    await write('standalone.jsonc', '{ "log": { "levl": "debug" } }');
    expect(problemsOf(() => load())).toEqual([
      {
        code: CONFIG_ERRORS.INVALID,
        source: join(dir, 'standalone.jsonc'),
        path: 'log.levl',
        message: 'unknown key; expected one of: level, console, file',
      },
    ]);
  });

  it('collects every problem from every layer into one error', async () => {
    await write('standalone.jsonc', '{ "http": { "port": -1 }, "redis": { "url": "${REDIS_URL}" } }');
    let error: unknown;
    try {
      load({ env: { TESSERA_LOG__LEVLE: 'x', TESSERA_LOG__LEVEL: 'loud' }, argv: ['stray', '--nope'] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.code)).toEqual([
      CONFIG_ERRORS.UNKNOWN_ENV,
      CONFIG_ERRORS.UNKNOWN_FLAG,
      CONFIG_ERRORS.UNKNOWN_FLAG,
      CONFIG_ERRORS.ENV_UNSET,
      CONFIG_ERRORS.INVALID,
      CONFIG_ERRORS.INVALID,
    ]);
    expect(problems.map((p) => p.path).slice(3)).toEqual(['redis.url', 'log.level', 'http.port']);
    expect((error as ConfigError).message).toMatch(/^Invalid configuration \(6 problems\):\n {2}env TESSERA_LOG__LEVLE: /);
    expect((error as ConfigError).message.split('\n')).toHaveLength(7);
  });

  it('reports a JSONC syntax error as file:line:col', async () => {
    await write('standalone.jsonc', '{\n  "log": { "level": "info" }\n  "http": {}\n}');
    expect(problemsOf(() => load())).toEqual([
      { code: CONFIG_ERRORS.PARSE, source: `${join(dir, 'standalone.jsonc')}:3:3`, path: '', message: 'comma expected' },
    ]);
  });

  it('requires the file to hold an object', async () => {
    await write('standalone.jsonc', '[]');
    expect(problemsOf(() => load())).toMatchObject([
      { code: CONFIG_ERRORS.INVALID, path: '', message: 'expected an object at the top level, got an array' },
    ]);
  });

  it('reads no file for an unknown role, and reports the role', () => {
    expect(problemsOf(() => load({ argv: ['--role', '../etc'] }))).toEqual([
      {
        code: CONFIG_ERRORS.INVALID,
        source: 'flag --role',
        path: 'server.role',
        message: 'expected one of "standalone", "gate", "lobby", "services", got "../etc"',
      },
    ]);
  });

  it('returns a deeply frozen config', () => {
    const config = load({ argv: ['--server.id=gate-1'] });
    expect(config.server.id).toBe('gate-1');
    for (const part of [config, config.server, config.log, config.log.file, config.store.mongodb, config.etcd.hosts]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    // ES modules run in strict mode, where writing to a frozen object throws.
    expect(() => {
      (config.log as { level: string }).level = 'debug';
    }).toThrow(TypeError);
    expect(() => {
      (config.etcd.hosts as string[]).push('http://x:1');
    }).toThrow(TypeError);
  });

  it('keeps the defaults frozen and valid on their own', () => {
    expect(Object.isFrozen(defaults.store.lmdb)).toBe(true);
    expect(() => load()).not.toThrow();
  });
});
