// The viewer over real HTTP on 127.0.0.1: API answers from the store, static files only from its
// asset dir (traversal refused), a CSP on every response, GET only, Host checked.
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startViewer, type Viewer } from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';
import { buildFixtureStore, type Fixture, RUN_ID, XSS } from './fixture.js';
import { buildPagingStore, PAGING_N, PAGING_RUN } from './paging-fixture.js';

let fx: Fixture;
let viewer: Viewer;
beforeAll(async () => {
  fx = buildFixtureStore();
  viewer = await startViewer({ store: fx.store, port: 0 });
});
afterAll(async () => {
  await viewer.close();
  fx.store.close();
});

/** A raw request: node's http client sends the path as given (fetch would normalise `..`). */
function raw(path: string, opts: { method?: string; host?: string; to?: Viewer } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        {
          host: opts.to?.host ?? '127.0.0.1',
          port: (opts.to ?? viewer).port,
          path,
          method: opts.method ?? 'GET',
          headers: opts.host ? { host: opts.host } : {},
        },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}
const get = async (path: string) => {
  const r = await raw(path);
  return {
    ...r,
    json: r.headers['content-type']?.toString().includes('json') ? JSON.parse(r.body) : undefined,
  };
};

describe('breakfix view server', () => {
  it('a request that fails inside says what failed on stderr, not only "internal error" to the page', async () => {
    // (a store of its own: the damaged row would break the other tests' listings)
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'viewer-damaged-')), 'breakfix.db'));
    const [a] = fx.store.listAttempts({ runId: RUN_ID });
    const run = store.createRun({ kind: 'redteam', config: {}, seed: 1 });
    store.saveAttempts([{ ...a, runId: run.id, id: 'att_damaged' }]);
    const db = new Database(store.path);
    db.prepare("UPDATE attempts SET transcript = '{bad' WHERE id = 'att_damaged'").run();
    db.close();
    const v = await startViewer({ store, port: 0 });
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      const res = await fetch(`${v.url}api/attempts/att_damaged`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'internal error' });
    } finally {
      spy.mockRestore();
      await v.close();
      store.close();
    }
    expect(stderr).toMatch(/^breakfix view: \/api\/attempts\/att_damaged: .*JSON/);
  });

  it('binds to 127.0.0.1 by default', () => {
    expect(viewer.host).toBe('127.0.0.1');
    expect(viewer.url).toBe(`http://127.0.0.1:${viewer.port}/`);
  });

  it('serves the page with a strict CSP and the stylesheet', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const css = await get('/assets/viewer.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    // The icon a browser asks for on every page: no content, and no 404 in its console.
    expect((await get('/favicon.ico')).status).toBe(204);
  });

  it('refuses path traversal and unknown files', async () => {
    for (const p of [
      '/assets/../../../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/../package.json',
      '/assets/..\\server.ts',
      '/assets/%2e%2e%5cserver.ts',
    ]) {
      const r = await raw(p);
      expect([400, 404], p).toContain(r.status);
      expect(r.body).not.toContain('"name"');
    }
    expect((await raw('/assets/nope.css')).status).toBe(404);
    expect((await raw('/assets/.hidden')).status).toBe(404);
    expect((await raw('/etc/passwd')).status).toBe(404);
  });

  it('is read-only and checks the Host header', async () => {
    expect((await raw('/api/runs', { method: 'POST' })).status).toBe(405);
    expect((await raw('/api/runs', { host: 'evil.example:80' })).status).toBe(403);
    expect((await raw('/api/runs', { host: `localhost:${viewer.port}` })).status).toBe(200);
  });

  it('answers every write method 405 with Allow: GET, HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const r = await raw('/api/runs', { method });
      expect([method, r.status, r.headers.allow]).toEqual([method, 405, 'GET, HEAD']);
    }
  });

  it('refuses a name that only begins like a loopback one (DNS rebinding)', async () => {
    for (const host of [
      `localhost.evil.example:${viewer.port}`,
      `127.0.0.1.evil.example:${viewer.port}`,
      `127.0.0.1:${viewer.port}.evil.example`,
      `[::1]:${viewer.port}.evil.example`,
    ])
      expect([host, (await raw('/api/runs', { host })).status]).toEqual([host, 403]);
    expect((await raw('/api/runs', { host: `LOCALHOST:${viewer.port}` })).status).toBe(200);
  });

  it('bound to localhost by name, it still checks the Host header', async () => {
    const local = await startViewer({ store: fx.store, port: 0, host: 'localhost' });
    try {
      expect((await raw('/api/runs', { to: local, host: `evil.example:${local.port}` })).status).toBe(403);
      expect((await raw('/api/runs', { to: local, host: `localhost:${local.port}` })).status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('sends nosniff, no-store and a CSP that runs no script on every page, JSON, asset and chart', async () => {
    const charts = await get(`/api/runs/${RUN_ID}/charts`);
    const responses = {
      page: await raw('/'),
      json: charts,
      jsonError: await raw('/api/runs/nope'),
      badRequest: await raw(`/api/runs/${RUN_ID}/attempts?limit=-1`),
      css: await raw('/assets/viewer.css'),
      svg: await raw(charts.json[0].url),
    };
    for (const [name, r] of Object.entries(responses)) {
      expect([name, r.headers['x-content-type-options'], r.headers['cache-control']]).toEqual([
        name,
        'nosniff',
        'no-store',
      ]);
      const csp = String(r.headers['content-security-policy']);
      expect([name, csp]).toEqual([name, expect.stringMatching(/^default-src 'none'(;|$)/)]);
      // (only the page has a script, allowed by its hash)
      if (name !== 'page') expect([name, csp]).toEqual([name, expect.not.stringMatching(/script-src/)]);
    }
    expect(responses.jsonError.status).toBe(404);
    expect(responses.badRequest.status).toBe(400);
    // HEAD: the same headers, no body.
    const head = await raw('/api/runs', { method: 'HEAD' });
    expect([head.status, head.body, head.headers['x-content-type-options']]).toEqual([200, '', 'nosniff']);
  });

  it('answers the API from the store, with filters', async () => {
    const runs = await get('/api/runs');
    expect(runs.json).toEqual([expect.objectContaining({ id: RUN_ID, kind: 'cycle', rounds: 3 })]);
    const run = await get(`/api/runs/${RUN_ID}`);
    expect(run.json.rounds.map((r: { metrics: { asr: number } }) => r.metrics.asr)).toEqual([0.6, 0.2, 0.01]);
    const facets = await get(`/api/runs/${RUN_ID}/facets`);
    expect(facets.json.languages).toEqual(['en', 'fr']);
    expect(facets.json.techniques).toContain('base64+roleplay');

    const all = await get(`/api/runs/${RUN_ID}/attempts`);
    expect(all.json.total).toBe(fx.store.countAttempts({ runId: RUN_ID }));
    const fr = await get(`/api/runs/${RUN_ID}/attempts?language=fr&outcome=failure`);
    const expected = fx.store
      .listAttempts({ runId: RUN_ID })
      .filter((a) => a.language === 'fr' && a.outcome === 'failure');
    expect(fr.json.items.map((a: { id: string }) => a.id)).toEqual(expected.map((a) => a.id));
    const tech = await get(`/api/runs/${RUN_ID}/attempts?technique=base64&round=0`);
    expect(
      tech.json.items.every(
        (a: { techniques: string[]; round: number }) => a.techniques.includes('base64') && a.round === 0,
      ),
    ).toBe(true);
    expect(tech.json.total).toBeGreaterThan(0);

    const vulns = await get(`/api/runs/${RUN_ID}/vulnerabilities?round=2`);
    expect(vulns.json.map((v: { status: string }) => v.status).sort()).toEqual(['fixed', 'regressed']);
    const recs = await get(`/api/runs/${RUN_ID}/records?round=0&language=fr`);
    expect(recs.json.items.map((r: { id: string }) => r.id)).toEqual(['rec_0_b']);
    expect(recs.json.items[0].provenance).toEqual({ source: 'redteam', attemptId: 'att_r0_1', round: 0 });
    // The page's record-kind filter: preference pairs apart from SFT records.
    const prefs = await get(`/api/runs/${RUN_ID}/records?round=0&kind=preference`);
    expect(prefs.json.items.map((r: { id: string }) => r.id)).toEqual(['rec_0_d', 'rec_0_e']);

    const charts = await get(`/api/runs/${RUN_ID}/charts`);
    expect(charts.json.map((c: { id: string }) => c.id)).toContain('heatmap-0');
    const svg = await raw(charts.json[0].url);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.body.startsWith('<svg')).toBe(true);
    expect((await raw(`/charts/${RUN_ID}/nope.svg`)).status).toBe(404);

    const att = await get('/api/attempts/att_r0_0');
    expect(att.json.transcript[1].content).toContain(XSS.script); // data stays data; the page escapes it
    expect((await get('/api/attempts/nope')).status).toBe(404);
    expect((await get('/api/runs/nope')).status).toBe(404);
    // A longer path is no endpoint, not its prefix's answer.
    expect((await get(`/api/runs/${RUN_ID}/attempts/extra`)).status).toBe(404);
    expect((await get(`/api/runs/${RUN_ID}/facets/x/y`)).status).toBe(404);
    expect((await get(`/api/runs/${RUN_ID}/attempts?round=x`)).status).toBe(400);
    expect((await get('/api/runs/%E0%A4%A')).status).toBe(400);
  });

  it("shows a plain red-team run's attempts as its round 0, with its vulnerabilities", async () => {
    const run = fx.store.createRun({ kind: 'redteam', config: {}, seed: 1 });
    const base = fx.store.getAttempt('att_r0_0');
    if (!base) throw new Error('fixture attempt missing');
    fx.store.saveAttempts(
      (['success', 'failure', 'error'] as const).map((outcome, i) => ({
        ...base,
        id: `${run.id}_${i}`,
        runId: run.id,
        round: undefined,
        techniques: [],
        category: 'weapons',
        outcome,
      })),
    );
    const r = await get(`/api/runs/${run.id}`);
    expect(r.json.rounds).toEqual([
      expect.objectContaining({
        round: 0,
        attempts: 3,
        vulnerabilities: 1,
        metrics: expect.objectContaining({ asr: 0.5, errors: 1 }),
      }),
    ]);
    const vulns = await get(`/api/runs/${run.id}/vulnerabilities`);
    expect(vulns.json).toEqual([expect.objectContaining({ round: 0, category: 'weapons', successes: 1 })]);
    // The run's figures are computed once per state of the store: a resume in another process that
    // retries the error in place (same count of attempts) is seen at the next request, not a stale copy.
    expect((await get(`/api/runs/${run.id}`)).json).toEqual(r.json);
    const resume = openStore(fx.store.path);
    try {
      resume.saveAttempts(
        [
          {
            ...base,
            id: `${run.id}_2`,
            runId: run.id,
            round: undefined,
            techniques: [],
            category: 'weapons',
            outcome: 'success',
          },
        ],
        {
          replaceErrors: true,
        },
      );
    } finally {
      resume.close();
    }
    const after = await get(`/api/runs/${run.id}`);
    expect(after.json.rounds[0]).toMatchObject({
      attempts: 3,
      metrics: expect.objectContaining({ errors: 0 }),
    });
    expect(after.json.rounds[0].metrics.asr).toBeCloseTo(2 / 3, 6);
    const vulnsAfter = await get(`/api/runs/${run.id}/vulnerabilities`);
    expect(vulnsAfter.json).toEqual([expect.objectContaining({ successes: 2 })]);
  });
});

describe('attempts and records a page at a time', () => {
  let paging: ReturnType<typeof buildPagingStore>;
  let pv: Viewer;
  beforeAll(async () => {
    paging = buildPagingStore();
    pv = await startViewer({ store: paging.store, port: 0 });
  });
  afterAll(async () => {
    await pv?.close();
    paging?.store.close();
  });
  const getJson = async (path: string) => {
    const res = await fetch(new URL(path, pv.url));
    return { status: res.status, json: await res.json() };
  };
  const ids = (items: { id: string }[]) => items.map((x) => x.id);

  for (const kind of ['records', 'attempts'] as const) {
    it(`pages ${kind} with offset and limit; total counts them all`, async () => {
      const every =
        kind === 'records'
          ? paging.store.listRecords({ runId: PAGING_RUN }).map((r) => r.id)
          : paging.store.listAttempts({ runId: PAGING_RUN }).map((a) => a.id);
      expect(every).toHaveLength(PAGING_N);
      const base = `/api/runs/${PAGING_RUN}/${kind}`;
      const first = await getJson(base);
      expect(first.json).toMatchObject({ total: PAGING_N, offset: 0, limit: 200 });
      expect(ids(first.json.items)).toEqual(every.slice(0, 200));
      const second = await getJson(`${base}?offset=200`);
      expect(second.json).toMatchObject({ total: PAGING_N, offset: 200 });
      expect(ids(second.json.items)).toEqual(every.slice(200, 400));
      const last = await getJson(`${base}?offset=400&limit=200`);
      expect(ids(last.json.items)).toEqual(every.slice(400));
      const small = await getJson(`${base}?offset=7&limit=3&language=en`);
      expect(small.json.total).toBe(PAGING_N);
      expect(ids(small.json.items)).toEqual(every.slice(7, 10));
      expect((await getJson(`${base}?offset=${PAGING_N}`)).json).toMatchObject({
        total: PAGING_N,
        items: [],
      });
      expect((await getJson(`${base}?limit=5000`)).json.items).toHaveLength(PAGING_N); // capped at 1000
      // The cap itself: one request never asks the store for more than 1000 rows.
      expect((await getJson(`${base}?limit=5000`)).json.limit).toBe(1000);
      for (const bad of ['offset=-1', 'offset=x', 'offset=1.5', 'limit=-2'])
        expect((await getJson(`${base}?${bad}`)).status, bad).toBe(400);
    });
  }
});

describe('the rounds table of /api/runs/:id', () => {
  it('sends the report’s figures by name, with the open vulnerabilities no round stores', async () => {
    // Round 1 of the default cycle lists 137 vulnerabilities, 128 of them fixed: 9 open.
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'viewer-open-')), 's.db'));
    const v = await startViewer({ store, port: 0 });
    try {
      store.createRun({ id: 'run_open', kind: 'cycle', config: {}, seed: 1, target: 'embedded:base' });
      store.upsertRound('run_open', 1, {
        model: 'round-1',
        status: 'done',
        metrics: { asr: 0.1, vulnerabilities: 137, vulnerabilities_fixed: 128 },
      });
      const res = await fetch(`http://127.0.0.1:${v.port}/api/runs/run_open`);
      const run = await res.json();
      expect(run.rounds[0].figures).toMatchObject({
        asr: 0.1,
        vulnerabilities: 137,
        vulnerabilities_open: 9,
      });
      const keys = run.figureKeys.map((f: { key: string }) => f.key);
      expect(keys.indexOf('vulnerabilities_open')).toBe(keys.indexOf('vulnerabilities') + 1);
      expect(run.figureKeys).toContainEqual({
        key: 'vulnerabilities',
        label: 'Vulnerabilities listed (the fixed too)',
        rate: false,
      });
      expect(run.figureKeys).toContainEqual({ key: 'dr1', label: 'DR-1', rate: true });
    } finally {
      await v.close();
      store.close();
    }
  });
});
