/**
 * `scripts/topology.sh down` leaves nothing behind: no namespace, no link, no process, whether
 * `up` failed on its own or was killed before it could clean up. Runs only where network
 * namespaces can be made (root on Linux), and says why when it does not.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../gate/fixtures/cluster-of-processes.js';
import { topologyUnavailable } from '../fixtures/topology.js';

const SCRIPT = fileURLToPath(new URL('topology.sh', import.meta.url));
const unavailable = topologyUnavailable();
if (unavailable) console.warn(`scripts/topology.sh tests not run: ${unavailable}`);

// A name and subnet of their own, so that these tests never touch a topology another test runs.
const NAME = 'tsd';
const SUBNET = '10.78.0';

/** The topology's namespaces and links (their names start with its name). */
function leftovers(): { namespaces: string[]; links: string[] } {
  const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(`${NAME}-`));
  const links = spawnSync('ip', ['-br', 'link'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(/[\s@]/)[0]!).filter((n) => n.startsWith(NAME));
  return { namespaces, links };
}

/** Every process inside one of the topology's namespaces. */
function processesInside(): number[] {
  return leftovers().namespaces.flatMap((ns) => spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number));
}

/** Whether `pid` runs: a zombie, dead and waiting for its new parent to reap it, does not. */
const isAlive = (pid: number): boolean => {
  try {
    // The state follows the command name in parentheses, which may itself hold spaces.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
};

describe.skipIf(unavailable !== undefined)('scripts/topology.sh down', () => {
  let dir: string;
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, TOPOLOGY_DIR: dir, TOPOLOGY_NAME: NAME, TOPOLOGY_SUBNET: SUBNET });
  const down = (): void => {
    expect(spawnSync(SCRIPT, ['down'], { env: env(), encoding: 'utf8' }).status).toBe(0);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'topology-'));
  });

  afterAll(async () => {
    if (dir) {
      spawnSync(SCRIPT, ['down'], { env: env() });
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves nothing behind when up fails part way, having removed what it made itself', () => {
    // The servers start, then the services host stops at start-up: there is no such game.
    const up = spawnSync(SCRIPT, ['up'], { env: { ...env(), TOPOLOGY_GAME: 'examples/no-such-game' }, encoding: 'utf8', timeout: 240_000 });
    expect(up.status, up.stdout + up.stderr).not.toBe(0);
    expect(up.stdout + up.stderr).toContain('up failed; removing what it made');
    expect(leftovers()).toEqual({ namespaces: [], links: [] });
    down();
    expect(leftovers()).toEqual({ namespaces: [], links: [] });
  }, 300_000);

  it('leaves nothing behind after an up that was killed with its servers running', async () => {
    const up = spawn(SCRIPT, ['up'], { env: env(), stdio: 'ignore' });
    const exited = new Promise((resolve) => up.once('exit', resolve));
    // Killed once the etcd members run, so that it cannot clean up after itself.
    const servers = await waitUntil('etcd members running', () => {
      const pids = processesInside();
      return pids.length >= 3 && pids;
    }, 120_000, 100);
    up.kill('SIGKILL');
    await exited;
    expect(leftovers().namespaces.length).toBeGreaterThan(0);
    down();
    expect(leftovers()).toEqual({ namespaces: [], links: [] });
    expect(servers.filter(isAlive)).toEqual([]);
  }, 300_000);
});
