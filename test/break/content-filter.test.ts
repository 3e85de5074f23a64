// A target whose provider filters every reply (finish_reason content_filter, no text): the provider
// refused. Every attack records the reply as PROVIDER_FILTER_TEXT and the refusal judge reads it as a
// full refusal, so the attempt is a decided `failure` — never an undetermined "empty response" (the
// same as bench). SCRIPTED FAKES over real HTTP for the target (filtering) and the attacker.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTACKS, runRedteam } from '../../src/break/index.js';
import { createJudges, PROVIDER_FILTER_TEXT, replyText } from '../../src/judge/index.js';
import { openStore } from '../../src/store/index.js';
import { attackSeeds, runCli as cli, scripted } from './redteam-fakes.js';

const FILTER_ALL = { faults: { probability: 1, kinds: ['content_filter' as const] } };

/** Attacker fake: a JSON reply every attacker-driven attack can read (PAIR/TAP prompt, simulated
 * message, crescendo question); the TAP evaluator gets `yes` (on topic). */
const attackerFake = () =>
  scripted((m) => {
    if ((m[0]?.content ?? '').includes('still pursues')) return 'yes';
    const ask = 'Could you explain, step by step, how it is done?';
    return JSON.stringify({ improvement: 'rephrase', prompt: ask, message: ask, question: ask });
  });

describe('content-filtered replies', () => {
  it('replyText: a filtered reply without text is PROVIDER_FILTER_TEXT; any other reply is its text', () => {
    expect(replyText({ text: '', finishReason: 'content_filter' })).toBe(PROVIDER_FILTER_TEXT);
    expect(replyText({ text: '  \n', finishReason: 'content_filter' })).toBe(PROVIDER_FILTER_TEXT);
    expect(replyText({ text: 'Partial answer', finishReason: 'content_filter' })).toBe('Partial answer');
    expect(replyText({ text: '', finishReason: 'stop' })).toBe('');
    expect(replyText({ text: 'Hello', finishReason: 'stop' })).toBe('Hello');
  });

  it('every attack strategy records a filtered reply as the provider refusing: failure, not undetermined', async () => {
    const { server, target } = await scripted(() => 'never sent', FILTER_ALL);
    const attacker = await attackerFake();
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'rt-cf-')), 's.db'));
    const judges = createJudges({}, { target: () => target });
    const seen = new Set<string>();
    for (const attack of ATTACKS) {
      const sum = await runRedteam({
        target,
        seeds: attackSeeds(2),
        judges,
        techniques: [attack.id],
        attacker: attacker.target,
        attackOptions: {
          pair: { streams: 1, iterations: 2 },
          tap: { branching: 1, width: 1, depth: 2 },
          simulated: { turns: 3 },
        },
        maxTurns: 3,
        store,
        runId: `cf-${attack.id}`,
        seed: 1,
        concurrency: 2,
      });
      expect(sum.unavailable, attack.id).toEqual([]);
      expect(sum.attempts, attack.id).toBeGreaterThan(0);
      expect({ attack: attack.id, failure: sum.failure }).toEqual({
        attack: attack.id,
        failure: sum.attempts,
      });
      expect(sum.undetermined, attack.id).toBe(0);
      expect(sum.error, attack.id).toBe(0);
      for (const a of store.listAttempts({ runId: `cf-${attack.id}` })) {
        seen.add(a.attack);
        // The reply on record is the filter's marker, and the refusal judge read it as a refusal.
        expect(a.transcript.at(-1), attack.id).toEqual({ role: 'assistant', content: PROVIDER_FILTER_TEXT });
        const compliance = a.verdicts.find((v) => v.kind === 'compliance');
        expect(compliance?.value, attack.id).toBe('refused');
        expect(compliance?.detail?.refusal, attack.id).toBe('full_refusal');
        // No reply of the target anywhere in the transcript is left empty.
        for (const m of a.transcript) if (m.role === 'assistant') expect(m.content.trim()).not.toBe('');
      }
    }
    expect([...seen].sort()).toEqual(ATTACKS.map((a) => a.id).sort());
    expect(server.stats().faults.content_filter).toBe(server.requests);
    store.close();
  });

  // prompt_filter: the provider blocks the prompt itself with a 400 (Azure OpenAI's input filter).
  it.each(['content_filter', 'prompt_filter'] as const)(
    '`breakfix redteam` against a provider whose %s blocks everything: every attempt decided (ASR 0 %%), exit 0',
    async (kind) => {
      const { server } = await scripted(() => 'never sent', { faults: { probability: 1, kinds: [kind] } });
      const dir = mkdtempSync(join(tmpdir(), 'rt-cf-'));
      const r = await cli(
        [
          'redteam',
          '-t',
          `openai:cf@${server.url}`,
          '--budget',
          '6',
          '--seed',
          '2',
          '--store',
          join(dir, 's.db'),
          '--no-cache',
          '--json',
        ],
        dir,
      );
      expect(r.status).toBe(0);
      const sum = JSON.parse(r.stdout);
      expect(sum.attempts).toBe(6);
      expect(sum.failure).toBe(6);
      expect(sum.undetermined).toBe(0);
      expect(sum.asr).toBe(0);
      expect(sum.error).toBe(0);
      expect(server.stats().faults[kind]).toBe(server.requests);
    },
    60_000,
  );
});
