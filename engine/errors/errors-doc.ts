/**
 * Renders docs/errors.md, the reference of every error code: one table per catalogue (code,
 * number, message, when), in the order {@link findErrorCatalogues} finds them. The file is
 * generated (`npm run docs:errors`) and a test fails when it is not what the catalogues make.
 */
import { prefixOf, type DiscoveredCatalogue } from './error-catalogues.js';

/** Where the generated reference lives, from the repository root. */
export const ERRORS_DOC = 'docs/errors.md';

const HEADER = `# Error codes

<!-- Generated from the error catalogues by \`npm run docs:errors\`; edit the catalogues, not this file. -->

Every error the engine reports carries a stable code from its area's catalogue (an \`errors.ts\` or
\`*-errors.ts\` file). Codes and numbers are never reused: a retired code keeps its row. The
**number** is the numeric code that travels on the wire (in a client's ERROR reply or KICK, an RPC
error reply, an HTTP error body); an area whose errors never leave the process has none. The
**message** is the catalogue's fixed text; an error adds what exactly went wrong to it
(\`CODE: message: detail\`), and the pages of each area say what of it a client sees and how the
area's errors are handled (docs/protocol.md, docs/lobby.md, docs/rpc.md, docs/persist.md,
docs/login.md, config/README.md and the others).

Every code is raised by a test: \`engine/errors/every-code-raised.test.ts\` fails for a code that no
test other than its catalogue's own (\`errors.test.ts\`) names as a string literal, in an assertion
that real code raised it. To add a code: add its entry (\`message\`, \`when\`, and \`wire\` where
its area's errors cross the wire) to the catalogue, write the test that makes the engine raise it,
and run \`npm run docs:errors\`. A code is never removed once it has crossed the wire: it moves to
the area's \`*_RETIRED_ERRORS\` table with \`retired: true\` and keeps its row here.
`;

/** A table cell: no line breaks, pipes escaped. */
const cell = (text: string): string => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');


/**
 * The whole of docs/errors.md for these catalogues.
 * @param catalogues as {@link findErrorCatalogues} returns them.
 */
export function renderErrorsDoc(catalogues: readonly DiscoveredCatalogue[]): string {
  const sections = catalogues.map((catalogue) => {
    const rows = catalogue.codes.map(({ code, wire, message, when, retired }) =>
      retired ? `| ~~\`${code}\`~~ | ~~${wire ?? '—'}~~ | ${cell(message)} | retired: ${cell(when)} |` : `| \`${code}\` | ${wire ?? '—'} | ${cell(message)} | ${cell(when)} |`,
    );
    const live = catalogue.codes.filter((c) => !c.retired).length;
    const retired = catalogue.codes.length - live;
    return [
      `## \`${prefixOf(catalogue.codes[0]?.code ?? catalogue.name)}*\`: ${catalogue.file}`,
      '',
      `\`${catalogue.name}\`, ${live} ${live === 1 ? 'code' : 'codes'}${retired > 0 ? ` and ${retired} retired` : ''}.`,
      '',
      '| code | number | message | when |',
      '|---|---|---|---|',
      ...rows,
    ].join('\n');
  });
  return `${HEADER}\n${sections.join('\n\n')}\n`;
}
