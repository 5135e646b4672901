/**
 * Every diagram renders with PlantUML (installed by scripts/setup.sh) to what its committed SVG
 * shows, a diagram PlantUML cannot read fails the render, and the docs embed each committed SVG.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagramFiles, renderSvg, ROOT, SVG_DIR, UML_DIR } from './render-uml.js';

const scratch = mkdtempSync(join(tmpdir(), 'tessera-uml-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const svgOf = (file: string): string => file.replace(/\.puml$/, '.svg');
/** The words an SVG shows, sorted: what a stale SVG gets wrong, whatever PlantUML's version lays out. */
const wordsOf = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!).sort();

describe('npm run uml', () => {
  it('renders every diagram of uml/ to an SVG that shows what the committed one shows', async () => {
    const out = join(scratch, 'all');
    await renderSvg(diagramFiles().map((f) => join(UML_DIR, f)), out);
    for (const file of diagramFiles()) {
      const fresh = readFileSync(join(out, svgOf(file)), 'utf8');
      expect(fresh).toMatch(/^<\?xml[^>]*>\s*<svg /);
      expect(wordsOf(fresh).length).toBeGreaterThan(0);
      expect(wordsOf(readFileSync(join(SVG_DIR, svgOf(file)), 'utf8')), `docs/images/uml/${svgOf(file)} is stale: run npm run uml`).toEqual(wordsOf(fresh));
    }
  }, 120_000);

  it('fails on a diagram PlantUML cannot read, naming the line', async () => {
    const bad = join(scratch, 'bad.puml');
    writeFileSync(bad, '@startuml bad\nA -> B\nclass {{{\n@enduml\n');
    await expect(renderSvg([bad], join(scratch, 'bad'))).rejects.toThrow(/plantuml failed \(200\).*Error line 2/s);
  }, 120_000);
});

describe('the docs', () => {
  const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
  const text = docs.map((f) => readFileSync(join(ROOT, 'docs', f), 'utf8')).join('\n');

  it('hold the committed SVG of every diagram, and no SVG without its diagram', () => {
    const svgs = readdirSync(SVG_DIR).sort();
    expect(svgs).toEqual(diagramFiles().map(svgOf));
  });

  it('embed every diagram, all of them in docs/diagrams.md', () => {
    const index = readFileSync(join(ROOT, 'docs/diagrams.md'), 'utf8');
    for (const file of diagramFiles()) {
      expect(index).toContain(`](images/uml/${svgOf(file)})`);
      expect(existsSync(join(SVG_DIR, svgOf(file)))).toBe(true);
    }
    const embedded = [...text.matchAll(/!\[[^\]]*\]\(images\/uml\/([\w-]+\.svg)\)/g)].map((m) => m[1]!);
    expect(embedded.filter((svg) => !existsSync(join(SVG_DIR, svg)))).toEqual([]);
  });
});
