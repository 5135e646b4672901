import { describe, expect, it } from 'vitest';
import { CONFIG_ERRORS } from './errors.js';
import { MAX_EXPANDED_VALUES, substitute } from './substitute.js';

const file = 'config/test.jsonc';
const run = (root: unknown, env: Record<string, string> = {}) => substitute(root, { file, env });

describe('substitute', () => {
  describe('environment variables', () => {
    it('replaces ${NAME} inside strings, keeping the rest of the string', () => {
      expect(run({ url: 'redis://${HOST}:${PORT}/0' }, { HOST: 'r1', PORT: '6380' })).toEqual({
        value: { url: 'redis://r1:6380/0' },
        problems: [],
      });
    });

    it('uses the fallback of ${NAME:-fallback} when NAME is unset or empty', () => {
      const root = { a: '${A:-one}', b: '${B:-two}', c: '${C:-}' };
      expect(run(root, { B: '', C: 'set' }).value).toEqual({ a: 'one', b: 'two', c: 'set' });
    });

    it('expands variables and macros inside a fallback', () => {
      const root = { $macros: { host: 'h' }, url: '${URL:-mongodb://${@host}:${PORT:-27017}}' };
      expect(run(root, { PORT: '1' }).value).toEqual({ url: 'mongodb://h:1' });
      expect(run(root, { URL: 'mongodb://x' }).value).toEqual({ url: 'mongodb://x' });
    });

    it('reports an unset variable with the file and key path, and leaves the key out', () => {
      const { value, problems } = run({ store: { mongodb: { url: '${MONGO_URL}', database: 'db' } } });
      expect(value).toEqual({ store: { mongodb: { database: 'db' } } });
      expect(problems).toEqual([
        {
          code: CONFIG_ERRORS.ENV_UNSET,
          source: file,
          path: 'store.mongodb.url',
          message: 'environment variable MONGO_URL is not set (write ${MONGO_URL:-default} to give a default)',
        },
      ]);
    });

    it('reports every unset variable in one string and in arrays', () => {
      const { problems } = run({ hosts: ['${A}', 'ok', '${B}-${C}'] });
      expect(problems.map((p) => `${p.path} ${p.message.split(' ')[2]}`)).toEqual(['hosts[0] A', 'hosts[2] B', 'hosts[2] C']);
    });

    it('turns $${ into a literal ${ without expanding it', () => {
      expect(run({ a: 'cost: $${PRICE} and $5 and ${X}' }, { X: 'y' }).value).toEqual({ a: 'cost: ${PRICE} and $5 and y' });
    });

    it('leaves keys, numbers and booleans alone', () => {
      expect(run({ '${K}': 1, b: true, n: null }).value).toEqual({ '${K}': 1, b: true, n: null });
    });

    it('reports a malformed expression with its position', () => {
      const { problems } = run({ a: 'x${FOO', b: '${1X}', c: '${FOO-bar}' });
      expect(problems.map((p) => [p.code, p.path])).toEqual([
        [CONFIG_ERRORS.SUBSTITUTION, 'a'],
        [CONFIG_ERRORS.SUBSTITUTION, 'b'],
        [CONFIG_ERRORS.SUBSTITUTION, 'c'],
      ]);
      expect(problems[0]?.message).toBe('expected "}" or ":-" after the variable name in "${FOO" at character 7');
      expect(problems[2]?.message).toMatch(/^expected "}" or ":-" after the variable name/);
    });

    it('reports an unterminated fallback', () => {
      expect(run({ a: '${A:-b' }).problems[0]?.message).toMatch(/^unterminated "\$\{"/);
    });
  });

  describe('macros', () => {
    it('removes the $macros block from the result', () => {
      expect(run({ $macros: { a: 1 }, b: 2 }).value).toEqual({ b: 2 });
    });

    it('replaces a string that is exactly ${@name} with the macro value of any type', () => {
      const root = {
        $macros: { mongo: { url: 'mongodb://m', retries: 3 }, port: 8080, hosts: ['a', 'b'], on: false },
        store: { mongodb: '${@mongo}' },
        http: { port: '${@port}' },
        etcd: { hosts: '${@hosts}' },
        log: { enabled: '${@on}' },
      };
      expect(run(root).value).toEqual({
        store: { mongodb: { url: 'mongodb://m', retries: 3 } },
        http: { port: 8080 },
        etcd: { hosts: ['a', 'b'] },
        log: { enabled: false },
      });
    });

    it('interpolates a scalar macro inside a longer string', () => {
      const root = { $macros: { host: '10.0.0.1', port: 2379, tls: true }, url: 'http://${@host}:${@port}/?tls=${@tls}' };
      expect(run(root).value).toEqual({ url: 'http://10.0.0.1:2379/?tls=true' });
    });

    it('lets macros use environment variables and other macros, at any depth', () => {
      const root = {
        $macros: {
          loopback: '127.0.0.1',
          host: '${HOST_IP:-${@loopback}}',
          db: { url: 'mongodb://${@host}:27017', names: ['${@host}'] },
        },
        a: '${@db}',
      };
      expect(run(root).value).toEqual({ a: { url: 'mongodb://127.0.0.1:27017', names: ['127.0.0.1'] } });
      expect(run(root, { HOST_IP: '10.1.1.1' }).value).toEqual({
        a: { url: 'mongodb://10.1.1.1:27017', names: ['10.1.1.1'] },
      });
    });

    it('reports an unknown macro with the file, path and the defined names', () => {
      const { value, problems } = run({ $macros: { host: 'h' }, a: { b: '${@hots}' } });
      expect(value).toEqual({ a: {} });
      expect(problems).toEqual([
        { code: CONFIG_ERRORS.MACRO_UNKNOWN, source: file, path: 'a.b', message: 'unknown macro "@hots"; defined: @host' },
      ]);
      expect(run({ a: 'x${@m}' }).problems[0]?.message).toBe('unknown macro "@m"; the file has no "$macros"');
    });

    it('reports a cycle once, with the chain of macros', () => {
      const { value, problems } = run({ $macros: { a: 'x${@b}', b: '${@c}', c: { d: 'y${@a}' } }, v: '${@a}' });
      expect(problems).toEqual([
        { code: CONFIG_ERRORS.MACRO_CYCLE, source: file, path: '$macros.c.d', message: 'macro cycle: @a -> @b -> @c -> @a' },
      ]);
      expect(value).toEqual({});
    });

    it('leaves out, without a second report, every value that uses a broken macro', () => {
      const { value, problems } = run({ $macros: { broken: '${NOT_SET}', user: { a: '${@broken}', b: 1 } }, x: '${@user}', y: 2 });
      expect(problems).toMatchObject([{ code: CONFIG_ERRORS.ENV_UNSET, path: '$macros.broken' }]);
      expect(value).toEqual({ y: 2 });
    });

    it('reports a macro that refers to itself', () => {
      expect(run({ $macros: { a: '${@a}' } }).problems[0]?.message).toBe('macro cycle: @a -> @a');
    });

    it('reports problems inside unused macros too', () => {
      const { problems } = run({ $macros: { unused: '${NOT_SET}' } });
      expect(problems).toMatchObject([{ code: CONFIG_ERRORS.ENV_UNSET, path: '$macros.unused' }]);
    });

    it('refuses an object macro inside a longer string', () => {
      const { problems } = run({ $macros: { o: { a: 1 } }, s: 'x${@o}' });
      expect(problems).toEqual([
        {
          code: CONFIG_ERRORS.SUBSTITUTION,
          source: file,
          path: 's',
          message: 'macro "@o" is an object; only a string, number or boolean macro can be part of a longer string',
        },
      ]);
    });

    it('refuses macros that use each other into more values than the cap, keeping nothing of the file', () => {
      // Ten macros of ten uses each describe ten billion values in a few hundred bytes.
      const $macros: Record<string, unknown> = { m0: 'x' };
      for (let i = 1; i <= 10; i++) $macros[`m${i}`] = Array.from({ length: 10 }, () => `\${@m${i - 1}}`);
      const { value, problems } = run({ $macros, log: { level: 'info' }, big: '${@m10}' });
      expect(problems).toMatchObject([{ code: CONFIG_ERRORS.SUBSTITUTION, message: `the file expands to more than ${MAX_EXPANDED_VALUES} values; macros used inside macros multiply` }]);
      expect(value).toEqual({});
    });

    it('takes macros used many times up to the cap, counting the definitions and each use at its size', () => {
      // row: 100 values; table: 1 + 499 × 100; the file: both definitions, then table once more.
      const $macros = { row: Array.from({ length: 99 }, (_, i) => i), table: Array.from({ length: 499 }, () => '${@row}') };
      const { value, problems } = run({ $macros, t: '${@table}' });
      expect(problems).toEqual([]);
      expect((value as { t: number[][] }).t).toHaveLength(499);
    });

    it('reports a $macros block that is not an object, and invalid macro names', () => {
      expect(run({ $macros: [1] }).problems).toMatchObject([
        { code: CONFIG_ERRORS.SUBSTITUTION, path: '$macros', message: 'expected an object of macros, got an array' },
      ]);
      expect(run({ $macros: { 'a b': 1 } }).problems).toMatchObject([
        { code: CONFIG_ERRORS.SUBSTITUTION, path: '$macros["a b"]' },
      ]);
    });
  });
});
