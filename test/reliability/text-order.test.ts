// The text order results are ranked and planned in is the same on every machine: String#localeCompare
// without a locale follows LANG (under da_DK "aa" sorts after "z"), so breakfix orders text with
// compareText (core/order.ts, pinned to en-US) and nowhere with the machine's locale.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareText } from '../../src/core/index.js';

const root = resolve(__dirname, '../..');
const words = ['z', 'ab', 'aa1', 'ä'];

/** `words` sorted in a child Node whose locale is `lang`: by compareText, and by the machine's own. */
function sortedUnder(lang: string): { pinned: string[]; machine: string[] } {
  const script = `
    const { compareText } = await import(${JSON.stringify(join(root, 'dist/core/order.js'))});
    const w = ${JSON.stringify(words)};
    console.log(JSON.stringify({
      pinned: [...w].sort(compareText),
      machine: [...w].sort((a, b) => a.localeCompare(b)),
    }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, LANG: lang, LC_ALL: lang },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('compareText', () => {
  it('sorts alike under a Danish or Swedish locale as under en_US', () => {
    const en = sortedUnder('en_US.UTF-8');
    expect(en.pinned).toEqual(['ä', 'aa1', 'ab', 'z']);
    for (const lang of ['da_DK.UTF-8', 'sv_SE.UTF-8']) {
      const there = sortedUnder(lang);
      // (the machine's own order does move there: the pin is what keeps it)
      expect(there.machine, lang).not.toEqual(en.machine);
      expect(there.pinned, lang).toEqual(en.pinned);
    }
    expect([...words].sort(compareText)).toEqual(en.pinned);
  });

  it('is the only text order in src/: no localeCompare left to the machine’s locale', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
      });
    const unpinned = files(join(root, 'src')).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/\.localeCompare\(\s*[^,()]+\)/g)].map(
        (m) => `${relative(root, f)}: ${m[0]}`,
      ),
    );
    expect(unpinned).toEqual([]);
  });
});
