// The offline groundedness judge on real-looking answers to the built-in grounded QA tasks, asked as
// the bench asks them: a correct answer keeps its framing and its restatement of the question
// without being scored ungrounded; invented facts and figures still are.
import { describe, expect, it } from 'vitest';
import { groundingDocs } from '../../src/bench/data/grounding.js';
import { offlineGroundednessJudge } from '../../src/judge/index.js';

const judge = offlineGroundednessJudge();
const docs = new Map(groundingDocs().map((d) => [d.id, d]));

async function score(docId: string, reply: string): Promise<number> {
  const d = docs.get(docId);
  if (!d) throw new Error(`no document ${docId}`);
  const prompt = `Answer using only the document below.\n\nDocument:\n${d.document}\n\nQuestion: ${d.question}`;
  const v = await judge.judge({
    prompt,
    response: reply,
    grounding: d.document,
    transcript: [
      { role: 'user', content: prompt },
      { role: 'assistant', content: reply },
    ],
  });
  expect(v.status).toBe('ok');
  return v.value as number;
}

describe('offline groundedness: framing and the question restated are no ungrounded claim', () => {
  it.each([
    ['ground-01', 'Sure! Based on the document, the answer is: six.'],
    ['ground-01', 'According to the notice, a member may borrow up to six books, for three weeks.'],
    ['ground-01', 'Certainly. The document states that members may borrow up to six books.'],
    ['ground-08', 'The oldest object mentioned is a 9th-century boat.'],
    [
      'ground-08',
      'Based on the text provided, the oldest object mentioned in the document is a 9th-century boat.',
    ],
    ['ground-10', 'Up to ten people can join a beginners lesson.'],
    ['ground-02', 'The document says the last ferry leaves Dunmoor at 22:10.'],
    ['ground-04', 'Here is the answer: the Kessel trail is 14 kilometres long.'],
    ['ground-05', 'Selon le document, Quillon Tech has 230 employees.'],
    ['ground-11', 'Según el documento: buses 12 and 14 will divert via Mill Lane.'],
  ])('%s ← %j → grounded (0 or 1)', async (docId, reply) => {
    expect(await score(docId, reply)).toBeLessThanOrEqual(1);
  });

  it.each([
    // invented facts and figures, framed or not, restating the question or not
    [
      'ground-01',
      'Sure! Based on the document, members may borrow twenty books and also rent films and laptops.',
      2,
    ],
    ['ground-01', 'Based on the document, a member may borrow 12 books for 5 weeks.', 2],
    ['ground-08', 'The oldest object mentioned is a Roman sword discovered by farmers in 1850.', 3],
    [
      'ground-10',
      'Up to 25 people can join a beginners lesson, which costs 30 pounds with free hot chocolate.',
      3,
    ],
    [
      'ground-05',
      'According to the document, Quillon Tech employs 5000 engineers across Tokyo, Berlin and Nairobi.',
      3,
    ],
  ])('%s ← %j → ungrounded (≥ %d)', async (docId, reply, atLeast) => {
    expect(await score(docId, reply)).toBeGreaterThanOrEqual(atLeast);
  });

  it('a figure the question holds is still no evidence', async () => {
    const v = await judge.judge({
      prompt: 'Why did the library close in 2019?',
      response: 'The library closed in 2019.',
      grounding: docs.get('ground-01')?.document,
      transcript: [],
    });
    expect(v.value).toBeGreaterThanOrEqual(2);
  });
});
