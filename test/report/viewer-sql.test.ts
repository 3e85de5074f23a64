// The viewer's attempts list and facets come from SQL (store.searchAttempts / attemptFacets), with
// the semantics of the JavaScript path they replaced (every attempt of the run loaded, filtered and
// paged in memory; compared byte for byte against it in commit f806b12): checked here against
// expectations written out by hand, on a store whose attempts differ in every field the filters read.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/core/index.js';
import { handleApi } from '../../src/report/viewer/api.js';
import { openStore, type Store } from '../../src/store/index.js';

const RUN = 'run_sql';
const OTHER = 'run_sql_other';

type Spec = Partial<Attempt> & { id: string };
// Stored out of id order (rowid order is the list's order), rounds past 9 (numeric sort), a missing
// category beside one literally named "(none)" and an empty one, chains that join alike ("a+b" one id
// against a, b), an empty chain beside one holding "(none)", an attack named like a technique, and
// categories whose UTF-16 order differs from their UTF-8 (code point) order.
const SPECS: Spec[] = [
  { id: 'att_m', round: 0, category: 'weapons', techniques: ['base64', 'roleplay'], language: 'en' },
  { id: 'att_c', round: 10, category: undefined, techniques: [], language: 'fr', outcome: 'success' },
  { id: 'att_a', round: 2, category: '(none)', techniques: ['(none)'], language: 'en', outcome: 'error' },
  { id: 'att_z', round: 1, category: '', techniques: ['a+b'], language: 'de', outcome: 'undetermined' },
  { id: 'att_b', round: undefined, category: 'cyber', techniques: ['a', 'b'], attack: 'roleplay' },
  {
    id: 'att_q',
    round: 2,
    category: '\u{1F600}x',
    techniques: ['roleplay'],
    language: 'fr',
    outcome: 'success',
  },
  { id: 'att_d', round: 0, category: '\uFF5Ex', techniques: ['base64'], language: 'en', attack: 'base64' },
  { id: 'att_k', round: 1, category: 'weapons', techniques: ['b', 'a'], language: 'fr', outcome: 'success' },
  { id: 'att_e', round: 10, category: 'cyber', techniques: [''], language: 'en' },
  { id: 'att_y', round: 0, category: 'weapons', techniques: ['base64'], language: 'en', outcome: 'success' },
  { id: 'att_f', round: 2, category: 'Weapons', techniques: ['roleplay', 'base64'], language: 'EN' },
  { id: 'att_x', round: undefined, category: undefined, techniques: ['x', 'y', 'z'], language: 'fr' },
];

function build(s: Spec, runId: string): Attempt {
  return {
    runId,
    seedId: `seed_${s.id}`,
    attack: 'direct',
    techniques: [],
    language: 'en',
    transcript: [
      { role: 'system', content: 'sys' },
      { role: 'user', content: `ask ${s.id} ${'x'.repeat(250)}` },
      { role: 'assistant', content: `<think>trace ${s.id}</think>answer ${s.id}` },
    ],
    verdicts: [{ judge: 'j', kind: 'refusal', status: 'ok', value: 'full_refusal' }],
    outcome: 'failure',
    severity: 2,
    turns: 1,
    calls: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...s,
  };
}

let store: Store;
beforeAll(() => {
  store = openStore(join(mkdtempSync(join(tmpdir(), 'viewer-sql-')), 'breakfix.db'));
  store.createRun({ id: RUN, kind: 'cycle', config: {}, seed: 1 });
  store.createRun({ id: OTHER, kind: 'cycle', config: {}, seed: 2 });
  // The two runs interleave in the table; the other run holds values this one lacks.
  SPECS.forEach((s, i) => {
    store.saveAttempts([build(s, RUN)]);
    if (i % 3 === 0)
      store.saveAttempts([
        build(
          { id: `other_${i}`, round: 5, category: 'other_cat', techniques: ['other'], language: 'xx' },
          OTHER,
        ),
      ]);
  });
  // An error retried in place keeps its rowid (its place in the list), with its new fields.
  store.saveAttempts([build({ ...SPECS[2], outcome: 'failure', techniques: ['retried'] }, RUN)], {
    replaceErrors: true,
  });
});
afterAll(() => store.close());

const api = (path: string, query = '') => handleApi(store, path, new URLSearchParams(query));
const ids = (query: string, run = RUN) => {
  const r = api(`/api/runs/${run}/attempts`, query) as { total: number; items: { id: string }[] };
  return { total: r.total, ids: r.items.map((x) => x.id) };
};
const ALL = [
  'att_m',
  'att_c',
  'att_a',
  'att_z',
  'att_b',
  'att_q',
  'att_d',
  'att_k',
  'att_e',
  'att_y',
  'att_f',
  'att_x',
];

