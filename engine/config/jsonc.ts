/**
 * Reads JSONC, JSON with `//` and `/* *\/` comments and trailing commas, into plain values, with
 * `file:line:col` positions on every error. The parse itself is jsonc-parser's; this file builds
 * the value from its tree so that duplicate keys and prototype-polluting keys are errors too.
 */

import { parseTree, printParseErrorCode } from 'jsonc-parser';
import type { Node as JsonNode, ParseError } from 'jsonc-parser';
import { CONFIG_ERRORS, type ConfigProblem } from './errors.js';
import { isForbiddenKey, joinPath } from './path.js';

/** What {@link parseJsonc} found: the value when the text was valid, and the problems otherwise. */
export interface JsoncResult {
  /** The parsed value; `undefined` when there are problems. */
  readonly value: unknown;
  /** Every syntax error, duplicate key and forbidden key, each with source `file:line:col`. */
  readonly problems: ConfigProblem[];
}

/**
 * Parses JSONC text. Comments and trailing commas are allowed; empty text is an error. Does not throw.
 * @param text the file's contents.
 * @param file the name to put in problem sources, e.g. `config/gate.jsonc`.
 */
export function parseJsonc(text: string, file: string): JsoncResult {
  // Editors on Windows may save a byte-order mark, which is not JSON.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  const lineCol = lineColOf(text);
  const problems: ConfigProblem[] = errors.map((e) => ({
    code: CONFIG_ERRORS.PARSE,
    source: `${file}:${lineCol(e.offset)}`,
    path: '',
    message: humanise(printParseErrorCode(e.error)),
  }));
  if (problems.length || !root) return { value: undefined, problems };
  const value = build(root, '', (node, path, message) =>
    problems.push({ code: CONFIG_ERRORS.PARSE, source: `${file}:${lineCol(node.offset)}`, path, message }),
  );
  return { value: problems.length ? undefined : value, problems };
}

type Report = (node: JsonNode, path: string, message: string) => void;

function build(node: JsonNode, path: string, report: Report): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (!keyNode || !valueNode) continue; // only in trees with syntax errors, which never get here
        const key = String(keyNode.value);
        const at = joinPath(path, key);
        if (isForbiddenKey(key)) report(keyNode, at, `forbidden key ${JSON.stringify(key)}`);
        else if (Object.hasOwn(out, key)) report(keyNode, at, `duplicate key ${JSON.stringify(key)}`);
        else out[key] = build(valueNode, at, report);
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map((child, i) => build(child, joinPath(path, i), report));
    default:
      return node.value as unknown;
  }
}

/**
 * The 1-based `line:col` of character offsets in `text`. The line starts are found once, at the
 * first call, and searched by bisection: a file with an error on every line costs its length
 * times the log of its lines, not its length times its errors.
 */
function lineColOf(text: string): (offset: number) => string {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    // The last line starting at or before the offset (a newline belongs to the line it ends).
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return `${low + 1}:${offset - starts[low]! + 1}`;
  };
}

// jsonc-parser names errors like `CloseBraceExpected`; people read "close brace expected".
function humanise(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
