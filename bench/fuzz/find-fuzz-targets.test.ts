import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFuzzTargets } from './find-fuzz-targets.js';

// Modules without imports, so that they load from a temporary folder; an object with a
// `generate` method stands in for an arbitrary.
const target = (name: string) => `{ name: '${name}', description: 'd', arbitrary: { generate() {} }, check() {} }`;

describe('findFuzzTargets', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fuzz-targets-'));
    await mkdir(join(root, 'engine', 'codec'), { recursive: true });
    await mkdir(join(root, 'node_modules', 'lib'), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds every FuzzTarget exported by a *.fuzz.ts file, wherever it is, and nothing in node_modules', async () => {
    await writeFile(join(root, 'engine', 'codec', 'frame.fuzz.ts'), `export const frames = ${target('codec.frame')};\nexport const chunks = ${target('codec.chunks')};\nexport const LIMIT = 4;\n`);
    await writeFile(join(root, 'root.fuzz.ts'), `export default ${target('root.default')};\n`);
    await writeFile(join(root, 'engine', 'codec', 'helper.ts'), `export const hidden = ${target('codec.hidden')};\n`);
    await writeFile(join(root, 'node_modules', 'lib', 'x.fuzz.ts'), `export const x = ${target('lib.x')};\n`);
    const found = await findFuzzTargets(root);
    expect(found.map((t) => [t.name, t.exportName])).toEqual([
      ['codec.chunks', 'chunks'],
      ['codec.frame', 'frames'],
      ['root.default', 'default'],
    ]);
  });

  it('refuses two targets of one name, and a file that exports none', async () => {
    await writeFile(join(root, 'a.fuzz.ts'), `export const one = ${target('same')};\nexport const two = ${target('same')};\n`);
    await expect(findFuzzTargets(root)).rejects.toThrow(/same is exported twice/);
    await rm(join(root, 'a.fuzz.ts'));
    await writeFile(join(root, 'b.fuzz.ts'), 'export const nothing = 1;\n');
    await expect(findFuzzTargets(root)).rejects.toThrow(/b\.fuzz\.ts exports no fuzz target/);
  });
});
