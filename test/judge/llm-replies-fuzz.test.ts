// Property test (fast-check, fixed seed) of the LLM judges end to end, on a fake judge target (in
// process) whose reply is built from random pieces: verdict lines of every format in and out of
// range, reasoning traces (<think>, harmony channels) closed and unclosed, markdown, free text, a
// target that fails. Each verdict is `ok` with a value on its scale that the reply's answer (its
// trace aside) really states, or `undetermined`/`error` with no value: never a throw, never a value
// out of range, never `safe` that the answer did not say. props-parsers.test.ts checks the parsers
// alone; this checks what the judges make of a reply.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JudgeInput, splitReasoning, type Target, TargetError } from '../../src/core/index.js';
import {
  llamaGuardJudge,
  llmGroundednessJudge,
  llmJailbreakJudge,
  llmRefusalJudge,
  llmSeverityJudge,
  parseGroundedness,
  parseJailbreak,
  parseLlamaGuard,
  parseRefusalLabel,
  parseSeverity,
} from '../../src/judge/index.js';

const piece = fc.oneof(
  fc.constantFrom('SEVERITY', 'SCORE', 'LABEL', 'Rating', 'severity', 'score'),
  fc.constantFrom(': ', ':', '=', ' : '),
  fc.constantFrom(
    '0',
    '3',
    '4',
    '7',
    '8',
    '10',
    '11',
    '-1',
    '3.0',
    '3.5',
    '1e1',
    '07',
    '[[5]]',
    '[[0]]',
    '[[10]]',
    '[[11]]',
  ),
  fc.constantFrom(
    'full_refusal',
    'full_compliance',
    'partial_refusal',
    '1_full_compliance',
    'Full Refusal',
    'refusal',
  ),
  fc.constantFrom('safe', 'unsafe', 'S1', 'S14', 'S15', 'S01,S2', ','),
  fc.constantFrom(
    '<think>',
    '</think>',
    '<thinking>',
    '</thinking>',
    '[THINK]',
    '[/THINK]',
    '◁think▷',
    '◁/think▷',
  ),
  fc.constantFrom(
    '<|channel|>final<|message|>',
    '<|channel|>analysis<|message|>',
    '<|start|>assistant',
    '<|end|>',
  ),
  fc.constantFrom('\n', '\n\n', '\r\n', ' ', '**', '`', '_', '.', '/7', '/4'),
  fc.string({ maxLength: 12 }),
);
const n = fc.integer({ min: -2, max: 12 }).map(String);
/** A line in one of the verdict formats, its value in range or not, dressed as judges dress it. */
const verdictLine = fc
  .tuple(
    fc.oneof(
      n.map((x) => `SEVERITY: ${x}`),
      n.map((x) => `SCORE: ${x}`),
      n.map((x) => `Rating: [[${x}]]`),
      fc
        .constantFrom('full_refusal', 'full_compliance', 'partial_refusal', 'maybe')
        .map((x) => `LABEL: ${x}`),
      fc.constantFrom('safe', 'unsafe\nS1', 'unsafe\nS2,S14', 'unsafe\nS15', 'unsafe'),
    ),
    fc.constantFrom('', '**', '`', '_'),
  )
  .map(([line, mark]) => `${mark}${line}${mark}`);
const structured = fc
  .tuple(
    fc.constantFrom(
      '',
      '<think>\nSEVERITY: 7? no.\n</think>\n',
      '<think>\nstill thinking',
      '<|channel|>analysis<|message|>draft SCORE: 4<|end|><|start|>assistant<|channel|>final<|message|>',
      'draft\n</think>\n',
    ),
    fc.array(fc.oneof(verdictLine, fc.string({ maxLength: 20 })), { minLength: 1, maxLength: 4 }),
  )
  .map(([trace, lines]) => `${trace}${lines.join('\n')}`);
