// The README's library example ("Use it from code") runs as written: a user copies it into a
// project that depends on breakfix and gets what the README says. Here `breakfix` resolves to this
// checkout's sources (a package shim over src/index.ts, run through tsx), so the test needs no build.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinSeeds } from '../../src/break/index.js';
import { openStore } from '../../src/store/index.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'bf-readme-lib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first ```js block of the README's "Use it from code" section. */
function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split('\n## Use it from code\n')[1]?.split('\n## ')[0];
  const block = section && /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no ```js block under "## Use it from code"');
  return block;
}

describe('README: the library example', () => {
  it('runs as written and stores a red-team run that the store (and breakfix report) can read', () => {
    const shim = join(dir, 'node_modules', 'breakfix');
    mkdirSync(shim, { recursive: true });
    writeFileSync(
      join(shim, 'package.json'),
      '{ "name": "breakfix", "type": "module", "exports": "./index.ts" }\n',
    );
    writeFileSync(
      join(shim, 'index.ts'),
      `export * from ${JSON.stringify(pathToFileURL(join(root, 'src/index.ts')).href)};\n`,
    );
    writeFileSync(join(dir, 'example.mjs'), readmeExample());
    const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;
    const r = spawnSync(process.execPath, ['--import', tsx, 'example.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CI: 'true' },
    });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    // The refusal judge's label, then the benchmark summary, then the red team's line.
    expect(out[0]).toBe('full_refusal');
    expect(r.stdout).toMatch(/dr3: \d/);
    expect(r.stdout).toMatch(/vprr: \d/);
    expect(r.stdout).toMatch(/^ASR [\d.]+ · \d+ undetermined · 0 error$/m);
    const store = openStore(join(dir, '.breakfix/breakfix.db'));
    try {
      const run = store.getRun('lib-demo');
      expect(run).toMatchObject({ kind: 'redteam', status: 'done' });
      const attempts = store.listAttempts({ runId: 'lib-demo' });
      expect(attempts).toHaveLength(20);
      // builtinSeeds() passed whole: only harmful seeds were attacked.
      const kindOf = new Map(builtinSeeds().map((s) => [s.id, s.kind]));
      expect(new Set(attempts.map((a) => kindOf.get(a.seedId)))).toEqual(new Set(['harmful']));
    } finally {
      store.close();
    }
  }, 180_000);
});
