import { describe, expect, it } from 'vitest';
import type { ObjectiveResult } from '../run-summary.js';
import { sampleSummary } from './fixtures/sample-summary.js';
import { figuresHtml, formatActual, headerHtml, objectivesHtml, verdictHtml } from './report-sections.js';

describe('headerHtml', () => {
  it('names the scenario, its description, and where and when it ran, escaped', () => {
    const summary = sampleSummary();
    summary.scenario.name = 'arena <b>';
    const html = headerHtml(summary);
    expect(html).toContain('<h1>Load test: arena &lt;b&gt;</h1>');
    expect(html).toContain('A player joins the arena field');
    expect(html).toContain('2,000 bots over tcp against http://127.0.0.1:8080 · examples/arena/scenarios/play.ts');
  });
});

describe('verdictHtml', () => {
  it('says FAILED in a failed banner with how many objectives failed and every failure', () => {
    const html = verdictHtml(sampleSummary());
    expect(html).toContain('class="verdict failed"');
    expect(html).toContain('<strong class="word">FAILED</strong> 1 of 5 objectives failed.');
    expect(html).toContain('<li>objective failed: p99 of Combat.attack &lt; 40 ms (measured 56.7 ms)</li>');
  });

  it('says PASSED when the run passed', () => {
    const summary = { ...sampleSummary(), passed: true, failures: [] };
    expect(verdictHtml(summary)).toContain('class="verdict passed"');
    expect(verdictHtml(summary)).toContain('PASSED</strong> Every objective and check passed.');
  });

  it('says INTERRUPTED for a run stopped by Ctrl-C, and that the runner could not go on for a failed run', () => {
    expect(verdictHtml({ ...sampleSummary(), ended: 'interrupted' })).toContain('class="verdict interrupted"');
    expect(verdictHtml({ ...sampleSummary(), ended: 'failed' })).toContain('FAILED</strong> The runner could not go on.');
  });
});

describe('objectivesHtml', () => {
  it('lists each objective with pass or FAIL, highlighting the failed ones, and the measured value', () => {
    const html = objectivesHtml(sampleSummary());
    expect(html).toContain('<tr class="fail"><td><span class="badge">FAIL</span></td><td>p99 of Combat.attack &lt; 40 ms</td><td class="num">56.7 ms</td></tr>');
    expect(html).toContain('<tr class="pass"><td><span class="badge">pass</span></td><td>p99 of Controls.move &lt; 50 ms</td><td class="num">25.2 ms</td></tr>');
  });

  it('says so when the scenario sets none', () => {
    expect(objectivesHtml({ ...sampleSummary(), objectives: [] })).toContain('The scenario sets no objectives; every check must pass.');
  });
});

describe('formatActual', () => {
  const result = (objective: ObjectiveResult['objective'], actual: number): ObjectiveResult => ({ objective, actual, description: '', passed: true });

  it('writes latencies in ms, rates in %, throughput per second, and a dash for nothing measured', () => {
    expect(formatActual(result({ kind: 'latency', route: 'a', percentile: 99, belowMs: 5 }, 3.5))).toBe('3.50 ms');
    expect(formatActual(result({ kind: 'errorRate', below: 0.01 }, 0.0012))).toBe('0.12%');
    expect(formatActual(result({ kind: 'checks', atLeast: 0.99 }, 0.995))).toBe('99.5%');
    expect(formatActual(result({ kind: 'throughput', atLeast: 10 }, 1234.56))).toBe('1,234.6/s');
    expect(formatActual(result({ kind: 'latency', route: 'a', percentile: 99, belowMs: 5 }, NaN))).toBe('\u2014');
  });
});

describe('figuresHtml', () => {
  it('shows peak connected, throughput, requests, error rate, iterations and duration', () => {
    const html = figuresHtml(sampleSummary());
    for (const name of ['peak connected', 'throughput', 'requests', 'error rate', 'iterations', 'duration']) expect(html).toContain(`<div class="name">${name}</div>`);
    expect(html).toContain('<div class="value">2,000</div><div class="note">of 2,000 bots</div>');
    expect(html).toContain('<div class="value">1 min 30 s</div><div class="note">30 s ramp, then 1 min</div>');
  });

  it('says there was no ramp when there was none', () => {
    const summary = sampleSummary();
    summary.options.rampMs = 0;
    expect(figuresHtml(summary)).toContain('<div class="value">1 min</div><div class="note">no ramp</div>');
  });
});