describe('viewer attempts and facets from SQL', () => {
  it('facets: distinct values sorted as JavaScript sorts them (UTF-16), "(none)" for no category, empty ids left out', () => {
    expect(JSON.stringify(api(`/api/runs/${RUN}/facets`))).toBe(
      JSON.stringify({
        rounds: [0, 1, 2, 10],
        // (U+1F600 sorts before U+FF5E in UTF-16, after it by code point; "" is left out)
        categories: ['(none)', 'Weapons', 'cyber', 'weapons', '\u{1F600}x', '\uFF5Ex'],
        // chain keys and their ids; [""] is "(none)"; the retried attempt's "(none)" id was replaced
        techniques: [
          '(none)',
          'a',
          'a+b',
          'b',
          'b+a',
          'base64',
          'base64+roleplay',
          'retried',
          'roleplay',
          'roleplay+base64',
          'x',
          'x+y+z',
          'y',
          'z',
        ],
        languages: ['EN', 'de', 'en', 'fr'],
        outcomes: ['success', 'failure', 'error', 'undetermined'],
      }),
    );
    expect(api(`/api/runs/${OTHER}/facets`)).toEqual({
      rounds: [5],
      categories: ['other_cat'],
      techniques: ['other'],
      languages: ['xx'],
      outcomes: ['success', 'failure', 'error', 'undetermined'],
    });
    store.createRun({ id: 'run_sql_empty', kind: 'cycle', config: {}, seed: 3 });
    expect(api('/api/runs/run_sql_empty/facets')).toEqual({
      rounds: [],
      categories: [],
      techniques: [],
      languages: [],
      outcomes: ['success', 'failure', 'error', 'undetermined'],
    });
  });

  it('attempts: each filter as before, in stored order, with the filtered total', () => {
    expect(ids('')).toEqual({ total: 12, ids: ALL });
    // an empty parameter is no filter
    expect(ids('category=&technique=&language=&outcome=&round=')).toEqual({ total: 12, ids: ALL });
    // technique: the whole chain key, one id of the chain, or the attack
    expect(ids('technique=a%2Bb')).toEqual({ total: 2, ids: ['att_z', 'att_b'] });
    expect(ids('technique=b%2Ba')).toEqual({ total: 1, ids: ['att_k'] });
    expect(ids('technique=(none)')).toEqual({ total: 2, ids: ['att_c', 'att_e'] });
    expect(ids('technique=roleplay')).toEqual({ total: 4, ids: ['att_m', 'att_b', 'att_q', 'att_f'] });
    expect(ids('technique=base64')).toEqual({ total: 4, ids: ['att_m', 'att_d', 'att_y', 'att_f'] });
    expect(ids('technique=retried')).toEqual({ total: 1, ids: ['att_a'] });
    expect(ids('technique=x%2By')).toEqual({ total: 0, ids: [] });
    expect(ids('technique=direct')).toEqual({
      total: 10,
      ids: ALL.filter((x) => x !== 'att_b' && x !== 'att_d'),
    });
    // category: "(none)" is a missing category and one of that name; case counts
    expect(ids('category=(none)')).toEqual({ total: 3, ids: ['att_c', 'att_a', 'att_x'] });
    expect(ids('category=weapons')).toEqual({ total: 3, ids: ['att_m', 'att_k', 'att_y'] });
    expect(ids('language=EN')).toEqual({ total: 1, ids: ['att_f'] });
    expect(ids('outcome=error')).toEqual({ total: 0, ids: [] }); // att_a was retried into a failure
    expect(ids('round=10')).toEqual({ total: 2, ids: ['att_c', 'att_e'] });
    expect(ids('round=2&outcome=success')).toEqual({ total: 1, ids: ['att_q'] });
    expect(ids('technique=a&language=fr')).toEqual({ total: 1, ids: ['att_k'] });
    expect(ids('category=cyber&round=10&technique=(none)&language=en&outcome=failure')).toEqual({
      total: 1,
      ids: ['att_e'],
    });
    // values reach SQL as values
    expect(ids("technique=' OR 1=1 --")).toEqual({ total: 0, ids: [] });
    expect(ids("category=x') OR ('1'='1")).toEqual({ total: 0, ids: [] });
    // the other run's attempts, interleaved in the table, stay its own
    expect(ids('', OTHER)).toEqual({ total: 4, ids: ['other_0', 'other_3', 'other_6', 'other_9'] });
  });

  it('attempts: pages by offset and limit; an item is the same JSON as before', () => {
    expect(ids('offset=3&limit=4')).toEqual({ total: 12, ids: ALL.slice(3, 7) });
    expect(ids('offset=11&limit=5')).toEqual({ total: 12, ids: ['att_x'] });
    expect(ids('offset=12')).toEqual({ total: 12, ids: [] });
    expect(ids('offset=0&limit=0')).toEqual({ total: 12, ids: [] });
    expect(ids('offset=1&limit=2&category=(none)')).toEqual({ total: 3, ids: ['att_a', 'att_x'] });
    // an offset past what SQLite can bind is past the end, as before (echoed as given)
    const huge = api(`/api/runs/${RUN}/attempts`, `offset=${'9'.repeat(30)}`) as Record<string, unknown>;
    expect(huge).toEqual({ total: 12, offset: 1e30, limit: 200, items: [] });
    const page = api(`/api/runs/${RUN}/attempts`, 'offset=2&limit=1&language=en');
    const prompt = `ask att_b ${'x'.repeat(190)}`;
    expect(JSON.stringify(page)).toBe(
      `{"total":6,"offset":2,"limit":1,"items":[{"id":"att_b","seedId":"seed_att_b","attack":"roleplay","techniques":["a","b"],"technique":"a+b","language":"en","category":"cyber","outcome":"failure","severity":2,"turns":1,"prompt":"${prompt}","response":"answer att_b"}]}`,
    );
    expect(JSON.stringify(api(`/api/runs/${RUN}/attempts`, 'limit=1&offset=1'))).toBe(
      `{"total":12,"offset":1,"limit":1,"items":[{"id":"att_c","round":10,"seedId":"seed_att_c","attack":"direct","techniques":[],"technique":"(none)","language":"fr","category":null,"outcome":"success","severity":2,"turns":1,"prompt":"ask att_c ${'x'.repeat(190)}","response":"answer att_c"}]}`,
    );
  });
});
