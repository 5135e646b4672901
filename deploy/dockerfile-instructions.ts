/**
 * A Dockerfile read into its build stages and instructions, as far as the structural test of
 * the repository's Dockerfile needs: comments and blank lines dropped, lines ending in `\`
 * joined, exec-form (JSON array) arguments parsed.
 */

/** One instruction: its keyword in upper case and the text after it. */
export interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** One build stage: the `FROM` that opens it, its name (`AS name`) and its instructions. */
export interface Stage {
  base: string;
  name: string | undefined;
  instructions: Instruction[];
}

/**
 * Splits a Dockerfile into stages.
 *
 * @throws when an instruction comes before the first `FROM` (other than `ARG`).
 */
export function readStages(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  let startLine = 0;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending === '') startLine = i + 1;
    pending += `${line.endsWith('\\') ? line.slice(0, -1) : line} `;
    if (line.endsWith('\\')) return;
    const [keyword = '', ...rest] = pending.trim().split(/\s+/);
    const instruction = { line: startLine, keyword: keyword.toUpperCase(), args: rest.join(' ') };
    pending = '';
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name] = rest;
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    } else if (instruction.keyword !== 'ARG') {
      throw new Error(`Dockerfile:${instruction.line}: ${instruction.keyword} before the first FROM`);
    }
  });
  return stages;
}

/**
 * The arguments of an exec-form instruction (`["node", "main.js"]`).
 *
 * @throws when they are not a JSON array of strings (the shell form).
 */
export function execForm(instruction: Instruction): string[] {
  const parsed: unknown = JSON.parse(instruction.args);
  if (!Array.isArray(parsed) || !parsed.every((arg) => typeof arg === 'string')) {
    throw new Error(`Dockerfile:${instruction.line}: ${instruction.keyword} is not in exec form`);
  }
  return parsed;
}
