// Generation lets the event loop in while it runs: a signal handler (Ctrl-C), a timer or an abort
// only run there. A single request without a signal held the loop for its whole reply, and a batch's
// prefills, one after another, held it for all of them (0.2-0.4 s for 64 requests on an idle
// machine), so a Ctrl-C waited that long. What is generated does not change (generate-batching).
import { describe, expect, it } from 'vitest';
import { type GenerateRequest, generateBatch } from '../../src/lm/index.js';
import { ENDLESS_CHAR, endlessModel } from './helpers-endless.js';

/** CPU time this process has used, in ms. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Runs `work`, counting the event loop's turns: the longest stretch in which it got none. Measured
 * in this process's CPU time, not wall time: a loaded machine that takes the CPU away between two
 * turns stretches the wall clock, not the work done while the loop was held. */
async function longestHold(work: () => Promise<unknown>): Promise<{ elapsed: number; longest: number }> {
  let last = cpuMs();
  let longest = 0;
  let running = true;
  const tick = () => {
    const now = cpuMs();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  const start = cpuMs();
  setImmediate(tick);
  await work();
  running = false;
  const end = cpuMs();
  return { elapsed: end - start, longest: Math.max(longest, end - last) };
}

describe('generation yields to the event loop', () => {
  it('a single request without a signal: the loop gets turns while it generates', async () => {
    // (256 wide, 4 blocks: 480 tokens of a 128-wide, 2-block model take about 90 CPU ms since the
    // WASM decode attention, under the 100 ms the check below needs)
    const lm = endlessModel({ dModel: 256, nLayers: 4, contextLength: 512 });
    const req: GenerateRequest = { messages: [{ role: 'user', content: 'hello' }], maxTokens: 480 };
    const { elapsed, longest } = await longestHold(() => generateBatch(lm, [req]));
    expect(elapsed, 'the reply must take long enough to tell yielding from holding').toBeGreaterThan(100);
    expect(longest, `held the loop ${Math.round(longest)} of ${Math.round(elapsed)} CPU ms`).toBeLessThan(
      elapsed / 2,
    );
    const [r] = await generateBatch(lm, [req]);
    expect(r.text).toBe(ENDLESS_CHAR.repeat(480));
  });

  it("a batch's prefills: the loop gets turns between them", async () => {
    const lm = endlessModel({ dModel: 128, nLayers: 2, contextLength: 512 });
    // Long prompts and two-token replies: the batch is mostly prefill. (Each starts differently: a
    // prompt starting as an earlier one runs only the rows after their common start.)
    const reqs: GenerateRequest[] = Array.from({ length: 12 }, (_, i) => ({
      messages: [{ role: 'user', content: `${i} ${'general kenobi, hello there. '.repeat(14)}` }],
      maxTokens: 2,
    }));
    const { elapsed, longest } = await longestHold(() => generateBatch(lm, reqs));
    expect(elapsed, 'the prefills must take long enough to tell yielding from holding').toBeGreaterThan(100);
    expect(longest, `held the loop ${Math.round(longest)} of ${Math.round(elapsed)} CPU ms`).toBeLessThan(
      elapsed / 2,
    );
  });
});
