// A seeds, templates or labels file past V8's longest string (about 512 MiB) is read whole; reading
// it failed with "Cannot create a string longer than …", an error naming no file that the CLI
// reports as a bug. It is an InputError naming the file and what to do, as a dataset that size
// already was. The files are sparse: their size is past the limit, yet they take no disk and are never
// read.
import { constants } from 'node:buffer';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadSeedsFile, loadTemplatesFile } from '../../src/break/index.js';
import { InputError } from '../../src/core/index.js';
import { loadLabels } from '../../src/judge/index.js';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'breakfix-huge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sparse(name: string): string {
  const f = join(dir, name);
  writeFileSync(f, '');
  truncateSync(f, constants.MAX_STRING_LENGTH + 1);
  return f;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

it.each([
  ['seed file', 'seeds.jsonl', (f: string) => loadSeedsFile(f)],
  ['template file', 'templates.yaml', (f: string) => loadTemplatesFile(f)],
  ['labels file', 'labels.jsonl', (f: string) => loadLabels(f)],
])('a %s past the longest string is an InputError naming it', (what, name, load) => {
  const f = sparse(name);
  const err = thrown(() => load(f));
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).file).toBe(f);
  expect((err as Error).message).toMatch(new RegExp(`^the ${what} is 512 MiB: it is read whole`));
  expect((err as InputError).hint).toMatch(/split it/);
});

it('judge calibrate on such a labels file exits 2 naming it, not as a bug', async () => {
  const f = sparse('human.csv');
  const r = await runCli(['judge', 'calibrate', '--labels', f], { cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(f);
  expect(r.stderr).toMatch(/512 MiB/);
  expect(r.stderr).not.toMatch(/looks like a bug|Cannot create a string/);
});
