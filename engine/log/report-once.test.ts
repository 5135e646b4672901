import { describe, expect, it } from 'vitest';
import { reportOnceToStderr } from './report-once.js';

describe('reportOnceToStderr', () => {
  it('writes the first failure with its stack and ignores the rest', () => {
    const written: string[] = [];
    const report = reportOnceToStderr('file output in /logs', { write: (text: string) => written.push(text) });
    report(new Error('EACCES'));
    report(new Error('again'));
    report('and again');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^log: file output in \/logs failed \(further errors of this output are not reported\): Error: EACCES\n {4}at /);
  });

  it('never throws, even when stderr does', () => {
    const report = reportOnceToStderr('console output', { write: () => { throw new Error('closed'); } });
    expect(() => report(Object.create(null))).not.toThrow();
  });
});
