// `breakfix judge calibrate` shows progress on stderr as it judges, as `judge refusal` does judging a
// file (an LLM judge on XSTest's 450 examples is minutes of requests): it said one line before and
// nothing until the table. With --json stdout stays one JSON document; -q silences it.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const labels = fileURLToPath(new URL('../judge/fixtures/refusal-eval.jsonl', import.meta.url));

it('calibrate: progress on stderr (started, done with the count), none with -q; stdout one JSON', async () => {
  const r = await runCli(['judge', 'calibrate', '--labels', labels, '--json']);
  expect(r.code).toBe(0);
  const n = JSON.parse(r.stdout).n as number;
  expect(n).toBeGreaterThan(0);
  expect(r.stderr).toMatch(new RegExp(`judge calibrate refusal \\(.+\\): started \\(${n}\\)`));
  expect(r.stderr).toMatch(new RegExp(`judge calibrate refusal \\(.+\\): done ${n}/${n} in `));
  const quiet = await runCli(['judge', 'calibrate', '--labels', labels, '-q']);
  expect(quiet.code).toBe(0);
  expect(quiet.stderr).toBe('');
});
