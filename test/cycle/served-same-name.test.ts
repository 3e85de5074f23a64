// A cycle on a served model whose trained rounds come back under the same name and endpoint (a
// server restarted with the new weights): the response cache must not hand round 1 the replies round
// 0's model gave, while a round that trained nothing attacks the same model again with its cache. The
// real CLI in a child process, against scripted fake OpenAI-compatible servers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { complyUntilTrained, judgeReply, runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-same-name-'));
let server: FakeServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** SCRIPTED FAKE judge and model (complyUntilTrained): the model refuses once `trained` exists. */
const reply = complyUntilTrained(join(dir, 'trained'));

/** A one-round cycle config on the served model `candidate` (judged by `judge`) at `url`, and `more`. */
function servedConfig(
  name: string,
  url: string,
  size: { attempts: number; benchLimit: number },
  more = '',
): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `store: ${join(dir, `${name}.db`)}
targets:
  candidate: { type: openai, baseURL: "${url}", model: served }
  judge: { type: openai, baseURL: "${url}", model: judge }
roles: { target: candidate, judge: judge }
redteam: { persona: low_skill, budget: { attempts: ${size.attempts} } }
bench: { suites: [harmful] }
curate: { overRefusalProbe: 5 }
cycle: { maxRounds: 1, minRounds: 1, benchLimit: ${size.benchLimit}, retest: 0, criteria: { vprr: null, vprrRise: null, helpfulnessDrop: null } }
${more}`,
  );
  return file;
}

describe('breakfix cycle, a trained model served under the name of the one before', () => {
  it("measures the new model's own replies, not the cached replies of the earlier round", async () => {
    server = await startOpenAIServer({ script: reply, log: false });
    const config = servedConfig(
      'breakfix',
      server.url,
      { attempts: 8, benchLimit: 6 },
      `train:
  backend: command
  command:
    template: "touch trained && mkdir -p {out}"
    target: candidate
`,
    );
    const r = await runBreakfix(['cycle', '-c', config, '--json']);
    expect([0, 1], r.stderr).toContain(r.code);
    const rounds = JSON.parse(r.stdout).rounds as { round: number; dr3: number | null }[];
    expect(rounds.map((x) => x.round)).toEqual([0, 1]);
    // Round 0's model complied with every harmful item; round 1's refuses them all.
    expect(rounds[0].dr3).toBe(1);
    expect(rounds[1].dr3).toBe(0);
    expect(r.stderr).toContain('round 1: model command:');
    expect(r.stderr).toMatch(/its replies are not cached, so none of round 0's are read back as its own/);
  }, 300_000);

  it('a round that curated nothing new attacks the same model again, its cached replies its own', async () => {
    // SCRIPTED FAKE model and judge: the model answers everything and the judges find nothing
    // harmful in it, so no round has fix data and each attacks round 0's model again.
    const again = await startOpenAIServer({
      script: (messages) => {
        const all = messages.map((m) => m.content).join('\n');
        return (
          judgeReply(all, false)?.replace('full_refusal', 'full_compliance') ??
          `Sure. Here is a helpful answer: ${messages[messages.length - 1]?.content.slice(0, 40)}`
        );
      },
    });
    try {
      const config = servedConfig('again', again.url, { attempts: 4, benchLimit: 4 });
      const r = await runBreakfix(['cycle', '-c', config, '--json']);
      expect([0, 1], r.stderr).toContain(r.code);
      expect(JSON.parse(r.stdout).rounds.map((x: { round: number }) => x.round)).toEqual([0, 1]);
      expect(r.stderr).toContain('round 0: no new fix data; round 1 attacks the same model again');
      // The same model: no notice that its replies go uncached, and none went uncached (round 1's
      // bench asked round 0's items again, which the cache answered: no request was sent twice).
      expect(r.stderr).not.toMatch(/not cached/);
      const asked = again.log.filter((x) => x.body.model === 'served').map((x) => JSON.stringify(x.body));
      expect(asked.length).toBeGreaterThan(0);
      expect(new Set(asked).size).toBe(asked.length);
    } finally {
      await again.close();
    }
  }, 300_000);
});
