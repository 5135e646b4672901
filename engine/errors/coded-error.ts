/**
 * The base of every area's error catalogue (style rule 10): each area keeps its own catalogue of
 * stable codes and messages in its `errors.ts`, and its error class extends this one, so all of
 * them read alike: `code`, `detail`, and a message of the form `CODE: catalogue message: detail`.
 */

/**
 * One catalogue entry: its message, when it is raised (a line of docs/errors.md), and a numeric
 * code where errors of that area cross the wire.
 */
export interface CatalogueEntry {
  readonly message: string;
  readonly when: string;
  readonly wire?: number;
}

/** An error with a stable code from a catalogue. */
export abstract class CodedError<Code extends string> extends Error {
  /** What exactly went wrong, without the catalogue text. */
  readonly detail: string;

  /**
   * @param catalogue the area's catalogue.
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(
    catalogue: Readonly<Record<Code, CatalogueEntry>>,
    readonly code: Code,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${catalogue[code].message}: ${detail}`, options);
    this.detail = detail;
  }
}
