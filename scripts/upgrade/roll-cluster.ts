/**
 * A rolling upgrade: every server of a cluster, one at a time, role by role, is drained through
 * the admin API and replaced by whatever supervises the processes (systemd, Kubernetes, compose, a
 * test's process cluster), which starts the replacement with the new code. The roll waits for the
 * drained server to leave discovery and for a new server of its role to be ready before the next,
 * and stops at the first failure. It restarts nothing itself. When the services process that hosts
 * the admin API is drained, the roll polls until its replacement answers at the same address.
 */
import type { ServerEntry } from '../../services/admin/cluster-admin.js';
import { UpgradeError } from './errors.js';
import { httpRollAdmin, type RollAdmin } from './roll-admin.js';

/** The roles a roll replaces, and the order it takes them in by default. */
export const ROLL_ORDER = ['lobby', 'gate', 'services'] as const;

/** A role a roll replaces. */
export type RollRole = (typeof ROLL_ORDER)[number];

/** How long a roll waits by default for a drained server to leave, then for its replacement. */
export const DEFAULT_STEP_TIMEOUT_MS = 180_000;

/** How often a roll asks the admin API while it waits. */
export const POLL_MS = 500;

/** Time as a roll sees it: tests pass one that jumps instead of sleeping. */
export interface RollClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Settings of {@link rollCluster}. */
export interface RollOptions {
  /** The admin API's base URL (the services role's HTTP address), e.g. `http://127.0.0.1:8080`. */
  admin: string;
  /** An API key of `admin.apiKeys` (or an admin token). */
  apiKey: string;
  /** The roles to replace, in order (default lobby, gate, services); a role left out is not replaced. */
  order?: readonly RollRole[];
  /** How long to wait for each drained server to leave, and then for its replacement (default {@link DEFAULT_STEP_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** The version every replacement must register with; any when absent. */
  version?: string;
  /** Where each step's line goes (default standard output). */
  log?: (line: string) => void;
  /** The admin API (default: over HTTP at `admin` with `apiKey`). */
  api?: RollAdmin;
  /** Default: the system clock and timers. */
  clock?: RollClock;
}

/** One server replaced. */
export interface RollStep {
  role: RollRole;
  /** The drained server. */
  drained: string;
  /** The server that took its place. */
  replacement: string;
  version: string;
  /** From the drain request until the replacement was ready, in milliseconds. */
  ms: number;
}

const systemClock: RollClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** A registration: an id may come back after its server left, with a later start. */
const keyOf = (s: ServerEntry): string => `${s.id}@${s.startedAt}`;

/**
 * Replaces every server of the roles in `options.order` that is registered when the roll begins,
 * one at a time: drain, wait until it left, wait until a server of its role that was not
 * registered before the drain is ready (and runs `options.version`), then the next.
 * @returns the steps, in order.
 * @throws UpgradeError at the first step that fails (UPGRADE_ERR_ADMIN, UPGRADE_ERR_NOT_LEFT,
 *   UPGRADE_ERR_NO_REPLACEMENT, UPGRADE_ERR_VERSION); the servers replaced before it stay replaced.
 */
export async function rollCluster(options: RollOptions): Promise<RollStep[]> {
  const api = options.api ?? httpRollAdmin(options.admin, options.apiKey);
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const order = options.order ?? ROLL_ORDER;
  const timeoutMs = options.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const began = clock.now();
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

  // Polls `check` until it answers; the admin API may be away meanwhile (its own process restarting).
  const waitFor = async <T>(code: 'UPGRADE_ERR_ADMIN' | 'UPGRADE_ERR_NOT_LEFT' | 'UPGRADE_ERR_NO_REPLACEMENT', what: string, check: () => Promise<T | undefined>): Promise<T> => {
    const deadline = clock.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const found = await check();
        if (found !== undefined) return found;
      } catch (err) {
        if (!(err instanceof UpgradeError && err.code === 'UPGRADE_ERR_ADMIN')) throw err;
        lastError = err;
      }
      if (clock.now() >= deadline) throw new UpgradeError(code, `${what} within ${timeoutMs} ms${lastError ? ` (the admin API last said: ${(lastError as Error).message})` : ''}`);
      await clock.sleep(POLL_MS);
    }
  };

  const initial = await api.servers();
  const targets = order.flatMap((role) => initial.filter((s) => s.type === role).map((server) => ({ role, server })));
  log(`upgrade: ${targets.length} servers to replace, in order: ${order.map((role) => `${role} ×${targets.filter((t) => t.role === role).length}`).join(', ')}`);
  const steps: RollStep[] = [];
  for (const { role, server } of targets) {
    const name = `${role} ${server.id}`;
    const before = await waitFor('UPGRADE_ERR_ADMIN', `${name}: the admin API answering`, () => api.servers());
    if (!before.some((s) => keyOf(s) === keyOf(server))) {
      log(`${name}: already gone, skipped`);
      continue;
    }
    const known = new Set(before.map(keyOf));
    const start = clock.now();
    await api.drain(server.id);
    log(`${name}: draining`);
    await waitFor('UPGRADE_ERR_NOT_LEFT', `${name} leaving discovery`, async () => ((await api.servers()).some((s) => keyOf(s) === keyOf(server)) ? undefined : true));
    log(`${name}: left after ${seconds(clock.now() - start)}`);
    const replacement = await waitFor('UPGRADE_ERR_NO_REPLACEMENT', `${name}: a new ${role} ready`, async () => {
      const fresh = (await api.servers()).filter((s) => s.type === role && !known.has(keyOf(s)) && !s.draining);
      if (fresh.length === 0) return undefined;
      const wrong = options.version === undefined ? undefined : fresh.find((s) => s.version !== options.version);
      if (wrong) throw new UpgradeError('UPGRADE_ERR_VERSION', `${name} was replaced by ${wrong.id}, which runs ${wrong.version}, not ${options.version}`);
      const ready = new Set((await api.stats()).filter((s) => s.ok && s.state === 'ready').map((s) => s.id));
      return fresh.find((s) => ready.has(s.id));
    });
    const ms = clock.now() - start;
    steps.push({ role, drained: server.id, replacement: replacement.id, version: replacement.version, ms });
    log(`${name}: replaced by ${replacement.id} (version ${replacement.version}), ready ${seconds(ms)} after the drain began`);
  }
  log(`upgrade: done: ${steps.length} servers replaced in ${seconds(clock.now() - began)}`);
  return steps;
}
