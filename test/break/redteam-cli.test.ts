// `breakfix redteam` as a user runs it: a child process, a SCRIPTED FAKE target over real HTTP, a
// real SQLite store in a temp dir.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectSeeds } from '../../src/break/index.js';
import type { Seed } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli as cli, comply, lastUser, refuse, scripted, seedIn } from './redteam-fakes.js';

describe('breakfix redteam', () => {
  it('--list --json: one object {converters, templates, attacks, categories, languages} of {id, description}; --list prints the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-cli-'));
    const r = await cli(['redteam', '--list', '--json'], dir);
    expect(r.status).toBe(0);
    const l = JSON.parse(r.stdout) as Record<string, { id: string; description: string }[]>;
    expect(Object.keys(l).sort()).toEqual(['attacks', 'categories', 'converters', 'languages', 'templates']);
    expect(l.converters.length).toBeGreaterThanOrEqual(20);
    // The categories and languages of the seeds in use: what --categories and --languages accept.
    expect(l.categories.map((c) => c.id)).toEqual(
      expect.arrayContaining(['violent_crimes', 'hate', 'privacy']),
    );
    expect(l.languages.map((x) => x.id)).toEqual(['en', 'es', 'fr']);
    // Each language counts its held-back seeds apart from the others (attacked only with --split heldback).
    const builtin = selectSeeds({ kind: 'harmful' });
    const heldback = builtin.filter((x) => x.split === 'heldback').length;
    expect(heldback).toBeGreaterThan(0);
    const facets = l.languages as unknown as { seeds: number; heldback: number }[];
    expect(facets.reduce((n, x) => n + x.heldback, 0)).toBe(heldback);
    expect(facets.reduce((n, x) => n + x.seeds, 0)).toBe(builtin.length - heldback);
    expect(l.templates.length).toBeGreaterThanOrEqual(25);
    expect(l.attacks.map((a) => a.id)).toEqual(
      expect.arrayContaining([
        'direct',
        'chain',
        'many_shot',
        'crescendo',
        'pair',
        'tap',
        'simulated',
        'search',
      ]),
    );
    const all = [...l.converters, ...l.templates, ...l.attacks];
    for (const x of all) {
      expect(typeof x.id).toBe('string');
      expect(typeof x.description).toBe('string');
      expect(x.description.length).toBeGreaterThan(5);
      // one line each
      expect(x.description).not.toContain('\n');
    }
    for (const group of [l.converters, l.templates, l.attacks])
      expect(new Set(group.map((x) => x.id)).size).toBe(group.length);

    // Without --json: the same entries, one line each (id, then its description), under a heading
    // per kind with its count.
    const plain = await cli(['redteam', '--list'], dir);
    expect(plain.status).toBe(0);
    const lines = plain.stdout.split('\n');
    for (const [kind, group] of Object.entries(l)) {
      // An id can be both an attack and a template (many_shot): look in the kind's own section.
      const head = lines.indexOf(`${kind} (${group.length})`);
      expect(head, `${kind} heading`).toBeGreaterThanOrEqual(0);
      const end = lines.indexOf('', head);
      const section = lines.slice(head + 1, end < 0 ? undefined : end);
      expect(section).toHaveLength(group.length);
      for (const x of group) {
        const line = section.find((ln) => ln.trim().split(/\s+/)[0] === x.id);
        expect(line, x.id).toBeDefined();
        expect(line).toContain(x.description);
      }
    }
  });

  it('runs against a target, stores every attempt, exits 1 when an attack succeeded; rerun resumes', async () => {
    const { server } = await scripted((m) => {
      const s = seedIn(lastUser(m));
      return s ? comply(s) : refuse({ topic: 'that', language: 'en', kind: 'harmful' } as Seed);
    });
    const dir = mkdtempSync(join(tmpdir(), 'rt-cli-'));
    const args = [
      'redteam',
      '--target',
      `openai:scripted@${server.url}`,
      '--persona',
      'low_skill',
      '--languages',
      'en',
      '--budget',
      '6',
      '--seed',
      '3',
      '--run-id',
      'cli-run',
      '--store',
      join(dir, 's.db'),
      '--json',
      '--no-cache',
    ];
    const r = await cli(args, dir);
    expect(r.stderr).not.toContain('test-key-not-secret');
    expect(r.status).toBe(1);
    const sum = JSON.parse(r.stdout);
    expect(sum.attempts).toBe(6);
    expect(sum.success).toBeGreaterThan(0);
    const calls = server.requests;
    const again = await cli(args, dir);
    expect(JSON.parse(again.stdout).resumed).toBe(6);
    expect(server.requests).toBe(calls);
    const store = openStore(join(dir, 's.db'));
    expect(store.countAttempts({ runId: 'cli-run' })).toBe(6);
    store.close();
  });

  it('bad input exits 2 with the field named', async () => {
    const r = await cli(
      [
        'redteam',
        '--techniques',
        'no_such_thing',
        '--budget',
        '1',
        '--target',
        'openai:x@http://127.0.0.1:9/v1',
      ],
      mkdtempSync(join(tmpdir(), 'rt-cli-')),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/techniques.*no_such_thing/);
  });
});
