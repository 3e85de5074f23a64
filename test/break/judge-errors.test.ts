// A judge error never becomes a `failure` of the attack nor a `success`, whatever the attack: every
// attack runs through runRedteam against a SCRIPTED FAKE target over real HTTP (one that complies
// with everything, so working judges would say success; one that refuses everything, so they would
// say failure), with a SCRIPTED FAKE attacker model for the attacks that need one.
import { describe, expect, it } from 'vitest';
import { ATTACKS, runRedteam } from '../../src/break/index.js';
import type { Judge, Seed } from '../../src/core/index.js';
import { complianceJudge } from '../../src/judge/index.js';
import {
  attackSeeds,
  comply,
  lastUser,
  refuse,
  scripted,
  seedIn,
  throwingJudge,
  unparseableJudge,
} from './redteam-fakes.js';

const seeds = attackSeeds(2);
const ALL = ATTACKS.map((a) => a.id);

/** One attacker for every attack: PAIR/TAP proposals, Crescendo questions, simulator messages (the
 * JSON carries every field), and "yes" to TAP's on-topic check. */
async function attacker() {
  let k = 0;
  return scripted((m) => {
    if ((m[0]?.content ?? '').includes('still pursues')) return 'yes';
    const i = k++;
    const ask = `${seeds[i % seeds.length].text} (variant ${i})`;
    return JSON.stringify({ improvement: `try ${i}`, prompt: ask, question: ask, message: ask });
  });
}

const targets = {
  complies: (m: { role: string; content: string }[]) => comply(seedIn(lastUser(m), seeds) ?? seeds[0]),
  refuses: () => refuse(seeds[0] as Seed),
};

async function run(kind: keyof typeof targets, judges: Judge[]) {
  const { server, target } = await scripted(targets[kind]);
  const atk = await attacker();
  const sum = await runRedteam({
    target,
    attacker: atk.target,
    seeds,
    judges,
    techniques: ALL,
    runId: `judge-errors-${kind}`,
    seed: 1,
    concurrency: 4,
    search: { tries: 4 },
    attackOptions: {
      pair: { streams: 1, iterations: 2 },
      tap: { branching: 1, width: 1, depth: 2 },
    },
  });
  return { sum, requests: server.requests };
}

describe('a judge error is an error for every attack', () => {
  it('control: with working judges the same runs decide (successes against the complier, failures against the refuser)', async () => {
    const yes = await run('complies', [complianceJudge()]);
    expect(yes.sum.success).toBeGreaterThan(0);
    expect(yes.sum.error).toBe(0);
    const no = await run('refuses', [complianceJudge()]);
    expect(no.sum.failure).toBeGreaterThan(0);
    expect(no.sum.success).toBe(0);
    expect(no.sum.error).toBe(0);
  });

  it.each([
    ['complies', 'judge throws', [throwingJudge]],
    ['refuses', 'judge throws', [throwingJudge]],
    ['complies', 'judge reply unparseable, beside a working judge', [complianceJudge(), unparseableJudge]],
    ['refuses', 'judge reply unparseable, beside a working judge', [complianceJudge(), unparseableJudge]],
  ] as const)(
    'target %s, %s → every attempt of every attack is an error',
    async (kind, _why, js) => {
      const { sum, requests } = await run(kind, [...js]);
      expect(requests).toBeGreaterThan(0); // the target answered: only the judges failed
      expect(Object.keys(sum.slices.attack).sort()).toEqual([...ALL].sort());
      expect(sum.attempts).toBeGreaterThanOrEqual(ALL.length * seeds.length);
      expect(sum.success).toBe(0);
      expect(sum.failure).toBe(0);
      expect(sum.error).toBe(sum.attempts);
      expect(sum.asr).toBeNull();
      expect(sum.firstError).toMatch(/judge/);
    },
    60_000,
  );
});
