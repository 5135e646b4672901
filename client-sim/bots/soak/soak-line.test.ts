import { describe, expect, it } from 'vitest';
import type { ServerSample } from './server-sampler.js';
import { formatSoakLine } from './soak-line.js';

const SAMPLE: ServerSample = { t: 750.4, rssMiB: 412.34, heapUsedMiB: 188.06, externalMiB: 4, cpuPercent: 86.6, gateSessions: 2000, lobbySessions: 2000, entities: 2040, timers: 4100 };

describe('formatSoakLine', () => {
  it('gives time, phase, the bots\' figures and the server\'s in one plain line', () => {
    expect(formatSoakLine(SAMPLE, { phase: 'steady', totalS: 1_860, bots: 2000 }, { connected: 1998, rps: 3950.4, errorsPerSecond: 0.2 })).toBe(
      'soak 12:30/31:00 steady    bots 1998/2000  3950 req/s  0 err/s  server rss 412.3 MiB  heap 188.1 MiB  cpu 87%  sessions 2000',
    );
  });

  it('shows hours past an hour, and placeholders before the bots report and when /health did not answer', () => {
    const line = formatSoakLine({ ...SAMPLE, t: 3_725, gateSessions: undefined }, { phase: 'settling', totalS: 7_200, bots: 50 }, undefined);
    expect(line).toBe('soak 1:02:05/2:00:00 settling  bots -/50  server rss 412.3 MiB  heap 188.1 MiB  cpu 87%  sessions ?');
    expect(line).not.toMatch(/\n|\x1b/);
  });
});
