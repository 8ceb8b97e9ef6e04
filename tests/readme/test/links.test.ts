/**
 * A package README is read on the npm registry, where a relative link resolves nowhere: every
 * link in one is absolute, and a link to the contract points at `CONTRACT.md` inside the
 * published `@memrep/core`, which must therefore ship it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const CONTRACT_URL = 'https://unpkg.com/@memrep/core/CONTRACT.md';

/** Link targets of a markdown file: `[text](target)` and `<https://...>`. */
function linkTargets(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  const inline = [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  const auto = [...withoutCode.matchAll(/<(https?:[^>\s]+)>/g)].map((m) => m[1]);
  return [...inline, ...auto];
}

const packageReadmes = readdirSync(join(root, 'packages'))
  .map((name) => join('packages', name, 'README.md'))
  .filter((path) => existsSync(join(root, path)));

describe('package README links', () => {
  for (const readme of packageReadmes) {
    it(`${readme} links only to absolute URLs (or its own headings)`, () => {
      const targets = linkTargets(readFileSync(join(root, readme), 'utf8'));
      expect(targets.filter((t) => !/^(https?:\/\/|#)/.test(t))).toEqual([]);
    });
  }

  it('no package README sends the reader to a SPEC that is not published', () => {
    for (const readme of packageReadmes) {
      expect(readFileSync(join(root, readme), 'utf8'), readme).not.toMatch(/project SPEC/);
    }
  });

  it('the contract they link is shipped in @memrep/core, with the sections SPEC fixes', () => {
    const linked = packageReadmes.filter((r) =>
      linkTargets(readFileSync(join(root, r), 'utf8')).includes(CONTRACT_URL),
    );
    expect(linked.length).toBeGreaterThanOrEqual(4);
    const core = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8'));
    expect(core.files).toContain('CONTRACT.md');
    const contract = readFileSync(join(root, 'packages/core/CONTRACT.md'), 'utf8');
    const headings = [...contract.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    for (const section of [
      'Data model',
      '`Table` (reads)',
      '`Cursor` (the flush and merge iterator)',
      '`TableMut` (writes)',
      'Errors',
      '`Arena` (in `@memrep/core`, used by every backend)',
      'Sharing with worker threads',
      'Batches',
      'Range tombstones',
      'Cursor: copying out without allocating',
      'Capabilities on the interface',
      'Concurrent writers',
      '`@memrep/art`',
      '`@memrep/hash-linklist`',
      '`@memrep/wal`',
      '`@memrep/lsm`',
      '`@memrep/level` with a location',
    ]) {
      expect(headings, section).toContain(section);
    }
    expect(contract).toMatch(/must not write into them/);
  });
});
