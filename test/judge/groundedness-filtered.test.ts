// A reply the provider's content filter blocked is recorded as the filter's placeholder text; the
// groundedness judges themselves (offline, the LLM judge's precheck, `breakfix judge groundedness`)
// answer it undetermined (reason filtered), not the most ungrounded answer there is (4).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  llmGroundednessJudge,
  offlineGroundednessJudge,
  PROVIDER_FILTER_TEXT,
} from '../../src/judge/index.js';
import { runCli } from '../cli/run-cli.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { fakeTarget } from './helpers.js';

const source =
  'The Larkfield community library opens at 9 am on weekdays. Members may borrow up to six books.';
const input = (response: string) => ({
  prompt: 'How many books may a member borrow?',
  response,
  grounding: source,
  transcript: [
    { role: 'user' as const, content: 'How many books may a member borrow?' },
    { role: 'assistant' as const, content: response },
  ],
});

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('groundedness of a reply the provider filtered', () => {
  it('offline: undetermined, reason filtered; an answer beside it is still scored', async () => {
    const j = offlineGroundednessJudge();
    expect(await j.judge(input(PROVIDER_FILTER_TEXT))).toMatchObject({
      status: 'undetermined',
      value: null,
      detail: { reason: 'filtered' },
    });
    expect(await j.judge(input(` ${PROVIDER_FILTER_TEXT}\n`))).toMatchObject({ status: 'undetermined' });
    expect(await j.judge(input('Members may borrow up to six books.'))).toMatchObject({
      status: 'ok',
      value: 0,
    });
  });

  it('LLM judge: undetermined without asking the judge model (over HTTP)', async () => {
    server = await startOpenAIServer({ script: () => 'Invents everything.\nSCORE: 4' });
    const j = llmGroundednessJudge(fakeTarget(server.url));
    expect(await j.judge(input(PROVIDER_FILTER_TEXT))).toMatchObject({
      status: 'undetermined',
      value: null,
      detail: { reason: 'filtered' },
    });
    expect(server.requests).toBe(0);
    expect(await j.judge(input('Members may borrow twenty books.'))).toMatchObject({
      status: 'ok',
      value: 4,
    });
    expect(server.requests).toBe(1);
  });

  it('breakfix judge groundedness: the filtered line is undetermined, counted apart, exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'judge-filtered-'));
    const lines = [input(PROVIDER_FILTER_TEXT), input('Members may borrow up to six books.')].map(
      ({ prompt, response, grounding }) => JSON.stringify({ prompt, response, grounding }),
    );
    writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
    const r = await runCli(
      ['judge', 'groundedness', '--in', 'in.jsonl', '--out', 'out.jsonl', '--store', join(dir, 's.db')],
      { cwd: dir, env: { NO_COLOR: '1' } },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = readFileSync(join(dir, 'out.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out[0].groundedness ?? null).toBeNull();
    expect(out[0].groundedness_verdict).toMatchObject({
      status: 'undetermined',
      detail: { reason: 'filtered' },
    });
    expect(out[1].groundedness).toBe(0);
    expect(out[1].groundedness_verdict).toMatchObject({ status: 'ok' });
  });
});
