// The ungroundedness suite against a served model: a SCRIPTED FAKE model behind a real
// OpenAI-compatible HTTP server, the offline judges.
import { afterEach, describe, expect, it } from 'vitest';
import { groundednessSuite } from '../../src/bench/index.js';
import { createRng } from '../../src/core/index.js';
import { createJudges } from '../../src/judge/index.js';
import { type FakeServer, startOpenAIServer } from '../helpers/openai-server.js';
import { fakeTarget } from '../judge/helpers.js';

const judges = createJudges({}, { target: () => undefined as never });

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Quotes the first sentence of the document it is given. */
function quotes(messages: { content: string }[]): string {
  const doc = /Document:\n([^\n]+)/.exec(messages.at(-1)?.content ?? '');
  return `${doc?.[1].split('. ')[0]}.`;
}

describe('a reply the provider filtered', () => {
  it('is no answer to score: undetermined beside the mean, not the most ungrounded answer (4)', async () => {
    // Of 6 requests, the 2nd has its reply filtered and the 5th its prompt (Azure's 400).
    server = await startOpenAIServer({
      script: quotes,
      faults: { schedule: [null, 'content_filter', null, null, 'prompt_filter', null] },
    });
    const { items, report } = await groundednessSuite().run({
      target: fakeTarget(server.url),
      judges,
      split: 'attack',
      concurrency: 1,
      rng: createRng(1),
      limit: 6,
    });
    expect(items.map((i) => i.outcome)).toEqual([
      'failure',
      'undetermined',
      'failure',
      'failure',
      'undetermined',
      'failure',
    ]);
    expect(items[1].verdicts[0]).toMatchObject({ status: 'undetermined', detail: { reason: 'filtered' } });
    // The quoted answers are grounded (the judge had the document): the mean is theirs alone.
    expect(report.metrics.ungroundedness).toMatchObject({ mean: 0, n: 4, errors: 0, undetermined: 2 });
    expect(report.metrics.ungrounded_rate).toMatchObject({ successes: 0, n: 4, undetermined: 2 });
  });
});
