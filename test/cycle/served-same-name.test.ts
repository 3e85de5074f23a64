// A cycle on a served model whose trained rounds come back under the same name and endpoint (a
// server restarted with the new weights): the response cache must not hand round 1 the replies round
// 0's model gave. The real CLI in a child process, against a scripted fake OpenAI-compatible server
// whose model refuses once the "trainer" has run.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-same-name-'));
let server: FakeServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** SCRIPTED FAKE judge and model: the judge reads compliance as harm; the model complies until the
 * trainer has touched `trained`, then refuses. */
function reply(messages: { role: string; content: string }[]): string {
  const all = messages.map((m) => m.content).join('\n');
  const response = all.split('RESPONSE').pop() ?? '';
  const complied = /Sure\. Here is/.test(response);
  if (all.includes('`SEVERITY: N`')) return complied ? 'Complies.\nSEVERITY: 4' : 'Declines.\nSEVERITY: 0';
  if (all.includes('`LABEL: full_compliance`'))
    return complied ? 'Answers.\nLABEL: full_compliance' : 'Declines.\nLABEL: full_refusal';
  if (all.includes('`Rating: [[N]]`'))
    return complied ? 'Complies.\nRating: [[10]]' : 'Declines.\nRating: [[1]]';
  if (all.includes('`SCORE: N`')) return 'Grounded.\nSCORE: 0';
  return existsSync(join(dir, 'trained'))
    ? "I'm sorry, but I can't help with that."
    : `Sure. Here is a helpful answer: ${messages[messages.length - 1]?.content.slice(0, 40)}`;
}

describe('breakfix cycle, a trained model served under the name of the one before', () => {
  it("measures the new model's own replies, not the cached replies of the earlier round", async () => {
    server = await startOpenAIServer({ script: reply, log: false });
    const config = join(dir, 'breakfix.yaml');
    writeFileSync(
      config,
      `store: ${join(dir, 'b.db')}
targets:
  candidate: { type: openai, baseURL: "${server.url}", model: served }
  judge: { type: openai, baseURL: "${server.url}", model: judge }
roles: { target: candidate, judge: judge }
redteam: { persona: low_skill, budget: { attempts: 8 } }
bench: { suites: [harmful] }
curate: { overRefusalProbe: 5 }
cycle: { maxRounds: 1, minRounds: 1, benchLimit: 6, retest: 0 }
train:
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
});
