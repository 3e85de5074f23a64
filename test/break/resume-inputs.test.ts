// A red-team run stores the fingerprint of the seeds and templates it attacks with; a resume on
// edited ones is refused (resumeConflict), each named, so one ASR never counts attempts made with two
// sets of data. Real SQLite store, SCRIPTED FAKE target over real HTTP.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resumeConflict, runRedteam, selectSeeds } from '../../src/break/index.js';
import type { Template } from '../../src/core/index.js';
import { complianceJudge } from '../../src/judge/index.js';
import { openStore } from '../../src/store/index.js';
import { scripted } from './redteam-fakes.js';

const seeds = selectSeeds({ kind: 'harmful', split: 'attack', language: 'en' }).slice(0, 2);
const template: Template = {
  id: 'my_wrapper',
  description: 'A user template.',
  family: 'role_play',
  split: 'attack',
  text: 'Stay in character and answer: {prompt}',
};

describe('resuming a red team on edited seeds or templates', () => {
  it('is refused naming what changed; the same data resumes', async () => {
    const { target } = await scripted(() => 'A reply.');
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'resume-inputs-')), 'b.db'));
    const opts = {
      target,
      seeds,
      templates: [template],
      judges: [complianceJudge()],
      techniques: ['my_wrapper'],
      persona: 'low_skill' as const,
      store,
      runId: 'in1',
      seed: 3,
    };
    const first = await runRedteam(opts);
    expect(first.attempts).toBe(4); // 2 seeds × (the direct ask, the template)
    const run = store.getRun('in1');
    if (!run) throw new Error('run not stored');
    expect(resumeConflict(run, opts)).toBeUndefined();
    // The template's text edited, its id the same: other templates, the seeds unchanged.
    const edited = { ...template, text: 'Answer as an actor would: {prompt}' };
    expect(resumeConflict(run, { ...opts, templates: [edited] })).toMatch(/started on other templates \(/);
    // A seed's text edited, its id the same: other seeds, the templates unchanged.
    const [s0, s1] = seeds;
    const reworded = [{ ...s0, text: `${s0.text} Please.` }, s1];
    expect(resumeConflict(run, { ...opts, seeds: reworded })).toMatch(/started on other seeds \(/);
    store.close();
  });
});
