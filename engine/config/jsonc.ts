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
  const problems: ConfigProblem[] = errors.map((e) => ({
    code: CONFIG_ERRORS.PARSE,
    source: `${file}:${lineCol(text, e.offset)}`,
    path: '',
    message: humanise(printParseErrorCode(e.error)),
  }));
  if (problems.length || !root) return { value: undefined, problems };
  const value = build(root, '', (node, path, message) =>
    problems.push({ code: CONFIG_ERRORS.PARSE, source: `${file}:${lineCol(text, node.offset)}`, path, message }),
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

/** The 1-based `line:col` of a character offset. */
function lineCol(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `${line}:${offset - lineStart + 1}`;
}

// jsonc-parser names errors like `CloseBraceExpected`; people read "close brace expected".
function humanise(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
