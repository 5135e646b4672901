/**
 * Checks diagrams against the code: every module path a diagram names exists, every RPC service
 * and method it names is declared, every error code is in a catalogue, and in a diagram of imports every arrow is an import the code
 * makes, while every backend a drawn module talks to has its arrow.
 */
import type { CodeFacts } from './code-facts.js';
import type { DiagramElement, DiagramFacts } from './diagram-facts.js';

/** Backends by the alias a diagram gives them, with the client packages that reach each. */
export const BACKENDS: Readonly<Record<string, readonly string[]>> = {
  etcd: ['etcd3'],
  redis: ['ioredis'],
  mongo: ['mongodb'],
  lmdb: ['lmdb'],
};

/** Whether the repository file `file` lies in the module `module` (a folder ending in `/`, or a file). */
const within = (file: string, module: string): boolean => (module.endsWith('/') ? file.startsWith(module) : file === module);

const isModule = (element: DiagramElement, code: CodeFacts): boolean =>
  /^[\w./-]+$/.test(element.label) && /\/$|\.ts$/.test(element.label) && code.exists(element.label);

/**
 * The problems of one diagram, each a sentence naming the diagram and line; none when it agrees
 * with the code.
 * @param name the diagram's file name, for the messages.
 */
export function checkDiagram(name: string, diagram: DiagramFacts, code: CodeFacts): string[] {
  const problems: string[] = [];
  for (const { path, line } of diagram.paths) {
    if (!code.exists(path)) problems.push(`${name}:${line} names ${path}, which does not exist`);
  }
  for (const { service, method, line } of diagram.rpc) {
    const methods = code.rpc.get(service);
    if (!methods) problems.push(`${name}:${line} names the RPC service ${service}, which no *_SERVICE constant declares`);
    else if (method && !methods.has(method)) problems.push(`${name}:${line} names ${service}.${method}, which is not among the methods of ${service} (${[...methods].join(', ')})`);
  }
  for (const { code: errorCode, line } of diagram.errorCodes) {
    if (!code.errorCodes.has(errorCode)) problems.push(`${name}:${line} names the error code ${errorCode}, which no catalogue holds`);
  }
  if (diagram.arrowsAreImports) problems.push(...checkImports(name, diagram, code));
  return problems;
}

function checkImports(name: string, diagram: DiagramFacts, code: CodeFacts): string[] {
  const problems: string[] = [];
  const modules = [...diagram.elements.values()].filter((e) => isModule(e, code));
  const moduleOf = new Map(modules.map((e) => [e.alias, e.label]));
  for (const element of diagram.elements.values()) {
    if (element.kind === 'database' && !(element.alias in BACKENDS)) {
      problems.push(`${name}: the backend ${element.alias} is not one of ${Object.keys(BACKENDS).join(', ')}`);
    } else if (element.kind !== 'database' && !moduleOf.has(element.alias)) {
      problems.push(`${name}: ${element.alias} is labelled "${element.label}", which is no module path of the repository`);
    }
  }
  for (const line of diagram.backArrows) problems.push(`${name}:${line} draws an arrow right to left: draw each import as importer --> imported`);
  const drawn = new Set<string>();
  for (const { from, to, line } of diagram.arrows) {
    const source = moduleOf.get(from);
    const target = moduleOf.get(to);
    const packages = BACKENDS[to];
    if (!source) {
      problems.push(`${name}:${line} draws an arrow from ${from}, which is not a module`);
    } else if (target) {
      const real = code.imports.some((i) => !i.external && within(i.from, source) && within(i.to, target));
      if (!real) problems.push(`${name}:${line} draws ${source} → ${target}, but nothing in ${source} imports ${target}`);
    } else if (packages) {
      drawn.add(`${from} ${to}`);
      const real = code.imports.some((i) => i.external && within(i.from, source) && packages.includes(i.to));
      if (!real) problems.push(`${name}:${line} draws ${source} → ${to}, but nothing in ${source} imports ${packages.join(' or ')}`);
    } else {
      problems.push(`${name}:${line} draws an arrow to ${to}, which is neither a module nor a backend`);
    }
  }
  // Every backend a drawn module reaches itself is drawn, from it or from a drawn module inside it.
  for (const module of modules) {
    for (const [backend, packages] of Object.entries(BACKENDS)) {
      const user = code.imports.find((i) => i.external && within(i.from, module.label) && packages.includes(i.to));
      if (!user) continue;
      const shown = modules.some((inner) => within(inner.label, module.label) && drawn.has(`${inner.alias} ${backend}`));
      if (!shown) problems.push(`${name}: ${user.from} imports ${user.to}, but no arrow from ${module.label} (or a module drawn inside it) to ${backend}`);
    }
  }
  return problems;
}
