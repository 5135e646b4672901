/**
 * Fuzz target: the JSONC reader of config files, fed any JSON value written out (its keys as they
 * come, `__proto__` and duplicates included), with comments and trailing commas put in, then cut,
 * altered or extended; and text of any characters.
 *
 * What must hold: `parseJsonc` never throws; it gives a value exactly when it finds no problem;
 * every problem is CONFIG_ERR_PARSE at a `file:line:col` inside the text; a value written out as
 * JSON reads back equal, unless a key in it is forbidden; nothing reaches `Object.prototype`.
 */
import fc from 'fast-check';
import { defineFuzzTarget } from '../testing/fuzz/fuzz-target.js';
import { CONFIG_ERRORS } from './errors.js';
import { parseJsonc } from './jsonc.js';
import { isForbiddenKey } from './path.js';

/**
 * A text to parse; `written` is the JSON of the value it was written from, while the text is
 * intact (as text, so that a saved input keeps its keys, `$`-keys included, as they were).
 */
export interface JsoncInput {
  text: string;
  written?: string;
}

const FILE = 'config/fuzz.jsonc';

const key = fc.oneof({ weight: 6, arbitrary: fc.string({ maxLength: 6 }) }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '$macros') });
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1.5e300, 1e-7),
    fc.integer(),
    fc.string({ maxLength: 8, unit: 'binary' }),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  ),
})).node;

// A comment or a trailing comma after each comma, now and then; strings are left alone.
function decorate(json: string, seed: number): string {
  let out = '';
  let inString = false;
  let n = seed;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    out += c;
    if (inString && c === '\\') {
      out += json[++i]!; // an escaped character, a quote perhaps
      continue;
    }
    if (c === '"') inString = !inString;
    if (inString || c !== ',') continue;
    n = (n * 1103515245 + 12345) >>> 0;
    if (n % 5 === 0) out += ' /* c */ ';
    else if (n % 5 === 1) out += ' // c\n';
  }
  return `// config\n${out}\n`;
}

const written = fc.tuple(value, fc.nat()).map(([v, seed]): JsoncInput => {
  const json = JSON.stringify(v);
  return { text: decorate(json, seed), written: json };
});

const damaged = fc.tuple(written, fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 4 })).map(([w, at, drop, insert]): JsoncInput => {
  const i = at % (w.text.length + 1);
  return { text: w.text.slice(0, i) + insert + w.text.slice(i + drop) };
});

const input: fc.Arbitrary<JsoncInput> = fc.oneof(
  { weight: 4, arbitrary: written },
  { weight: 4, arbitrary: damaged },
  { weight: 1, arbitrary: fc.string({ maxLength: 60, unit: 'binary' }).map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60, unit: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '/', '*', '\n', ' ', '1', 'a', '\\') }).map((text) => ({ text })) },
);

function hasForbiddenKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasForbiddenKey);
  if (typeof v !== 'object' || v === null) return false;
  return Object.keys(v).some((k) => isForbiddenKey(k) || hasForbiddenKey((v as Record<string, unknown>)[k]));
}

const POSITION = /^config\/fuzz\.jsonc:(\d+):(\d+)$/;

/** Fuzz target for {@link parseJsonc}. */
export const fuzzTarget = defineFuzzTarget<JsoncInput>({
  name: 'config.jsonc',
  description: 'config file text into the JSONC reader: JSON with comments, damaged, and random text',
  arbitrary: input,
  check({ text, written }) {
    const { value: parsed, problems } = parseJsonc(text, FILE);
    if ((parsed === undefined) !== problems.length > 0) throw new Error(`value ${parsed === undefined ? 'missing' : 'given'} with ${problems.length} problems`);
    const lines = text.split('\n');
    for (const p of problems) {
      const at = POSITION.exec(p.source);
      if (p.code !== CONFIG_ERRORS.PARSE || !at) throw new Error(`problem ${p.code} at ${p.source}`);
      const line = Number(at[1]);
      const col = Number(at[2]);
      if (line < 1 || line > lines.length || col < 1 || col > lines[line - 1]!.length + 1) throw new Error(`problem at ${line}:${col}, outside the text`);
    }
    if (written !== undefined) {
      const forbidden = hasForbiddenKey(JSON.parse(written));
      if (forbidden !== problems.length > 0) throw new Error(`${problems.length} problems for a value ${forbidden ? 'with' : 'without'} a forbidden key`);
      if (!forbidden && JSON.stringify(parsed) !== written) throw new Error('a written value read back different');
    }
    const polluted = Object.getOwnPropertyNames(Object.prototype).filter((name) => !ORIGINAL_PROTOTYPE.has(name));
    if (polluted.length) throw new Error(`Object.prototype gained ${polluted.join(', ')}`);
  },
});

const ORIGINAL_PROTOTYPE = new Set(Object.getOwnPropertyNames(Object.prototype));
