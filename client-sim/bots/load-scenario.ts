/**
 * Loading a scenario module by path, as every worker of a run does, with one clear error for
 * whatever is wrong: no such file, a module that does not load, a default export that is not a
 * scenario.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BotError } from './errors.js';
import type { Objective, Scenario } from './scenario.js';

const TRANSPORTS = new Set(['tcp', 'ws', 'kcp']);

/**
 * The scenario that the module at `path` default-exports.
 * @param path the module's path, relative to `cwd` unless absolute.
 * @param cwd the folder a relative path starts from (default the process's).
 * @throws BotError BOT_ERR_SCENARIO naming the path and what is wrong: no file there, the module
 *   threw or did not compile while loading (the error is the `cause`), or its default export is
 *   not a scenario (no `name`, no `iteration` function, an unknown transport, a malformed objective).
 */
export async function loadScenario(path: string, cwd: string = process.cwd()): Promise<Scenario> {
  const file = resolve(cwd, path);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new BotError('BOT_ERR_SCENARIO', `${file}: no such file`);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    throw new BotError('BOT_ERR_SCENARIO', `${file} failed to load: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const problem = scenarioProblem(module.default);
  if (problem !== undefined) throw new BotError('BOT_ERR_SCENARIO', `${file}: ${problem}`);
  return module.default as Scenario;
}

/** What is wrong with `value` as a scenario, or undefined when it is one. */
function scenarioProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'there is no default export, or it is not an object; export default defineScenario({ … })';
  const s = value as Record<string, unknown>;
  if (typeof s.name !== 'string' || s.name.trim() === '') return 'name must be a non-empty string';
  if (typeof s.iteration !== 'function') return 'iteration must be a function (bot) => Promise<void>';
  for (const hook of ['setup', 'teardown'] as const) {
    if (s[hook] !== undefined && typeof s[hook] !== 'function') return `${hook} must be a function when given`;
  }
  if (s.description !== undefined && typeof s.description !== 'string') return 'description must be a string when given';
  if (s.resume !== undefined && typeof s.resume !== 'boolean') return 'resume must be true or false when given';
  if (s.transport !== undefined && !TRANSPORTS.has(s.transport as string)) return `transport must be tcp, ws or kcp, not ${String(s.transport)}`;
  if (s.accounts !== undefined) {
    const problem = accountsProblem(s.accounts);
    if (problem !== undefined) return problem;
  }
  if (s.objectives !== undefined) {
    if (!Array.isArray(s.objectives)) return 'objectives must be an array';
    for (const [i, objective] of s.objectives.entries()) {
      const problem = objectiveProblem(objective);
      if (problem !== undefined) return `objectives[${i}]: ${problem}`;
    }
  }
  return undefined;
}

function accountsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'accounts must be an object';
  const a = value as Record<string, unknown>;
  if (a.mode !== undefined && a.mode !== 'login' && a.mode !== 'register') return `accounts.mode must be login or register, not ${String(a.mode)}`;
  for (const key of ['prefix', 'password'] as const) {
    if (a[key] !== undefined && (typeof a[key] !== 'string' || a[key] === '')) return `accounts.${key} must be a non-empty string`;
  }
  return undefined;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isFraction = (v: unknown): boolean => isNumber(v) && v >= 0 && v <= 1;
const optionalRoute = (v: unknown): boolean => v === undefined || (typeof v === 'string' && v !== '');

/** What is wrong with `value` as an {@link Objective}, or undefined. */
function objectiveProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'must be an object with a kind';
  const o = value as Partial<Record<string, unknown>> & { kind?: unknown };
  switch (o.kind as Objective['kind']) {
    case 'latency':
      if (typeof o.route !== 'string' || o.route === '') return 'latency needs a route';
      if (!isNumber(o.percentile) || o.percentile <= 0 || o.percentile > 100) return 'percentile must be above 0 and at most 100';
      if (!isNumber(o.belowMs) || o.belowMs <= 0) return 'belowMs must be a number above 0';
      return undefined;
    case 'errorRate':
      if (!optionalRoute(o.route)) return 'route must be a non-empty string when given';
      return isFraction(o.below) ? undefined : 'below must be a fraction from 0 to 1 (0.001 is 0.1%)';
    case 'checks':
      if (!optionalRoute(o.name)) return 'name must be a non-empty string when given';
      return isFraction(o.atLeast) ? undefined : 'atLeast must be a fraction from 0 to 1';
    case 'throughput':
      if (!optionalRoute(o.route)) return 'route must be a non-empty string when given';
      return isNumber(o.atLeast) && o.atLeast >= 0 ? undefined : 'atLeast must be a number of requests per second, 0 or more';
    default:
      return `kind must be latency, errorRate, checks or throughput, not ${String(o.kind)}`;
  }
}
