// Helpers for judge/bench tests: an OpenAI-compatible target pointed at the SCRIPTED FAKE server, and
// `breakfix judge <kind>` run on a file against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openaiTargetSchema } from '../../src/config/index.js';
import type { Judge, Target, VerdictKind } from '../../src/core/index.js';
import { createOpenAITarget } from '../../src/targets/index.js';
import { runCli } from '../cli/run-cli.js';

export function fakeTarget(url: string, model = 'fake-judge', timeoutMs = 5_000): Target {
  return createOpenAITarget(openaiTargetSchema.parse({ type: 'openai', baseURL: url, model, timeoutMs }));
}

/** `breakfix judge <kind>` on `dir`/in.jsonl into `dir`/out.jsonl with the judge `spec`, its store in
 * `dir`: the real CLI in a child process. */
export function judgeFile(kind: string, dir: string, spec: string, extra: string[] = []) {
  return runCli(
    [
      'judge',
      kind,
      '--in',
      'in.jsonl',
      '--out',
      'out.jsonl',
      '--judge',
      spec,
      '--store',
      join(dir, 's.db'),
      ...extra,
    ],
    { cwd: dir, env: { NO_COLOR: '1' } },
  );
}

/** The lines `judgeFile` wrote, parsed. */
export function judgedLines(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'out.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** A scripted judge of a numeric kind: the score its response names ("3" → 3), and undetermined for
 * a response that names none, so a calibration's rows say what the judge gives. */
export function scoreNamingJudge(kind: VerdictKind, id = `scripted-${kind}`): Judge {
  return {
    id,
    kind,
    async judge({ response }) {
      const v = Number(response);
      return Number.isNaN(v)
        ? { judge: id, kind, status: 'undetermined', value: null }
        : { judge: id, kind, status: 'ok', value: v };
    },
  };
}
