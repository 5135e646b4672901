/**
 * Durations as people type them on the command line: `1500ms`, `30s`, `5m`, `2m30s`, `1h`,
 * `1h30m`, `0`. Units are `h`, `m`, `s` and `ms`, largest first, each at most once; a number may
 * have a fraction (`1.5s`). A bare `0` is zero; any other bare number is refused, since it would
 * be unclear whether it means seconds or milliseconds.
 */

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
const ORDER = ['h', 'm', 's', 'ms'] as const;
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

/**
 * The milliseconds `text` stands for, rounded to a whole millisecond.
 * @throws RangeError when `text` is not such a duration, naming it and the accepted forms.
 */
export function parseDuration(text: string): number {
  const input = text.trim();
  if (input === '0') return 0;
  let total = 0;
  let next = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const match = PART.exec(input);
    if (!match) break;
    const unit = match[2] as keyof typeof UNIT_MS;
    const rank = ORDER.indexOf(unit);
    if (rank < next) throw bad(text, `${unit} comes after a smaller unit or twice`);
    next = rank + 1;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  if (next === 0 || PART.lastIndex !== input.length) throw bad(text);
  return Math.round(total);
}

/** `ms` in the shortest form {@link parseDuration} reads back, for messages and displays (`2m30s`, `1500ms`). */
export function formatDuration(ms: number): string {
  if (!(ms > 0)) return '0s';
  let left = Math.round(ms);
  let out = '';
  for (const unit of ORDER) {
    const whole = Math.floor(left / UNIT_MS[unit]);
    if (whole === 0) continue;
    out += `${whole}${unit}`;
    left -= whole * UNIT_MS[unit];
  }
  return out;
}

function bad(text: string, why?: string): RangeError {
  return new RangeError(`"${text}" is not a duration${why ? ` (${why})` : ''}: write it like 1500ms, 30s, 5m, 2m30s or 1h`);
}
