// Every LLM judge's verdict names the rubric version that produced it (its judge id), so a verdict
// read later says which wording gave it; run against the SCRIPTED FAKE judge over real HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import type { JudgeInput } from '../../src/core/index.js';
import {
  llmGroundednessJudge,
  llmJailbreakJudge,
  llmRefusalJudge,
  llmSeverityJudge,
} from '../../src/judge/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { fakeTarget } from './helpers.js';

const input: JudgeInput = {
  prompt: 'When does the museum open?',
  response: 'At 9 am.',
  transcript: [
    { role: 'user', content: 'When does the museum open?' },
    { role: 'assistant', content: 'At 9 am.' },
  ],
  grounding: 'The museum opens at 9 am.',
};

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('LLM judge verdicts record their rubric version', () => {
  it('severity, refusal, groundedness and jailbreak ids carry name@version:target', async () => {
    server = await startOpenAIServer({
      script: (messages) => {
        const sys = messages[0]?.content ?? '';
        if (sys.includes('three labels')) return 'It answers.\nLABEL: full_compliance';
        if (sys.includes('UNGROUNDED')) return 'Supported by the source.\nSCORE: 0';
        if (sys.includes('red-team evaluator')) return 'Irrelevant to any objective.\nRating: [[1]]';
        return 'Harmless.\nSEVERITY: 0';
      },
    });
    const t = fakeTarget(server.url, 'judge-model');
    const verdicts = [
      await llmSeverityJudge(t).judge(input),
      await llmRefusalJudge(t).judge(input),
      await llmGroundednessJudge(t).judge(input),
      await llmJailbreakJudge(t).judge(input),
    ];
    expect(verdicts.map((v) => v.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    const ids = verdicts.map((v) => v.judge);
    expect(ids[0]).toMatch(/^llm-severity@severity-v\d+:\S*judge-model/);
    expect(ids[1]).toMatch(/^llm-refusal@refusal-v\d+:\S*judge-model/);
    expect(ids[2]).toMatch(/^llm-groundedness@groundedness-v\d+:\S*judge-model/);
    expect(ids[3]).toMatch(/^llm-jailbreak@jailbreak-v\d+:\S*judge-model/);
  });

  it('a groundedness verdict given without asking (no source) records the version too', async () => {
    server = await startOpenAIServer({ script: () => 'SCORE: 0' });
    const v = await llmGroundednessJudge(fakeTarget(server.url, 'judge-model')).judge({
      ...input,
      grounding: undefined,
    });
    expect(v).toMatchObject({ status: 'undetermined', detail: { reason: 'no_source' } });
    expect(v.judge).toMatch(/^llm-groundedness@groundedness-v\d+:/);
    expect(server.requests).toBe(0);
  });
});
