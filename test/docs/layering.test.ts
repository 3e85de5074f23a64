// The layering DESIGN.md (the map) and docs/ARCHITECTURE.md state, checked on the source: which
// folders of src/ each folder may import. Reads every import specifier of src/<folder>/**/*.ts; a
// relative one that leaves the folder names the folder it reaches.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** folder → the other folders of src/ it imports, each with one file that does. */
function folderImports(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const folder of readdirSync(src).filter((n) => statSync(join(src, n)).isDirectory())) {
    const reached = new Map<string, string>();
    for (const file of files(join(src, folder))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = relative(src, resolve(dirname(file), m[1] as string)).split(sep)[0] as string;
        if (target !== folder && !target.startsWith('..') && !reached.has(target))
          reached.set(target, relative(src, file));
      }
    }
    out.set(folder, reached);
  }
  return out;
}

const imports = folderImports();
const reach = (folder: string) => [...(imports.get(folder)?.keys() ?? [])].sort();

describe('layering of src/ (DESIGN.md, docs/ARCHITECTURE.md)', () => {
  it('finds the folders and their imports', () => {
    // Guards the scan itself: a parser that found nothing would pass every rule below.
    expect(reach('cycle')).toEqual(expect.arrayContaining(['bench', 'break', 'fix', 'store']));
    expect(reach('cli').length).toBeGreaterThan(5);
  });

  it('core depends on nothing else in src/', () => {
    expect(reach('core')).toEqual([]);
  });

  it('lm knows nothing of safety: it imports core only', () => {
    expect(reach('lm')).toEqual(['core']);
  });

  it('nothing below cycle imports cycle, report or cli', () => {
    for (const [folder, reached] of imports) {
      if (['cycle', 'report', 'cli'].includes(folder)) continue;
      for (const upper of ['cycle', 'report', 'cli'])
        expect(reached.has(upper), `${folder} → ${upper} (${reached.get(upper)})`).toBe(false);
    }
  });

  it('the stages use judge, not the other way round: judge imports no bench, break, fix or world', () => {
    // (the taxonomy, the CSV / JSONL readers and the encodings the refusal judge inverts are in core)
    for (const upper of ['bench', 'break', 'fix', 'world'])
      expect(imports.get('judge')?.has(upper), `judge → ${upper} (${imports.get('judge')?.get(upper)})`).toBe(
        false,
      );
  });

  it('targets, store and config import no stage', () => {
    for (const folder of ['targets', 'store', 'config'])
      for (const stage of ['bench', 'break', 'judge', 'fix', 'world'])
        expect(
          imports.get(folder)?.has(stage),
          `${folder} → ${stage} (${imports.get(folder)?.get(stage)})`,
        ).toBe(false);
  });
});
