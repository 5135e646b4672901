/**
 * `npm run uml`: renders every diagram of uml/ to SVG in docs/images/uml/ with the `plantuml`
 * command (Debian's plantuml package, with graphviz; scripts/setup.sh installs both), after
 * checking each against the code. Exits non-zero, naming the problems, when a diagram names what
 * the code lacks or PlantUML reports an error.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDiagram } from './check-diagrams.js';
import { readCodeFacts } from './code-facts.js';
import { readDiagram } from './diagram-facts.js';

/** The repository root. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Where the diagrams' sources are. */
export const UML_DIR = join(ROOT, 'uml');
/** Where their SVGs go, for the docs to embed. */
export const SVG_DIR = join(ROOT, 'docs/images/uml');

/** The diagram sources (`*.puml` file names) of uml/, sorted. */
export function diagramFiles(): string[] {
  return readdirSync(UML_DIR).filter((f) => f.endsWith('.puml')).sort();
}

/** The problems of every diagram of uml/ against the code of the repository (none when all agree). */
export async function checkAllDiagrams(): Promise<string[]> {
  const code = await readCodeFacts(ROOT);
  return diagramFiles().flatMap((file) => checkDiagram(`uml/${file}`, readDiagram(readFileSync(join(UML_DIR, file), 'utf8')), code));
}

/**
 * Renders `files` (paths) to SVG in `outDir` with one run of PlantUML.
 * @throws Error when plantuml is missing, exits non-zero (a syntax error), or writes to stderr (Graphviz missing).
 */
export function renderSvg(files: string[], outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  return new Promise((done, fail) => {
    execFile('plantuml', ['-tsvg', '-charset', 'UTF-8', '-o', resolve(outDir), ...files], { timeout: 300_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') fail(new Error('plantuml is not installed: run scripts/setup.sh (Debian packages plantuml and graphviz)'));
      else if (error) fail(new Error(`plantuml failed (${error.code ?? error.signal}): ${stdout}${stderr}`.trim()));
      else if (stderr.trim() !== '') fail(new Error(`plantuml reported: ${stderr.trim()}`));
      else done();
    });
  });
}

async function main(): Promise<void> {
  const problems = await checkAllDiagrams();
  if (problems.length > 0) {
    console.error(`diagrams that disagree with the code:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  const files = diagramFiles();
  await renderSvg(files.map((f) => join(UML_DIR, f)), SVG_DIR);
  console.log(`rendered ${files.length} diagrams to ${SVG_DIR}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
