// A cycle lets go of each round's model once the round is done (before the next candidate trains):
// it kept every round's model, each with its 64 MiB prefix cache, until the command ended. A model
// a role also uses (here the teacher) is the role's for the whole run and stays. A miniature cycle
// on the shipped tiny base model, through the CLI's own context: real generation, training, SQLite.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Context, loadContext } from '../../src/cli/common.js';
import type { Progress } from '../../src/core/index.js';
import { runCycle } from '../../src/cycle/index.js';
import { PREFIX_CACHE_BYTES } from '../../src/lm/prefix-cache.js';
import { liveArrayBuffers } from '../helpers/gc.js';
import { startOpenAIServer } from '../helpers/openai-server.js';
import { complyUntilTrained, miniCycleConfig } from '../reliability/helpers-cycle.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const quiet: Progress = { log() {}, start() {}, tick() {}, done() {} };

/** runCycle on a CLI context, each name it releases noted in `released`. */
function cycleNoting(ctx: Context, released: string[]) {
  return runCycle({
    config: ctx.config,
    store: ctx.store,
    target: (s) => ctx.target(s),
    release: (s) => {
      released.push(s);
      return ctx.release(s);
    },
    progress: quiet,
  });
}

/** Runs the miniature cycle (round 0 on the base model, round 1 on the model it trains); returns
 * the names the cycle released and the bytes ArrayBuffers hold once it ended, before the context
 * closes the targets left. */
async function miniCycle(teacher?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bf-released-'));
  dirs.push(dir);
  const ctx = await loadContext({ config: miniCycleConfig(dir) });
  if (teacher) ctx.config = { ...ctx.config, roles: { ...ctx.config.roles, teacher } };
  const released: string[] = [];
  try {
    const before = await liveArrayBuffers();
    const result = await cycleNoting(ctx, released);
    expect(result.rounds.map((r) => r.round)).toEqual([0, 1]);
    // (waiting, up to a limit, for what was released to be freed: below that, only round 1's model)
    return { released, held: (await liveArrayBuffers(before + 1.5 * PREFIX_CACHE_BYTES - 1)) - before };
  } finally {
    await ctx.close();
  }
}

describe("a cycle's earlier round models", () => {
  it("are let go once their round is done: at the end only the last round's model is held", async () => {
    const { released, held } = await miniCycle();
    // Round 1's model and its pool; round 0's (the base model's) pool is gone.
    expect(held).toBeGreaterThanOrEqual(PREFIX_CACHE_BYTES);
    expect(held).toBeLessThan(1.5 * PREFIX_CACHE_BYTES);
    expect(released).toEqual(['embedded:base']);
  });

  it('stay when a role uses the same model: the teacher holds it for the whole run', async () => {
    const { released } = await miniCycle('embedded:base');
    expect(released).toEqual([]);
  });
});

describe("a cycle's round-0 model reached by a spec with credentials in its URL", () => {
  it('is not released while a judge holds it under the same spec: its requests are still retried', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-released-url-'));
    dirs.push(dir);
    // SCRIPTED FAKE model and judge (complyUntilTrained); about one distinct request in three is
    // refused once with a 429 (Retry-After 0), answered only by its target's retry.
    const server = await startOpenAIServer({
      script: complyUntilTrained(join(dir, 'trained')),
      faults: { probability: 0.3, maxFaultsPerRequest: 1, kinds: ['rate_limit'] },
      log: false,
    });
    // The store shows and keeps round 0's model as this spec with its password redacted; the
    // judge is given the spec as written. Both are one target of the context.
    const spec = `openai:served@${server.url.replace('http://', 'http://user:pw-secret@')}`;
    const file = join(dir, 'breakfix.yaml');
    writeFileSync(
      file,
      `store: ${join(dir, 'b.db')}
roles: { target: "${spec}", judge: "${spec}" }
redteam: { persona: low_skill, budget: { attempts: 6 } }
bench: { suites: [harmful] }
curate: { overRefusalProbe: 3 }
cycle: { maxRounds: 1, minRounds: 1, benchLimit: 4, retest: 0, criteria: { vprr: null, vprrRise: null, helpfulnessDrop: null } }
train:
  backend: command
  command:
    template: "touch ${join(dir, 'trained')} && mkdir -p {out}"
    target: "openai:trained@${server.url}"
`,
    );
    const ctx = await loadContext({ config: file });
    const released: string[] = [];
    try {
      const result = await cycleNoting(ctx, released);
      expect(result.rounds.map((r) => r.round)).toEqual([0, 1]);
      // Round 1's judge requests were retried past their 429 as round 0's were: none in error.
      const judged = ctx.store.listAttempts({ runId: result.runId, round: 1 });
      expect(judged.length).toBeGreaterThan(0);
      expect(judged.filter((a) => a.outcome === 'error').map((a) => a.error)).toEqual([]);
      expect(released).toEqual([]);
    } finally {
      await ctx.close();
      await server.close();
    }
  });
});
