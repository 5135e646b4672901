/**
 * The capacity plan as text: what was measured (and where from), what was assumed, and the
 * answer with its arithmetic.
 */
import { ASSUMPTIONS, type AssumptionName, type Assumptions } from './assumptions.js';
import type { BenchInputs } from './bench-inputs.js';
import { fmt, value, type BackendLoad, type CapacityPlan, type RolePlan } from './capacity-model.js';

const bits = (bytesPerSecond: number): string => {
  const b = bytesPerSecond * 8;
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} Gbit/s`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(2)} Mbit/s`;
  return `${(b / 1e3).toFixed(2)} kbit/s`;
};

function role(name: string, r: RolePlan): string[] {
  return [`  ${name.padEnd(9)} ${String(r.count).padStart(6)}  (${r.cores.toFixed(1)} cores at peak; bound by ${r.boundBy})`, `            ${r.how}`];
}

function backend(name: string, b: BackendLoad, unit: string): string[] {
  const lines = [`  ${name}${b.instances === undefined ? '' : `: ${b.instances} ${b.instances === 1 ? unit.slice(0, -1) : unit} (sized below)`}`];
  for (const [k, v] of Object.entries(b.rates)) lines.push(`    ${k.padEnd(34)} ${fmt(v).padStart(12)}`);
  lines.push(`    ${b.how}`);
  return lines;
}

/**
 * The plan as lines of text.
 * @param plan the model's answer.
 * @param inputs the figures it was made from.
 * @param assumptions the assumptions it ran with; those set on the command line are marked `(set)`.
 * @param set the names of the assumptions given on the command line.
 */
export function formatPlan(plan: CapacityPlan, inputs: BenchInputs, assumptions: Assumptions, set: ReadonlySet<string>): string {
  const lines: string[] = [`Capacity for ${fmt(plan.ccu)} concurrent players`, '', 'Measured (bench/results/):'];
  for (const m of Object.values(inputs)) lines.push(`  ${m.source.padEnd(52)} ${value(m.value).padStart(10)} ${m.unit}  (${m.date ? m.date.slice(0, 10) : 'not run'})`);
  lines.push('', 'Assumed (set any with --<name> <value>):');
  for (const [name, spec] of Object.entries(ASSUMPTIONS)) {
    const v = assumptions[name as AssumptionName];
    lines.push(`  --${name.padEnd(22)} ${value(v).padStart(8)} ${spec.unit}${set.has(name) ? ' (set)' : ''}: ${spec.why}`);
  }
  lines.push(
    '',
    `Load: ${fmt(plan.requestsPerSecond)} requests/s, ${fmt(plan.pushesPerSecond)} state-sync pushes/s`,
    '',
    'Servers (one Node process per core):',
    ...role('gates', plan.gates),
    ...role('lobbies', plan.lobbies),
    ...role('services', plan.services),
    '',
    'Backing services:',
    ...backend('etcd (3 members)', plan.etcd, 'members'),
    ...backend('Redis', plan.redis, 'instances'),
    ...backend('MongoDB', plan.mongodb, 'shards'),
    '',
    'Bandwidth:',
    `  per player: ${bits(plan.bandwidth.downPerPlayer)} down, ${bits(plan.bandwidth.upPerPlayer)} up`,
    `  clients ↔ gates: ${bits(plan.bandwidth.clientDown)} down, ${bits(plan.bandwidth.clientUp)} up`,
    `  gates ↔ lobbies: ${bits(plan.bandwidth.internal)} (payloads, without headers)`,
  );
  return lines.join('\n') + '\n';
}
