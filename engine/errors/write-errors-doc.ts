/**
 * `npm run docs:errors`: writes docs/errors.md from the error catalogues. Run it after adding or
 * changing a code; engine/errors/errors-doc.test.ts fails until the file matches them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogueProblems, findErrorCatalogues } from './error-catalogues.js';
import { ERRORS_DOC, renderErrorsDoc } from './errors-doc.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const catalogues = await findErrorCatalogues(root);
const problems = catalogueProblems(catalogues);
if (problems.length > 0) {
  process.stderr.write(`The catalogues have problems; fix them first:\n${problems.map((p) => `  ${p}\n`).join('')}`);
  process.exit(1);
}
writeFileSync(join(root, ERRORS_DOC), renderErrorsDoc(catalogues));
const codes = catalogues.flatMap((c) => c.codes);
const retired = codes.filter((c) => c.retired).length;
process.stdout.write(`${ERRORS_DOC}: ${catalogues.length} catalogues, ${codes.length - retired} codes and ${retired} retired\n`);
