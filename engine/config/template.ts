/**
 * Parses the `${...}` expressions inside one config string into parts; {@link substitute} (in
 * substitute.ts) evaluates them. Grammar:
 *
 * ```
 * ${NAME}            environment variable NAME; an error if it is not set
 * ${NAME:-fallback}  NAME if set and not empty, else fallback (which may itself hold ${...})
 * ${@macro}          the macro `macro` from the file's "$macros" block
 * $${                a literal "${"
 * ```
 *
 * NAME is `[A-Za-z_][A-Za-z0-9_]*`; a macro name is `[A-Za-z_][A-Za-z0-9_-]*`. A fallback ends
 * at the first `}` that closes it, so it cannot contain a literal `}`. Any other `$` is literal.
 */

/** Literal text. */
export interface TextPart {
  readonly kind: 'text';
  readonly text: string;
}
/** `${NAME}` or `${NAME:-fallback}`. */
export interface EnvPart {
  readonly kind: 'env';
  readonly name: string;
  /** The parts after `:-`, when given. */
  readonly fallback?: readonly TemplatePart[];
}
/** `${@name}`. */
export interface MacroPart {
  readonly kind: 'macro';
  readonly name: string;
}
/** One piece of a parsed string. */
export type TemplatePart = TextPart | EnvPart | MacroPart;

/** {@link parseTemplate}'s result: the parts, or why the string is malformed. */
export type TemplateResult = { ok: true; parts: readonly TemplatePart[] } | { ok: false; error: string };

const ENV_NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const MACRO_NAME = /[A-Za-z_][A-Za-z0-9_-]*/y;

class TemplateSyntaxError extends Error {}

/**
 * Splits `input` into text, environment and macro parts. A string without `$` is one text part.
 * Does not throw: a malformed expression comes back as `{ ok: false, error }`.
 */
export function parseTemplate(input: string): TemplateResult {
  try {
    // Outside a fallback a '}' is literal, so the top level always reads to the end.
    return { ok: true, parts: parseParts(input, 0, false)[0] };
  } catch (err) {
    if (err instanceof TemplateSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
}

/** Reads parts from `pos` to the end of `input`, or, when `nested`, to the `}` closing a fallback. */
function parseParts(input: string, pos: number, nested: boolean): [TemplatePart[], number] {
  const parts: TemplatePart[] = [];
  let text = '';
  while (pos < input.length) {
    if (nested && input[pos] === '}') break;
    if (input.startsWith('$${', pos)) {
      text += '${';
      pos += 3;
    } else if (input.startsWith('${', pos)) {
      if (text) parts.push({ kind: 'text', text });
      text = '';
      let part: TemplatePart;
      [part, pos] = parseExpression(input, pos);
      parts.push(part);
    } else {
      text += input[pos];
      pos++;
    }
  }
  if (text) parts.push({ kind: 'text', text });
  return [parts, pos];
}

/** Reads one `${...}` starting at `start` (which points at the `$`). */
function parseExpression(input: string, start: number): [TemplatePart, number] {
  let pos = start + 2;
  const where = () => `in ${JSON.stringify(input.slice(start, start + 40))} at character ${pos + 1}`;
  if (input[pos] === '@') {
    const name = match(MACRO_NAME, input, pos + 1);
    if (!name) throw new TemplateSyntaxError(`expected a macro name after "\${@" ${where()}`);
    pos += 1 + name.length;
    if (input[pos] !== '}') throw new TemplateSyntaxError(`expected "}" after the macro name ${where()}`);
    return [{ kind: 'macro', name }, pos + 1];
  }
  const name = match(ENV_NAME, input, pos);
  if (!name) throw new TemplateSyntaxError(`expected a variable name or "@macro" after "\${" ${where()}`);
  pos += name.length;
  if (input[pos] === '}') return [{ kind: 'env', name }, pos + 1];
  if (!input.startsWith(':-', pos)) {
    throw new TemplateSyntaxError(`expected "}" or ":-" after the variable name ${where()}`);
  }
  let fallback: TemplatePart[];
  [fallback, pos] = parseParts(input, pos + 2, true);
  if (input[pos] !== '}') throw new TemplateSyntaxError(`unterminated "\${" ${where()}`);
  return [{ kind: 'env', name, fallback }, pos + 1];
}

function match(pattern: RegExp, input: string, pos: number): string | undefined {
  pattern.lastIndex = pos;
  return pattern.exec(input)?.[0];
}
