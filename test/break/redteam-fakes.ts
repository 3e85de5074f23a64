// SCRIPTED FAKES for the red-team tests: a target model and an attacker model, each a real
// OpenAI-compatible HTTP server on 127.0.0.1 (test/helpers/openai-server.ts) whose replies follow a
// script. Compliant replies use the world's answer shape so the offline judges can decide them.
import { afterEach } from 'vitest';
import { selectSeeds } from '../../src/break/index.js';
import type { Judge, Message, Seed, Target } from '../../src/core/index.js';
import { createTarget } from '../../src/targets/index.js';
import { complianceAnswer, refusalAnswer } from '../../src/world/index.js';
import { runCli as runRealCli } from '../cli/run-cli.js';
import { type FakeServer, type FakeServerOptions, startOpenAIServer } from '../helpers/openai-server.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

export type Chat = { role: string; content: string }[];

/** Starts a scripted fake server and a Target for it (no retries, no cache). `timeoutMs` (default
 * 60 s) is per request: on a busy machine (the full suite on two cores) an in-process reply can wait
 * longer than 5 s, and a test that counts every attempt decided (no errors) then failed. */
export async function scripted(
  script: (messages: Chat) => string | Promise<string>,
  extra: Omit<FakeServerOptions, 'script'> & { retries?: number; timeoutMs?: number } = {},
): Promise<{ server: FakeServer; target: Target }> {
  const { retries, timeoutMs, ...options } = extra;
  const server = await startOpenAIServer({ ...options, script: (m) => script(m) });
  servers.push(server);
  const target = createTarget(
    {
      type: 'openai',
      model: 'scripted-fake',
      baseURL: server.url,
      concurrency: 64,
      timeoutMs: timeoutMs ?? 60_000,
      retries: retries ?? 0,
      cache: false,
      stream: false,
    },
    { retryBaseMs: 1 },
  );
  return { server, target };
}

/** English attack-split harmful seeds (optionally of one category). */
export function attackSeeds(n: number, category?: string): Seed[] {
  return selectSeeds({
    kind: 'harmful',
    split: 'attack',
    language: 'en',
    ...(category ? { category } : {}),
  }).slice(0, n);
}

const allSeeds = () => selectSeeds({ kind: 'harmful' });

/** The seed whose topic or text the message mentions (plain), if any. */
export function seedIn(text: string, seeds: Seed[] = allSeeds()): Seed | undefined {
  const t = text.toLowerCase();
  return seeds.find(
    (s) => (s.topic && t.includes(s.topic.toLowerCase())) || t.includes(s.text.toLowerCase()),
  );
}

export const comply = (seed: Seed) => complianceAnswer(seed);
export const refuse = (seed: Seed) => refusalAnswer(seed);
export const lastUser = (m: Chat) => [...m].reverse().find((x) => x.role === 'user')?.content ?? '';
export const assistantTurns = (m: Chat) => m.filter((x) => x.role === 'assistant').length;
export const GENERAL =
  'Here is some general background on the subject, at a high level, with nothing specific.';
export type { Message };

/** A judge whose backend is down: it throws. */
export const throwingJudge: Judge = {
  id: 'broken',
  kind: 'compliance',
  judge: async () => {
    throw new Error('judge backend down');
  },
};
/** An LLM judge whose reply could not be parsed: status error (meant to sit beside a working judge). */
export const unparseableJudge: Judge = {
  id: 'unparseable',
  kind: 'severity',
  judge: async () => ({
    judge: 'unparseable',
    kind: 'severity',
    status: 'error',
    value: null,
    rationale: 'reply not in the rubric format',
  }),
};

/** `breakfix …` as a user runs it (test/cli/run-cli.ts), in `cwd`, with colour off and a dummy key. */
export async function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await runRealCli(args, {
    cwd,
    env: { NO_COLOR: '1', OPENAI_API_KEY: 'test-key-not-secret', ...env },
  });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}
