/**
 * Every ```ts block of every README (the root's, each package's and each app's) is an
 * example a user copies: each must typecheck under NodeNext and `strict`, against the built
 * workspace packages as a user installs them, and run to completion.
 *
 * A block is a program: it runs under Node and must exit 0. A block whose first line names a
 * test file (`// test/conformance.test.ts`) is a test file of the user's own backend package:
 * it is placed in a package `@me/my-table` whose `src/index.ts` is the skip list (the stand-in
 * for the user's backend, exported as `MyTable` too) and run with vitest there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..');
const root = join(pkg, '..', '..');
const work = join(pkg, '.examples');

interface Example {
  /** `packages/vector/README.md#2`: the README and the block's place among its ts blocks. */
  id: string;
  readme: string;
  line: number;
  code: string;
  /** The test file the block says it is, or undefined for a program. */
  testFile: string | undefined;
  /** The example's file, relative to `work`. */
  file: string;
}

function readmes(): string[] {
  const found = [join(root, 'README.md')];
  for (const group of ['packages', 'apps']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const readme = join(dir, name, 'README.md');
      if (existsSync(readme)) found.push(readme);
    }
  }
  return found;
}

/** The ```ts and ```typescript blocks of a markdown file, with the line each starts on. */
function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const start = i + 1;
    while (i + 1 < lines.length && !lines[i + 1].startsWith('```')) i++;
    blocks.push({ line: start + 1, code: lines.slice(start, i + 1).join('\n') });
    i++;
  }
  return blocks;
}

function collect(): Example[] {
  const examples: Example[] = [];
  for (const readme of readmes()) {
    const path = relative(root, readme);
    const slug = path.replace(/\/?README\.md$/, '').replace(/\//g, '-') || 'root';
    tsBlocks(readFileSync(readme, 'utf8')).forEach(({ line, code }, i) => {
      const testFile = /^\/\/\s*(test\/[\w.-]+\.test\.ts)\s*$/m.exec(code.split('\n')[0])?.[1];
      const file = testFile
        ? join(`${slug}-${i + 1}`, testFile)
        : join('programs', `${slug}-${i + 1}.ts`);
      examples.push({ id: `${path}#${i + 1}`, readme: path, line, code, testFile, file });
    });
  }
  return examples;
}

const examples = collect();
let diagnostics = '';

/** The package a test-file example lives in: the user's backend, here the skip list. */
function writeUserPackage(dir: string): void {
  const reexport = "export { createTable, SkipListTable as MyTable } from '@memrep/skiplist';\n";
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'src', 'index.ts'), reexport);
  writeFileSync(join(dir, 'dist', 'index.js'), reexport);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: '@me/my-table', type: 'module', exports: { '.': './dist/index.js' } }),
  );
}

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'programs'), { recursive: true });
  writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  for (const example of examples) {
    const file = join(work, example.file);
    if (example.testFile) writeUserPackage(join(file, '..', '..'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${example.code}\n`);
  }
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2024'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        types: ['node'],
        outDir: 'out',
        rootDir: '.',
      },
      include: ['**/*.ts'],
      exclude: ['out'],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [join(pkg, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--pretty', 'false'],
    { cwd: work, encoding: 'utf8' },
  );
  diagnostics = `${tsc.stdout}${tsc.stderr}`;
});

/** The compiler's messages about one example's file. */
function errorsOf(example: Example): string[] {
  return diagnostics.split('\n').filter((line) => line.startsWith(`${example.file}(`));
}

describe('README examples', () => {
  it('finds the examples of every README', () => {
    const readmesWithExamples = new Set(examples.map((e) => e.readme));
    for (const readme of ['README.md', 'packages/core/README.md', 'packages/level/README.md']) {
      expect(readmesWithExamples.has(readme), readme).toBe(true);
    }
  });

  it('the compiler reports nothing outside the examples', () => {
    const stray = diagnostics
      .split('\n')
      .filter((line) => line.trim() !== '' && !examples.some((e) => line.startsWith(`${e.file}(`)));
    expect(stray).toEqual([]);
  });

  for (const example of examples) {
    it(`${example.id} (line ${example.line}) typechecks under NodeNext, strict, and runs`, () => {
      expect(errorsOf(example)).toEqual([]);
      const compiled = join(work, 'out', example.file.replace(/\.ts$/, '.js'));
      const run = example.testFile
        ? spawnSync(
            process.execPath,
            [join(pkg, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', '.'],
            { cwd: join(work, example.file, '..', '..'), encoding: 'utf8' },
          )
        : spawnSync(process.execPath, [compiled], { cwd: work, encoding: 'utf8' });
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    });
  }
});
