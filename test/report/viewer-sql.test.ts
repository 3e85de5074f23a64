// The viewer's attempts list and facets come from SQL (store.searchAttempts / attemptFacets): the
// same JSON, byte for byte, as the JavaScript path they replaced (every attempt of the run loaded,
// filtered and paged in memory), on a store with attempts that differ in every field the filters read.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Attempt, withoutTrace } from '../../src/core/index.js';
import { techniqueKey } from '../../src/report/data.js';
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

/** The route as it was (commit cb4eee4): every attempt of the run loaded, filtered and paged in JS. */
function legacy(store: Store, path: string, q: URLSearchParams): unknown {
  const [, , b, c] = path.split('/').filter(Boolean);
  if (c === 'facets') {
    const attempts = store.listAttempts({ runId: b });
    const uniq = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort();
    return {
      rounds: [...new Set(attempts.map((x) => x.round).filter((x) => x !== undefined))].sort(
        (x, y) => (x as number) - (y as number),
      ),
      categories: uniq(attempts.map((x) => x.category ?? '(none)')),
      techniques: uniq(attempts.flatMap((x) => [techniqueKey(x), ...x.techniques])),
      languages: uniq(attempts.map((x) => x.language)),
      outcomes: ['success', 'failure', 'error', 'undetermined'],
    };
  }
  const int = (name: string, fallback?: number) => {
    const v = q.get(name);
    return v === null || v === '' ? fallback : Number(v);
  };
  const matches = (a: Attempt) => {
    const cat = q.get('category');
    const tech = q.get('technique');
    const lang = q.get('language');
    const outcome = q.get('outcome');
    if (cat && (a.category ?? '(none)') !== cat) return false;
    if (tech && techniqueKey(a) !== tech && !a.techniques.includes(tech) && a.attack !== tech) return false;
    if (lang && a.language !== lang) return false;
    if (outcome && a.outcome !== outcome) return false;
    return true;
  };
  const summary = (a: Attempt) => {
    const last = [...a.transcript].reverse().find((m) => m.role === 'assistant');
    const first = a.transcript.find((m) => m.role === 'user');
    return {
      id: a.id,
      round: a.round,
      seedId: a.seedId,
      attack: a.attack,
      techniques: a.techniques,
      technique: techniqueKey(a),
      language: a.language,
      category: a.category ?? null,
      outcome: a.outcome,
      severity: a.severity ?? null,
      turns: a.turns,
      prompt: (first?.content ?? '').slice(0, 200),
      response: (last ? withoutTrace(last) : '').slice(0, 200),
    };
  };
  const limit = Math.min(int('limit', 200) as number, 1000);
  const offset = int('offset', 0) as number;
  const all = store.listAttempts({ runId: b, round: int('round') }).filter(matches);
  return { total: all.length, offset, limit, items: all.slice(offset, offset + limit).map(summary) };
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

const api = (path: string, query = '') => JSON.stringify(handleApi(store, path, new URLSearchParams(query)));
const old = (path: string, query = '') => JSON.stringify(legacy(store, path, new URLSearchParams(query)));

describe('viewer attempts and facets from SQL', () => {
  it('facets: the same JSON as the JS path', () => {
    for (const run of [RUN, OTHER, 'run_sql_empty']) {
      if (run === 'run_sql_empty') store.createRun({ id: run, kind: 'cycle', config: {}, seed: 3 });
      expect(api(`/api/runs/${run}/facets`)).toBe(old(`/api/runs/${run}/facets`));
    }
  });

  it('attempts: the same JSON as the JS path for every combination of filters, and pages', () => {
    const cats = [null, '', 'weapons', '(none)', 'cyber', 'Weapons', '\u{1F600}x', 'other_cat', 'nope'];
    const techs = [
      null,
      '',
      'base64',
      'roleplay',
      'base64+roleplay',
      'a+b',
      'a',
      'b+a',
      '(none)',
      'retried',
      'direct',
      'x+y',
    ];
    const langs = [null, 'en', 'fr', 'EN'];
    const outcomes = [null, '', 'success', 'failure', 'error'];
    const rounds = [null, '', '0', '2', '10', '5'];
    let compared = 0;
    for (const cat of cats)
      for (const tech of techs)
        for (const lang of langs)
          for (const outcome of outcomes)
            for (const round of rounds) {
              const q = new URLSearchParams();
              if (cat !== null) q.set('category', cat);
              if (tech !== null) q.set('technique', tech);
              if (lang !== null) q.set('language', lang);
              if (outcome !== null) q.set('outcome', outcome);
              if (round !== null) q.set('round', round);
              expect(api(`/api/runs/${RUN}/attempts`, q.toString()), q.toString()).toBe(
                old(`/api/runs/${RUN}/attempts`, q.toString()),
              );
              compared++;
            }
    expect(compared).toBe(cats.length * techs.length * langs.length * outcomes.length * rounds.length);
    for (const page of [
      'offset=0&limit=0',
      'offset=3&limit=4',
      'offset=11&limit=5',
      'offset=12',
      'offset=99',
      'limit=5000',
      `offset=${'9'.repeat(30)}`,
      'offset=1&limit=2&language=en',
      'offset=2&limit=1&category=(none)',
    ])
      expect(api(`/api/runs/${RUN}/attempts`, page), page).toBe(old(`/api/runs/${RUN}/attempts`, page));
    expect(api(`/api/runs/${OTHER}/attempts`)).toBe(old(`/api/runs/${OTHER}/attempts`));
  });
});
