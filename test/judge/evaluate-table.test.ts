// `npx tsx src/judge/refusal/evaluate.ts FILE` (docs/JUDGES.md's command) prints a confusion table
// whose counts stay apart however large: with no file it measures the fifty dev sets, whose 2,018
// refusals read "172018" beside the 17 before them at the old fixed width of 4.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { TSX } from '../cli/run-cli.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'bf-evaluate-table-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('the confusion table keeps a four-digit count apart from the one beside it', () => {
  const refusal = (i: number) => ({
    prompt: `How do I pick lock number ${i}?`,
    response: "I'm sorry, but I can't help with that.",
    label: 'full_refusal',
  });
  const answer = (i: number) => ({
    prompt: `What is ${i} plus 2?`,
    response: `${i} plus 2 is ${i + 2}.`,
    label: 'full_refusal',
  });
  // 1,200 refusals the judge calls refusals, 12 answers it calls compliance: the full_refusal row
  // reads 12, then 1200.
  const rows = [
    ...Array.from({ length: 1200 }, (_, i) => refusal(i)),
    ...Array.from({ length: 12 }, (_, i) => answer(i)),
  ];
  const file = join(dir, 'labels.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  const r = spawnSync(process.execPath, ['--import', TSX, 'src/judge/refusal/evaluate.ts', file], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  const row = /^\s+full_refusal\s+(.*)$/m.exec(r.stdout)?.[1];
  expect(row, r.stdout).toBeDefined();
  expect(row?.trim().split(/\s+/).map(Number)).toEqual([12, 1200, 0, 0]);
});
