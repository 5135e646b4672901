/**
 * A fixed CPU share for a process, set with a cgroup's CFS quota: the scaling benchmark caps each
 * server it measures (a quarter of a core, say), so that adding a server adds a known amount of
 * CPU whatever else the machine runs. Works on cgroup v1 (the `cpu` hierarchy:
 * `cpu.cfs_quota_us`, `cpu.cfs_period_us`) and v2 (`cpu.max` in a group whose parent enables the
 * `cpu` controller). Groups are named `tessera-scaling-<pid of the benchmark>-<label>`, so that
 * groups a killed run left behind can be found and removed ({@link removeLeftGroups}).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScalingError } from './errors.js';

/** Where cgroup file systems are mounted on Linux. */
export const CGROUP_MOUNT = '/sys/fs/cgroup';
/** The CFS period every group gets: 100 ms, the kernel's default. */
export const PERIOD_US = 100_000;
const PREFIX = 'tessera-scaling-';

/** Which cgroup interface the groups are made in, and the folder they are made under. */
export interface CgroupLayout {
  version: 'v1' | 'v2';
  /** The parent of every group: `<mount>/cpu` on v1, `<mount>` on v2. */
  parent: string;
}

/**
 * Finds where CPU quotas can be set: the v1 `cpu` hierarchy when it is mounted, else the v2
 * hierarchy when its root offers the `cpu` controller.
 * @param mount where the cgroup file systems are (default {@link CGROUP_MOUNT}).
 * @param uid the user that will write the groups (default this process's); only root may.
 * @throws ScalingError SCALING_ERR_NO_CGROUP when not root or neither interface is there.
 */
export function detectCgroup(mount = CGROUP_MOUNT, uid = process.getuid?.() ?? -1): CgroupLayout {
  if (uid !== 0) throw new ScalingError('SCALING_ERR_NO_CGROUP', `CPU quotas need root (running as uid ${uid}); run the benchmark as root`);
  if (existsSync(join(mount, 'cpu', 'cpu.cfs_quota_us'))) return { version: 'v1', parent: join(mount, 'cpu') };
  const controllers = join(mount, 'cgroup.controllers');
  if (existsSync(controllers) && readFileSync(controllers, 'utf8').split(/\s+/).includes('cpu')) return { version: 'v2', parent: mount };
  throw new ScalingError('SCALING_ERR_NO_CGROUP', `neither ${join(mount, 'cpu', 'cpu.cfs_quota_us')} (v1) nor a cpu controller in ${controllers} (v2)`);
}

/** The quota in microseconds per {@link PERIOD_US} that gives `cores` cores (0.25: a quarter of one). */
export function quotaUs(cores: number): number {
  if (!(cores > 0) || !Number.isFinite(cores)) throw new RangeError(`a CPU share must be a finite number above 0, not ${cores}`);
  // The kernel refuses quotas under 1 ms.
  return Math.max(1_000, Math.round(cores * PERIOD_US));
}

/** Times the group's processes were held back by the quota, from its `cpu.stat` (v1 and v2 name the count alike). */
export function parseThrottled(stat: string): number {
  const match = /^nr_throttled (\d+)$/m.exec(stat);
  return match ? Number(match[1]) : 0;
}

/** A cgroup with a CPU quota; processes put in it share that much CPU. */
export class CpuQuotaGroup {
  private constructor(
    readonly layout: CgroupLayout,
    /** The group's folder. */
    readonly path: string,
    /** The share it was given, in cores. */
    readonly cores: number,
  ) {}

  /**
   * Makes the group `tessera-scaling-<pid>-<label>` with a quota of `cores` cores.
   * @throws ScalingError SCALING_ERR_NO_CGROUP when the group or its quota cannot be written.
   */
  static async create(layout: CgroupLayout, label: string, cores: number): Promise<CpuQuotaGroup> {
    const quota = quotaUs(cores);
    const path = join(layout.parent, `${PREFIX}${process.pid}-${label}`);
    try {
      if (layout.version === 'v2') await enableCpuController(layout.parent);
      await mkdir(path);
    } catch (err) {
      throw new ScalingError('SCALING_ERR_NO_CGROUP', `cannot make ${path}: ${(err as Error).message}`, { cause: err });
    }
    const group = new CpuQuotaGroup(layout, path, cores);
    try {
      if (layout.version === 'v1') {
        await writeFile(join(path, 'cpu.cfs_period_us'), String(PERIOD_US));
        await writeFile(join(path, 'cpu.cfs_quota_us'), String(quota));
      } else {
        await writeFile(join(path, 'cpu.max'), `${quota} ${PERIOD_US}`);
      }
    } catch (err) {
      await group.remove();
      throw new ScalingError('SCALING_ERR_NO_CGROUP', `cannot set the quota of ${path}: ${(err as Error).message}`, { cause: err });
    }
    return group;
  }

  /** Moves process `pid`, with all its threads, into the group. */
  async add(pid: number): Promise<void> {
    await writeFile(join(this.path, 'cgroup.procs'), String(pid));
  }

  /** The processes in the group now. */
  async pids(): Promise<number[]> {
    return parsePids(await readFile(join(this.path, 'cgroup.procs'), 'utf8'));
  }

  /** Periods in which the quota held the group's processes back, so far. */
  async throttled(): Promise<number> {
    return parseThrottled(await readFile(join(this.path, 'cpu.stat'), 'utf8'));
  }

  /** Moves any process still in the group back to the parent and removes the group; at once when it is gone already. */
  async remove(): Promise<void> {
    await removeGroup(this.layout.parent, this.path);
  }
}

/**
 * Removes the groups that runs no longer alive left behind (a benchmark killed with SIGKILL), and
 * those of run `owner` when given (this one, on its way out after a signal), moving their
 * processes, if any, back to the parent. Returns the folders removed.
 */
export async function removeLeftGroups(layout: CgroupLayout, owner?: number): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(layout.parent)) {
    const match = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    const pid = Number(match?.[1]);
    if (!match || (pid !== owner && isAlive(pid))) continue;
    await removeGroup(layout.parent, join(layout.parent, name));
    removed.push(join(layout.parent, name));
  }
  return removed;
}

function parsePids(text: string): number[] {
  return text.split('\n').filter((line) => line.trim() !== '').map(Number);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function removeGroup(parent: string, path: string): Promise<void> {
  if (!existsSync(path)) return;
  const procs = join(path, 'cgroup.procs');
  // A process is moved one write at a time; one that exits meanwhile is gone already (ESRCH).
  for (const pid of existsSync(procs) ? parsePids(await readFile(procs, 'utf8')) : []) {
    await writeFile(join(parent, 'cgroup.procs'), String(pid)).catch(() => undefined);
  }
  await rmdir(path);
}

/** On v2 a group gets `cpu.max` only when its parent passes the controller down. */
async function enableCpuController(parent: string): Promise<void> {
  const control = join(parent, 'cgroup.subtree_control');
  if ((await readFile(control, 'utf8')).split(/\s+/).includes('cpu')) return;
  await writeFile(control, '+cpu');
}
