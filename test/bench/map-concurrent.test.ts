// mapConcurrent, the bench suites' worker pool: a failure must stop the pool, and the caller must hear
// of it only once the calls in flight have ended (the red team's pool had run on after its failure).
import { describe, expect, it } from 'vitest';
import { mapConcurrent } from '../../src/bench/execute.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapConcurrent', () => {
  it('returns the results in item order, whatever order the calls end in', async () => {
    const out = await mapConcurrent([30, 5, 20, 1], 3, async (ms, i) => {
      await sleep(ms);
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30]);
  });

  it('after a failure takes no item more, and rejects with it once the calls in flight have ended', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    let rejectedAt: number | undefined;
    const run = mapConcurrent(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      async (i) => {
        started.push(i);
        if (i === 1) {
          await sleep(5);
          throw new Error('item 1 failed');
        }
        await sleep(i < 4 ? 60 : 5);
        ended.push(i);
        return i;
      },
    ).catch((e: Error) => {
      rejectedAt = ended.length;
      return e;
    });
    const err = await run;
    expect((err as Error).message).toBe('item 1 failed');
    // The four first calls were in flight; none started after the failure, and the three others ended
    // before the caller heard of it.
    expect(started.sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    expect(ended.sort((a, b) => a - b)).toEqual([0, 2, 3]);
    expect(rejectedAt).toBe(3);
  });
});
