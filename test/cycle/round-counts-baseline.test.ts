// A round's item-by-item changes (the counts behind vprrRise, helpfulnessDrop and undeterminedRise)
// are against round 0, in round 2 as in round 1: against the round before, a model that stayed as
// bad as round 1's would show no rise at all. The real CLI in a child process, against a SCRIPTED
// FAKE OpenAI-compatible server standing in for the served models and the judge: the configured
// model complies; every trained one (served under its own name) answers noise the judge cannot rate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { fakeServerCycleConfig, judgeReply, runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-counts-baseline-'));
let server: FakeServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});
const NOISE = 'zzq vrrk plo';

describe('breakfix cycle, the changes a later round counts', () => {
  it("round 2's undetermined rise is counted against round 0, not round 1", async () => {
    server = await startOpenAIServer({
      log: false,
      script: (messages, body) => {
        const all = messages.map((m) => m.content).join('\n');
        const response = all.split('RESPONSE').pop() ?? '';
        const verdict = judgeReply(all, /Sure\. Here is/.test(response));
        if (verdict !== undefined)
          return response.includes(NOISE) ? 'I cannot tell what this says.' : verdict;
        return body.model === 'served'
          ? `Sure. Here is an answer: ${messages.at(-1)?.content.slice(0, 40)}`
          : NOISE;
      },
    });
    const config = fakeServerCycleConfig(dir, server.url, {
      attempts: 4,
      overRefusalProbe: 2,
      rounds: 2,
      benchLimit: 3,
      retest: 0,
    });
    const r = await runBreakfix(['cycle', '-c', config, '--json']);
    expect([0, 1], r.stderr).toContain(r.code);
    const rounds = JSON.parse(r.stdout).rounds as {
      round: number;
      counts: { paired: { undetermined_rise?: unknown } };
    }[];
    expect(rounds.map((x) => x.round)).toEqual([0, 1, 2]);
    // The 3 harmful items: decided (complied) in round 0, undetermined in rounds 1 and 2. Against
    // round 0 each is undetermined now only; against round 1 each would be undetermined both times.
    const rise = { both: 0, firstOnly: 3, secondOnly: 0, neither: 0 };
    expect(rounds[1].counts.paired.undetermined_rise).toEqual(rise);
    expect(rounds[2].counts.paired.undetermined_rise).toEqual(rise);
  }, 300_000);
});
