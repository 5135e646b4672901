import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';
import { readEnvLayer } from './env-layer.js';
import { CONFIG_ERRORS } from './errors.js';

describe('readEnvLayer', () => {
  it('maps TESSERA_ names to key paths, with __ between levels and _ inside camelCase keys', () => {
    const { assignments, problems } = readEnvLayer(configSchema, {
      TESSERA_LOG__LEVEL: 'debug',
      TESSERA_STORE__MONGODB__MAX_RETRIES: '3',
      TESSERA_LOG__FILE__MAX_BUFFERED_BYTES: '65536',
    });
    expect(problems).toEqual([]);
    expect(assignments).toEqual([
      { keys: ['log', 'file', 'maxBufferedBytes'], value: '65536', source: 'env TESSERA_LOG__FILE__MAX_BUFFERED_BYTES' },
      { keys: ['log', 'level'], value: 'debug', source: 'env TESSERA_LOG__LEVEL' },
      { keys: ['store', 'mongodb', 'maxRetries'], value: '3', source: 'env TESSERA_STORE__MONGODB__MAX_RETRIES' },
    ]);
  });

  it('matches keys ignoring case', () => {
    const { assignments } = readEnvLayer(configSchema, { TESSERA_Store__MongoDB__maxRetries: '1' });
    expect(assignments[0]?.keys).toEqual(['store', 'mongodb', 'maxRetries']);
  });

  it('splits arrays on commas, trimming items; an empty value is an empty array', () => {
    expect(readEnvLayer(configSchema, { TESSERA_ETCD__HOSTS: 'http://a:2379, http://b:2379' }).assignments[0]?.value).toEqual([
      'http://a:2379',
      'http://b:2379',
    ]);
    expect(readEnvLayer(configSchema, { TESSERA_ETCD__HOSTS: '' }).assignments[0]?.value).toEqual([]);
  });

  it('ignores variables without the prefix and unset ones', () => {
    expect(readEnvLayer(configSchema, { PATH: '/bin', LOG__LEVEL: 'x', TESSERA_LOG__LEVEL: undefined })).toEqual({
      assignments: [],
      problems: [],
    });
  });

  it('rejects a TESSERA_ variable that names no setting, listing the keys that exist', () => {
    const { assignments, problems } = readEnvLayer(configSchema, { TESSERA_LOG__LEVLE: 'debug', TESSERA_NOPE: '1' });
    expect(assignments).toEqual([]);
    expect(problems).toEqual([
      {
        code: CONFIG_ERRORS.UNKNOWN_ENV,
        source: 'env TESSERA_LOG__LEVLE',
        path: 'log.levle',
        message: 'unknown setting; log has: level, console, file',
      },
      {
        code: CONFIG_ERRORS.UNKNOWN_ENV,
        source: 'env TESSERA_NOPE',
        path: 'nope',
        message: 'unknown setting; the top level has: server, log, store, etcd, cluster, rpc, redis, hub, http, auth, login, gate, lobby, matchmaker, watchdog, metrics, tracing, admin',
      },
    ]);
  });

  it('rejects a variable that names a section, or goes below a single setting', () => {
    const { problems } = readEnvLayer(configSchema, { TESSERA_LOG: 'x', TESSERA_HTTP__PORT__X: '1', TESSERA_: '1' });
    expect(problems.map((p) => [p.source, p.path, p.message])).toEqual([
      ['env TESSERA_', '', 'not a setting name; write levels separated by "__", e.g. TESSERA_LOG__LEVEL'],
      ['env TESSERA_HTTP__PORT__X', 'http.port.x', 'http.port is a single setting; it has no keys'],
      ['env TESSERA_LOG', 'log', 'is a section, not a single setting; set one of its keys: level, console, file'],
    ]);
  });
});
