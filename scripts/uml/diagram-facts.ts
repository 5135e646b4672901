/**
 * What a PlantUML diagram names, read by the naming convention of uml/README.md: module paths
 * (`engine/rpc/`, `gate/gate.ts`), RPC calls (`rpc:sessions.bind`), backends (`database ... as
 * redis`) and, in a diagram marked `' arrows: imports`, the arrows between them.
 */

/** One element declared with an alias: `[gate/] as gate`, `participant "gate/gate.ts" as gate`. */
export interface DiagramElement {
  alias: string;
  /** The first line of its label. */
  label: string;
  /** The PlantUML keyword that declared it (`component` for the `[label]` shorthand). */
  kind: string;
}

/** An arrow `from --> to` between two aliases. */
export interface DiagramArrow {
  from: string;
  to: string;
  line: number;
}

/** Everything {@link readDiagram} finds in one diagram. */
export interface DiagramFacts {
  /** Whether the arrows stand for imports (the `' arrows: imports` line). */
  arrowsAreImports: boolean;
  elements: Map<string, DiagramElement>;
  arrows: DiagramArrow[];
  /** Lines of arrows drawn right to left (`a <-- b`, `a <--> b`), which the convention does not read. */
  backArrows: number[];
  /** Module paths named anywhere but in comments, with their line numbers. */
  paths: { path: string; line: number }[];
  /** RPC names (`rpc:service` or `rpc:service.method`), with their line numbers. */
  rpc: { service: string; method?: string; line: number }[];
  /** Error codes (`GATE_ERR_LOBBY_FAILED`), with their line numbers. */
  errorCodes: { code: string; line: number }[];
}

// The top-level folders of the repository that a diagram may name a path in, and root files.
const PATH = /(?<![\w/.:-])((?:engine|gate|lobby|services|client-sim|scripts|deploy|config|examples|docs|uml|testkit)\/[\w./-]*|[\w-]+\.(?:ts|sh))/g;
const RPC = /\brpc:([\w-]+)(?:\.([\w-]+))?/g;
const ERROR_CODE = /\b[A-Z][A-Z0-9]*_ERR_[A-Z0-9_]+\b/g;
const DECLARED = [
  /^\s*\[([^\]]+)\]\s+as\s+(\w+)/,
  /^\s*(component|participant|actor|database|node|queue|collections|entity|boundary|control|rectangle|package|cloud)\s+"([^"]+)"\s+as\s+(\w+)/,
];
// `a --> b`, `a ..> b`, `a -[#red]-> b`; and the arrows drawn the other way, `a <-- b`.
const ARROW = /^\s*(\w+)\s*[-.]+(?:\[[^\]]*\])?[-.]*>\s*(\w+)/;
const BACK_ARROW = /^\s*\w+\s*<[-.]/;

/** Reads what the diagram text `source` names (see uml/README.md for the convention). */
export function readDiagram(source: string): DiagramFacts {
  const facts: DiagramFacts = { arrowsAreImports: false, elements: new Map(), arrows: [], backArrows: [], paths: [], rpc: [], errorCodes: [] };
  source.split('\n').forEach((text, index) => {
    const line = index + 1;
    if (/^\s*'\s*arrows:\s*imports\s*$/.test(text)) facts.arrowsAreImports = true;
    if (/^\s*'/.test(text)) return;
    // A label's line break is `\n` in the text: a path split by one is read as two words.
    for (const m of text.replaceAll('\\n', ' ').matchAll(PATH)) facts.paths.push({ path: m[1]!.replace(/\.+$/, ''), line });
    for (const m of text.matchAll(ERROR_CODE)) facts.errorCodes.push({ code: m[0], line });
    for (const m of text.matchAll(RPC)) facts.rpc.push({ service: m[1]!, ...(m[2] ? { method: m[2] } : {}), line });
    const short = DECLARED[0]!.exec(text);
    if (short) facts.elements.set(short[2]!, { alias: short[2]!, label: short[1]!.split('\\n')[0]!, kind: 'component' });
    const long = DECLARED[1]!.exec(text);
    if (long) facts.elements.set(long[3]!, { alias: long[3]!, label: long[2]!.split('\\n')[0]!, kind: long[1]! });
    const arrow = ARROW.exec(text);
    if (arrow) facts.arrows.push({ from: arrow[1]!, to: arrow[2]!, line });
    if (BACK_ARROW.test(text)) facts.backArrows.push(line);
  });
  return facts;
}
