import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { affinityOf, parseAffinityList, pinProcess, planPinning } from './pinning.js';

describe('planPinning', () => {
  it('puts the server on core 0 and the load generator on core 1 when there are two cores', () => {
    expect(planPinning(2, true)).toEqual({ server: 0, load: 1 });
    expect(planPinning(16, true)).toEqual({ server: 0, load: 1 });
  });

  it('pins nothing on one core or without taskset', () => {
    expect(planPinning(1, true)).toBeUndefined();
    expect(planPinning(2, false)).toBeUndefined();
  });
});

describe('parseAffinityList', () => {
  it('reads the core list of taskset -c -p', () => {
    expect(parseAffinityList("pid 30804's current affinity list: 0,1\n")).toBe('0,1');
    expect(parseAffinityList("pid 7's current affinity list: 0-3,6\n")).toBe('0-3,6');
  });

  it('rejects an answer without a list', () => {
    expect(() => parseAffinityList('taskset: failed to get pid 9 affinity')).toThrow(/not a taskset answer/);
  });
});

describe('pinProcess', () => {
  it('sets the cores of a running process, as affinityOf reads them back', async () => {
    const child = spawn('sleep', ['30']);
    try {
      await pinProcess(child.pid!, 0);
      expect(await affinityOf(child.pid!)).toBe('0');
    } finally {
      child.kill();
    }
  });
});
