import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';
import { CONFIG_ERRORS } from './errors.js';
import { readFlagLayer } from './flag-layer.js';

const read = (...argv: string[]) => readFlagLayer(configSchema, argv);

describe('readFlagLayer', () => {
  it('reads --key=value and --key value', () => {
    expect(read('--log.level=debug', '--http.port', '9000')).toEqual({
      assignments: [
        { keys: ['log', 'level'], value: 'debug', source: 'flag --log.level' },
        { keys: ['http', 'port'], value: '9000', source: 'flag --http.port' },
      ],
      problems: [],
    });
  });

  it('keeps everything after the first = as the value', () => {
    expect(read('--redis.url=redis://h:1/?a=b').assignments[0]?.value).toBe('redis://h:1/?a=b');
  });

  it('matches keys ignoring case, - and _', () => {
    expect(read('--store.mongodb.max-retries', '2').assignments[0]?.keys).toEqual(['store', 'mongodb', 'maxRetries']);
  });

  it('treats a boolean flag alone as true and takes only true/false after it', () => {
    const { assignments, problems } = read('--log.console.colors', '--log.file.enabled', 'false', '--log.console.enabled');
    expect(problems).toEqual([]);
    expect(assignments.map((a) => a.value)).toEqual(['true', 'false', 'true']);
  });

  it('splits array values on commas', () => {
    expect(read('--etcd.hosts=http://a:1,http://b:2').assignments[0]?.value).toEqual(['http://a:1', 'http://b:2']);
  });

  it('reads --config and --role', () => {
    expect(read('--config', 'my.jsonc', '--role=gate')).toEqual({
      assignments: [{ keys: ['server', 'role'], value: 'gate', source: 'flag --role' }],
      problems: [],
      configFile: { path: 'my.jsonc', source: 'flag --config' },
    });
  });

  it('reads --game as lobby.game', () => {
    expect(read('--game', 'examples/arena').assignments).toEqual([{ keys: ['lobby', 'game'], value: 'examples/arena', source: 'flag --game' }]);
  });

  it('stops at --', () => {
    expect(read('--log.level=warn', '--', '--whatever', 'x').assignments).toHaveLength(1);
  });

  it('rejects an unknown flag once, skipping its value', () => {
    expect(read('--log.levle', 'debug')).toEqual({
      assignments: [],
      problems: [
        {
          code: CONFIG_ERRORS.UNKNOWN_FLAG,
          source: 'flag --log.levle',
          path: 'log.levle',
          message: 'unknown setting; log has: level, console, file',
        },
      ],
    });
  });

  it('rejects flags named like members of Object.prototype as unknown, instead of throwing', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const { assignments, problems } = read(`--${name}=x`);
      expect(assignments).toEqual([]);
      expect(problems).toMatchObject([{ code: CONFIG_ERRORS.UNKNOWN_FLAG, source: `flag --${name}` }]);
    }
  });

  it('rejects a stray argument and a flag without its value', () => {
    expect(read('serve', '--log.level', '--config').problems).toEqual([
      {
        code: CONFIG_ERRORS.UNKNOWN_FLAG,
        source: 'argv',
        path: '',
        message: 'unexpected argument "serve"; settings are given as --key.path=value',
      },
      {
        code: CONFIG_ERRORS.UNKNOWN_FLAG,
        source: 'flag --log.level',
        path: '',
        message: 'expects a value: --log.level=<value> or --log.level <value>',
      },
      { code: CONFIG_ERRORS.UNKNOWN_FLAG, source: 'flag --config', path: '', message: 'expects a file path' },
    ]);
  });
});