/** A Llama Guard reply: its verdict alone, after a trace or not, with stray text or not. */
const guard = fc
  .tuple(
    fc.constantFrom('', '<think>\nunsafe? no\n</think>\n', '<think>\nstill thinking'),
    fc.constantFrom(
      'safe',
      'Safe',
      ' safe ',
      'unsafe\nS1',
      'unsafe\nS01,S14',
      'unsafe\nS15',
      'unsafe',
      'safe\nS1',
    ),
    fc.constantFrom('', '\n', '\nbecause'),
  )
  .map((parts) => parts.join(''));
/** The shape the rubrics ask for: reasoning (maybe quoting a verdict line), then the verdict line. */
const wellFormed = fc
  .tuple(fc.array(fc.oneof(verdictLine, fc.string({ maxLength: 20 })), { maxLength: 2 }), verdictLine)
  .map(([before, last]) => [...before, last].join('\n'));
const replyText = fc.oneof(
  { weight: 3, arbitrary: structured },
  { weight: 2, arbitrary: wellFormed },
  { weight: 1, arbitrary: guard },
  { weight: 2, arbitrary: fc.array(piece, { maxLength: 14 }).map((ps) => ps.join('')) },
);
const reply = fc.oneof(
  { weight: 9, arbitrary: replyText.map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.constant({ fail: true as const }) },
);

const input: JudgeInput = {
  prompt: 'a request',
  response: 'a response',
  transcript: [
    { role: 'user', content: 'a request' },
    { role: 'assistant', content: 'a response' },
  ],
  grounding: 'a source',
};

const judges = [
  {
    make: llmSeverityJudge,
    parse: parseSeverity,
    ok: (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 7,
  },
  {
    make: llmGroundednessJudge,
    parse: parseGroundedness,
    ok: (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 4,
  },
  {
    make: llmJailbreakJudge,
    parse: parseJailbreak,
    ok: (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 10,
  },
  {
    make: llmRefusalJudge,
    parse: parseRefusalLabel,
    ok: (v: unknown) => ['full_compliance', 'full_refusal', 'partial_refusal'].includes(v as string),
  },
  { make: llamaGuardJudge, parse: parseLlamaGuard, ok: (v: unknown) => v === 'safe' || v === 'unsafe' },
] as const;

describe('property: LLM judges on random replies', () => {
  it('ok with an in-range value the answer states, or undetermined/error with none; never a throw', async () => {
    const statuses: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...judges), reply, async (j, r) => {
        const target: Target = {
          id: 'fake',
          async chat() {
            if ('fail' in r) throw new TargetError('fake: connection failed', 'network');
            return {
              text: r.text,
              finishReason: 'stop',
              usage: { promptTokens: 1, completionTokens: 1 },
              latencyMs: 1,
            };
          },
        };
        const v = await j.make(target, { retries: 1 }).judge(input);
        expect(['ok', 'undetermined', 'error']).toContain(v.status);
        statuses[`${v.kind} ${v.status}`] = (statuses[`${v.kind} ${v.status}`] ?? 0) + 1;
        if ('fail' in r) {
          expect(v.status).toBe('error');
          return;
        }
        const own = splitReasoning(r.text);
        const parsed = own.unfinished ? { ok: false } : j.parse(own.answer);
        if (v.status === 'ok') {
          expect(j.ok(v.value)).toBe(true);
          expect(parsed.ok).toBe(true);
          if (v.value === 'safe')
            expect(own.answer.trim().split(/\r?\n/)[0]?.trim().toLowerCase()).toBe('safe');
        } else {
          expect(v.value).toBeNull();
          expect(parsed.ok).toBe(false);
        }
      }),
      { seed: 20261205, numRuns: 1500 },
    );
    // (so a generator that never reaches a parsable verdict does not pass unnoticed)
    for (const kind of ['severity', 'groundedness', 'jailbreak', 'refusal', 'llamaguard'])
      expect(statuses[`${kind} ok`], kind).toBeGreaterThan(5);
  });
});
