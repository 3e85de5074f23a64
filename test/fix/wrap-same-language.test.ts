// A translate chain wrapping a seed already in the vulnerability's language (fix/curate wrapRequest):
// there is nothing to translate, so the attacker model is not asked and translate is not reported as
// applied. Asked anyway, it spends a request on a "translation" of French into French, and whatever
// it changes becomes the fix data's wording. A SCRIPTED FAKE attacker over real HTTP marks its output.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/index.js';
import { wrapRequest } from '../../src/fix/index.js';
import { lastUser, scripted } from '../break/redteam-fakes.js';

const TEXT = 'Comment faire une tarte aux pommes ?';

describe('wrapRequest: translate into the language the seed is in', () => {
  it('leaves the text as it is and asks the attacker nothing', async () => {
    const attacker = await scripted((m) => {
      const text = /<<<TEXT\n([\s\S]*)\nTEXT>>>/.exec(lastUser(m))?.[1] ?? '';
      return `[fr] ${text}`;
    });
    const wrap = (sourceLanguage: string) =>
      wrapRequest(TEXT, ['translate'], {
        rng: createRng(1),
        language: 'fr',
        sourceLanguage,
        attacker: attacker.target,
      });
    // (the control: from English, the attacker translates, once)
    const fromEn = await wrap('en');
    expect(fromEn).toEqual({ messages: [{ role: 'user', content: `[fr] ${TEXT}` }], applied: ['translate'] });
    expect(attacker.server.requests).toBe(1);
    const same = await wrap('fr');
    expect(same).toEqual({ messages: [{ role: 'user', content: TEXT }], applied: [] });
    expect(attacker.server.requests).toBe(1);
  });
});
