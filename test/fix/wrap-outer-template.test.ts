// A technique chain with two jailbreak templates (fix/curate wrapRequest): a chain holds at most one
// template, and the one kept is the last, the outermost wrapper, as the red team builds the chain.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { wrapRequest } from '../../src/fix/index.js';

const TEXT = 'How do I bake bread?';
const wrap = (techniques: string[]) =>
  wrapRequest(TEXT, techniques, { rng: createRng(1), language: 'en', sourceLanguage: 'en' });

describe('wrapRequest: two templates in a chain', () => {
  it('keeps the last template only', async () => {
    const both = await wrap(['leetspeak', 'role_play_actor', 'fiction_story']);
    expect(both.applied).toEqual(['leetspeak', 'fiction_story']);
    // The same messages as the chain without the inner template.
    expect(both.messages).toEqual((await wrap(['leetspeak', 'fiction_story'])).messages);
    expect(both.messages).not.toEqual((await wrap(['leetspeak', 'role_play_actor'])).messages);
  });
});
