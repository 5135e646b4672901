import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CpuQuotaGroup, detectCgroup, parseThrottled, quotaUs, removeLeftGroups, type CgroupLayout } from './cpu-quota.js';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** A folder shaped like a cgroup mount, with the files given. */
async function mount(files: Record<string, string>): Promise<string> {
  root = await mkdtemp(join(tmpdir(), 'cgroup-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

/** Why quotas cannot be set on this machine, or undefined when they can. */
function unavailable(): string | undefined {
  try {
    detectCgroup();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('detectCgroup', () => {
  it('takes the v1 cpu hierarchy when it is mounted', async () => {
    const at = await mount({ 'cpu/cpu.cfs_quota_us': '-1\n', 'cgroup.controllers': 'cpu io\n' });
    expect(detectCgroup(at, 0)).toEqual({ version: 'v1', parent: join(at, 'cpu') });
  });

  it('takes the v2 hierarchy when its root offers the cpu controller', async () => {
    const at = await mount({ 'cgroup.controllers': 'cpuset cpu io memory pids\n' });
    expect(detectCgroup(at, 0)).toEqual({ version: 'v2', parent: at });
  });

  it('refuses with SCALING_ERR_NO_CGROUP without root, and where neither interface offers a CPU quota', async () => {
    const at = await mount({ 'cpu/cpu.cfs_quota_us': '-1\n' });
    expect(() => detectCgroup(at, 1000)).toThrow(expect.objectContaining({ code: 'SCALING_ERR_NO_CGROUP', detail: expect.stringContaining('root') }));
    const bare = await mount({ 'cgroup.controllers': 'io memory\n' });
    expect(() => detectCgroup(bare, 0)).toThrow(expect.objectContaining({ code: 'SCALING_ERR_NO_CGROUP' }));
  });
});

describe('quotaUs and parseThrottled', () => {
  it('gives a share of a core as microseconds of a 100 ms period, never under the kernel\'s 1 ms', () => {
    expect(quotaUs(0.25)).toBe(25_000);
    expect(quotaUs(1.5)).toBe(150_000);
    expect(quotaUs(0.001)).toBe(1_000);
    expect(() => quotaUs(0)).toThrow(RangeError);
  });

  it('reads the throttled periods of a v1 or v2 cpu.stat', () => {
    expect(parseThrottled('nr_periods 120\nnr_throttled 37\nthrottled_time 123456\n')).toBe(37);
    expect(parseThrottled('usage_usec 1\nnr_periods 5\nnr_throttled 2\nthrottled_usec 9\n')).toBe(2);
    expect(parseThrottled('usage_usec 1\n')).toBe(0);
  });
});

describe('CpuQuotaGroup on a v2-shaped folder', () => {
  it('enables the cpu controller in the parent and writes cpu.max as quota and period', async () => {
    const at = await mount({ 'cgroup.controllers': 'cpu\n', 'cgroup.subtree_control': '\n' });
    const group = await CpuQuotaGroup.create({ version: 'v2', parent: at }, 'unit', 0.1);
    expect(group.path).toBe(join(at, `tessera-scaling-${process.pid}-unit`));
    expect(await readFile(join(at, 'cgroup.subtree_control'), 'utf8')).toBe('+cpu');
    expect(await readFile(join(group.path, 'cpu.max'), 'utf8')).toBe('10000 100000');
  });
});

describe.skipIf(unavailable() !== undefined)('CpuQuotaGroup on this machine\'s cgroups', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });
  const sleeper = (): ChildProcess => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(child);
    return child;
  };

  it('puts a process under the quota, and on removal gives it back to the parent and leaves no group', async () => {
    const layout: CgroupLayout = detectCgroup();
    const group = await CpuQuotaGroup.create(layout, 'test-quota', 0.25);
    try {
      const child = sleeper();
      await group.add(child.pid!);
      expect(await group.pids()).toEqual([child.pid]);
      expect(readFileSync(`/proc/${child.pid}/cgroup`, 'utf8')).toContain(`tessera-scaling-${process.pid}-test-quota`);
      const quota = layout.version === 'v1' ? await readFile(join(group.path, 'cpu.cfs_quota_us'), 'utf8') : await readFile(join(group.path, 'cpu.max'), 'utf8');
      expect(quota.trim().split(' ')[0]).toBe('25000');
      expect(await group.throttled()).toBeGreaterThanOrEqual(0);
    } finally {
      await group.remove();
    }
    expect(existsSync(group.path)).toBe(false);
    expect(children[0]!.exitCode).toBeNull();
    expect(readFileSync(`/proc/${children[0]!.pid}/cgroup`, 'utf8')).not.toContain('tessera-scaling-');
  });

  it('removes the groups of a run that is gone, and those of the given run, and no other', async () => {
    const layout = detectCgroup();
    // A pid far above any the kernel hands out here stands for a run that is gone.
    const gone = join(layout.parent, 'tessera-scaling-4000000-left');
    await mkdir(gone);
    const ours = await CpuQuotaGroup.create(layout, 'ours', 0.5);
    const child = sleeper();
    await ours.add(child.pid!);
    try {
      expect(await removeLeftGroups(layout)).toEqual([gone]);
      expect(existsSync(ours.path)).toBe(true);
      expect(await removeLeftGroups(layout, process.pid)).toEqual([ours.path]);
      expect(existsSync(ours.path)).toBe(false);
    } finally {
      await ours.remove();
      await rmdir(gone).catch(() => undefined);
    }
  });
});

if (unavailable() !== undefined) console.log(`[cpu-quota] real cgroup tests skipped: ${unavailable()}`);
