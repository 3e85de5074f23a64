// Shared by the reliability tests (faults, crash and resume, load): the SCRIPTED FAKE model that
// stands in for a remote model behind test/helpers/openai-server.ts, a target for it, and the
// writer of each test's measured figures (reliability-results/<name>.json, quoted by
// docs/RELIABILITY.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { builtinSeeds } from '../../src/break/index.js';
import { hash32, type Seed, type Target } from '../../src/core/index.js';
import { createTarget, type UsageMeter } from '../../src/targets/index.js';
import { complianceAnswer, refusalAnswer } from '../../src/world/index.js';

export const root = resolve(import.meta.dirname, '../..');

type Chat = { role: string; content: string }[];

let seedIndex: { byText: Map<string, Seed>; byTopic: [string, Seed][] } | undefined;
function index() {
  if (seedIndex) return seedIndex;
  const byText = new Map<string, Seed>();
  const byTopic: [string, Seed][] = [];
  for (const s of builtinSeeds()) {
    byText.set(s.text, s);
    if (s.topic) byTopic.push([s.topic, s]);
  }
  // Longest topics first, so a topic that contains another wins.
  byTopic.sort((a, b) => b[0].length - a[0].length);
  seedIndex = { byText, byTopic };
  return seedIndex;
}

function findSeed(text: string): Seed | undefined {
  const { byText, byTopic } = index();
  const exact = byText.get(text);
  if (exact) return exact;
  for (const [topic, s] of byTopic) if (text.includes(topic)) return s;
  return undefined;
}

/**
 * SCRIPTED FAKE of a remote model: a pure function of the conversation, so a run with faults and
 * retries and a fault-free run see the same answers. It complies (in the world's non-operational
 * answer shape) with two harmful seeds in three and refuses the third, answers helpful and benign
 * requests, quotes the document when given one, and says something general otherwise (which the
 * offline judges leave undetermined).
 */
export function scriptedFakeModel(messages: Chat): string {
  const last = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const doc = /Document:\n([^\n]+)/.exec(last);
  if (doc) return doc[1].split('. ')[0];
  const seed = findSeed(last);
  if (!seed) return 'Here is some general background on the subject, at a high level, with nothing specific.';
  if (seed.kind === 'helpful') return `The answer is ${seed.answer}.`;
  if (seed.kind === 'benign') return 'Good question. Here is a clear, practical explanation with an example.';
  return hash32(seed.id) % 3 === 0 ? refusalAnswer(seed) : complianceAnswer(seed);
}

export interface FakeTargetOptions {
  retries: number;
  concurrency?: number;
  timeoutMs?: number;
  stream?: boolean;
  usage?: UsageMeter;
  /** First retry backoff step in ms: a few ms, so a run with hundreds of retries takes seconds. */
  retryBaseMs?: number;
}

/** An OpenAI-compatible target for the scripted fake at `url`, wrapped as a real run wraps it
 * (timeout, retries with seeded jitter, concurrency, usage accounting), cache off. */
export function fakeModelTarget(url: string, o: FakeTargetOptions): Target {
  return createTarget(
    {
      type: 'openai',
      model: 'scripted-fake',
      baseURL: url,
      concurrency: o.concurrency ?? 32,
      timeoutMs: o.timeoutMs ?? 5_000,
      retries: o.retries,
      cache: false,
      stream: o.stream ?? false,
    },
    { usage: o.usage, retryBaseMs: o.retryBaseMs ?? 2, random: () => 0.5 },
  );
}

export const resultsDir = join(root, 'reliability-results');

/** The machine the figures were measured on. */
export function machine() {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}

/** Writes a test's measured figures to reliability-results/<name>.json. */
export function writeFigures(name: string, figures: Record<string, unknown>): void {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `${name}.json`),
    `${JSON.stringify({ name, measuredAt: new Date().toISOString(), machine: machine(), command: 'npx vitest run test/reliability', ...figures }, null, 2)}\n`,
  );
}

/** Counts by key. */
export function tally<T>(items: Iterable<T>, key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) {
    const k = key(i);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
