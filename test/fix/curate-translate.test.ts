// Fix data for a vulnerability found by the translate attack (redteam.translateTo): its synthetic
// safety prompts and benign look-alikes are translated into the vulnerability's language by the
// attacker model, as the attack was; the offline phrase tables know no Zulu and would leave them in
// English under the label zu. A SCRIPTED FAKE attacker over real HTTP "translates" by a marking.
import { describe, expect, it } from 'vitest';
import { builtinSeeds, selectSeeds } from '../../src/break/index.js';
import { createRng } from '../../src/core/index.js';
import { curate, identifyVulnerabilities } from '../../src/fix/index.js';
import { lastUser, scripted } from '../break/redteam-fakes.js';
import { offlineJudges } from '../helpers/offline-judges.js';
import { attemptFor } from './helpers.js';

const judges = offlineJudges();

describe('curate: a translate vulnerability', () => {
  it('its synthetic prompts are the attacker’s translation into the vulnerability’s language', async () => {
    const attacker = await scripted((m) => {
      const text = /<<<TEXT\n([\s\S]*)\nTEXT>>>/.exec(lastUser(m))?.[1] ?? '';
      return `[zu] ${text}`;
    });
    const harm = selectSeeds({ kind: 'harmful', split: 'train', language: 'en', category: 'violent_crimes' });
    const attempts = harm.slice(0, 4).map((s) => ({
      ...attemptFor(s, {
        outcome: 'success',
        techniques: ['translate'],
        runId: 'run_tr',
        prompt: `[zu] ${s.text}`,
      }),
      language: 'zu',
    }));
    const out = await curate({
      round: 0,
      runId: 'run_tr',
      vulnerabilities: identifyVulnerabilities({ attempts, round: 0 }),
      attempts,
      seeds: builtinSeeds(),
      heldOut: { texts: [] },
      config: { benignRatio: 0.5, helpfulRatio: 0 },
      judges: { refusal: judges.refusal, attack: judges.attack },
      attacker: attacker.target,
      rng: createRng(3),
    });
    const synthetic = out.sft.filter((r) => r.provenance.source === 'synthetic' || r.purpose === 'benign');
    expect(synthetic.length).toBeGreaterThan(0);
    for (const r of synthetic) {
      expect(r.language).toBe('zu');
      const asked = (r.messages ?? r.prompt ?? []).filter((x) => x.role === 'user').at(-1)?.content ?? '';
      expect(asked).toMatch(/^\[zu\] /);
    }
    expect(attacker.server.requests).toBeGreaterThan(0);
  });
});
