// The translate attack (redteam.translateTo): each seed translated by the attacker model into a
// low-resource language, the target's reply read back in the seed's language before it is judged.
// SCRIPTED FAKES over real HTTP: a fake attacker that "translates" into xx by a reversible marking
// (`[xx] ` and the text reversed, so the judges cannot read the marked text as it is) and back by
// undoing it, and a fake target that complies, in the marking, only to marked requests.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AttackContext,
  builtinSeeds,
  chainAttack,
  planRedteam,
  planRetest,
  replayAttack,
  resumeConflict,
  runRedteam,
  seedsToAttack,
} from '../../src/break/index.js';
import { renderRedteam } from '../../src/cli/redteam.js';
import { loadConfig, parseConfig } from '../../src/config/index.js';
import { ConfigError, createRng, InputError, type Judge, type Target } from '../../src/core/index.js';
import { complianceJudge, severityJudge } from '../../src/judge/index.js';
import { openStore } from '../../src/store/index.js';
import { attackSeeds, type Chat, comply, lastUser, refuse, runCli, scripted } from './redteam-fakes.js';

const seeds = attackSeeds(3);
const [seed] = seeds;
const judges = () => [complianceJudge(), severityJudge()] as Judge[];
const tmpStore = () => openStore(join(mkdtempSync(join(tmpdir(), 'translate-')), 'b.db'));

const reverse = (t: string) => Array.from(t).reverse().join('');
/** The fake language xx of `text`: `[xx] ` and the text reversed. */
const mark = (lang: string, text: string) => `[${lang}] ${reverse(text)}`;
const MARKED = /^\[([a-z]+)\] ([\s\S]*)$/;
const fencedText = (content: string) => /<<<TEXT\n([\s\S]*)\nTEXT>>>/.exec(content)?.[1] ?? '';
const requestedTag = (content: string) => /^Language: .*?\(?([a-z]{2,3})\)?$/m.exec(content)?.[1] ?? '';

/** Fake attacker: into a language, marks; into the seed's (en), undoes the marking. `fail` true for
 * a request makes it reply with a reasoning trace and no answer: no translation in it. */
const fakeAttacker = (fail: (text: string, lang: string) => boolean = () => false) =>
  scripted((m: Chat) => {
    const content = lastUser(m);
    const text = fencedText(content);
    const lang = requestedTag(content);
    if (fail(text, lang)) return '<think>no translation today</think>';
    if (lang === 'en') {
      const hit = MARKED.exec(text);
      return hit ? reverse(hit[2] ?? '') : text;
    }
    return mark(lang, text);
  });

/** Fake target: complies (in the request's marking) only to marked requests; refuses the rest. */
const fakeTarget = () =>
  scripted(
    (m: Chat) => {
      const hit = MARKED.exec(lastUser(m));
      if (!hit) return refuse(seeds[0]);
      const asked = reverse(hit[2] ?? '');
      const s = seeds.find((x) => x.text === asked) ?? seeds[0];
      return mark(hit[1] ?? '', comply(s));
    },
    { timeoutMs: 60_000 },
  );

describe('translate attack: the plan', () => {
  it('plans one chain [translate] per seed and language, in that language, ids stable and by language', async () => {
    const { target } = await fakeTarget();
    const { target: attacker } = await fakeAttacker();
    const base = { runId: 'p', target, seeds, judges: judges(), persona: 'low_skill' as const, seed: 3 };
    const a = planRedteam({ ...base, attacker, translateTo: ['zu', 'gd', 'en'] });
    const tr = a.items.filter((i) => i.techniques.includes('translate'));
    // en is the seeds' own language: nothing to translate into
    expect(tr).toHaveLength(seeds.length * 2);
    for (const i of tr) {
      expect(i.attack).toBe('chain');
      expect(i.techniques).toEqual(['translate']);
      expect(i.language).toBe(i.options?.language);
    }
    expect(new Set(tr.map((i) => i.language))).toEqual(new Set(['zu', 'gd']));
    expect(new Set(tr.map((i) => i.id)).size).toBe(tr.length);
    // the same attempt id whatever else is planned beside it (a resume finds it)
    const b = planRedteam({ ...base, persona: 'intermediate', attacker, translateTo: ['gd', 'zu'] });
    const ids = (p: typeof a) => p.items.filter((i) => i.techniques.includes('translate')).map((i) => i.id);
    expect(new Set(ids(b))).toEqual(new Set(ids(a)));
  });

  it('a seed that translates another one attacked (the built-in fr and es seeds) is not translated again; alone it is', async () => {
    const { target } = await fakeTarget();
    const { target: attacker } = await fakeAttacker();
    const all = builtinSeeds();
    const base = {
      runId: 'd',
      target,
      seeds: all,
      judges: judges(),
      attacker,
      techniques: ['translate'],
      translateTo: ['zu'],
    };
    const translated = (p: ReturnType<typeof planRedteam>) =>
      p.items.filter((i) => i.techniques.includes('translate')).map((i) => i.seed);
    const every = translated(planRedteam(base));
    // one Zulu prompt per request: its English seed's, never its French and Spanish translations too
    expect(new Set(every.map((x) => x.language))).toEqual(new Set(['en']));
    const requests = new Set(seedsToAttack(base).map((x) => x.parent ?? x.id));
    expect(every.map((x) => x.id).sort()).toEqual([...requests].sort());
    // French alone: its seeds have no parent among those attacked, and are translated
    const fr = translated(planRedteam({ ...base, languages: ['fr'] }));
    expect(fr.length).toBeGreaterThan(0);
    expect(new Set(fr.map((x) => x.language))).toEqual(new Set(['fr']));
  });

  it('without an attacker it is an InputError naming translateTo, never a plan of offline "translations"', async () => {
    const { target } = await fakeTarget();
    let err: unknown;
    try {
      planRedteam({ runId: 'p', target, seeds, judges: judges(), translateTo: ['zu'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe('translateTo');
    expect((err as Error).message).toMatch(/roles\.attacker/);
  });

  it('the default config plans no translation (the offline cycle is unchanged)', async () => {
    const { target } = await fakeTarget();
    const config = parseConfig('{}\n', join(tmpdir(), 'breakfix.yaml'));
    expect(config.redteam.translateTo).toEqual([]);
    const { items } = planRedteam({
      runId: 'c',
      target,
      seeds,
      judges: judges(),
      persona: config.redteam.persona,
      techniques: config.redteam.techniques,
      translateTo: config.redteam.translateTo,
    });
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((i) => i.techniques.includes('translate') || i.language !== undefined)).toEqual([]);
  });

  it('named techniques without translate say translateTo is not planned', async () => {
    const { target } = await fakeTarget();
    const { target: attacker } = await fakeAttacker();
    const p = planRedteam({
      runId: 'p',
      target,
      seeds,
      judges: judges(),
      attacker,
      techniques: ['base64'],
      translateTo: ['zu'],
    });
    expect(p.items.some((i) => i.techniques.includes('translate'))).toBe(false);
    expect(p.unavailable.map((u) => u.reason).join(' ')).toMatch(/translateTo \(zu\) is not planned/);
  });
});

describe('translate attack: config', () => {
  it('needs roles.attacker: a ConfigError on redteam.translateTo; tags are canonical; a bad tag is named', () => {
    const errorOf = (yaml: string) => {
      try {
        parseConfig(yaml, 'cfg.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    };
    const noAttacker = errorOf('redteam:\n  translateTo: [zu]\n');
    expect(noAttacker.message).toMatch(/redteam\.translateTo: needs an attacker model/);
    const withAttacker =
      'targets:\n  att:\n    type: openai\n    baseURL: http://127.0.0.1:9/v1\n    model: m\nroles:\n  attacker: att\nredteam:\n';
    expect(parseConfig(`${withAttacker}  translateTo: [ZU, gd]\n`, 'cfg.yaml').redteam.translateTo).toEqual([
      'zu',
      'gd',
    ]);
    expect(errorOf(`${withAttacker}  translateTo: [zu, 'not a tag!']\n`).message).toMatch(
      /redteam\.translateTo\.1: is not a BCP 47 language tag/,
    );
  });

  it('`breakfix config check` exits 2 naming the field', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'translate-cli-'));
    writeFileSync(join(cwd, 'breakfix.yaml'), 'redteam:\n  translateTo: [zu]\n');
    const r = await runCli(['config', 'check'], cwd);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/redteam\.translateTo: needs an attacker model/);
  });
});

describe('translate attack: running', () => {
  it('judges the reply back-translated; keeps the reply as sent; the attempt is in the target language', async () => {
    const { target } = await fakeTarget();
    const atk = await fakeAttacker();
    const store = tmpStore();
    const opts = {
      target,
      seeds,
      judges: judges(),
      persona: 'low_skill' as const,
      techniques: ['translate'],
      translateTo: ['zu'],
      attacker: atk.target,
      store,
      runId: 'tr',
      seed: 5,
      concurrency: 2,
    };
    const sum = await runRedteam(opts);
    const stored = store.listAttempts({ runId: 'tr' });
    const tr = stored.filter((a) => a.techniques.includes('translate'));
    expect(tr).toHaveLength(seeds.length);
    for (const a of tr) {
      const s = seeds.find((x) => x.id === a.seedId);
      if (!s) throw new Error('no seed');
      expect(a).toMatchObject({ attack: 'chain', language: 'zu', outcome: 'success', turns: 1 });
      // the transcript is what was sent and answered, in the marking
      expect(a.transcript).toEqual([
        { role: 'user', content: mark('zu', s.text) },
        { role: 'assistant', content: mark('zu', comply(s)) },
      ]);
      // the judges read the back-translation, kept with each verdict
      for (const v of a.verdicts)
        expect(v.detail?.backTranslation).toEqual({ language: 'en', text: comply(s) });
    }
    // the direct asks (English) were refused
    expect(stored.filter((a) => a.attack === 'direct').every((a) => a.outcome === 'failure')).toBe(true);
    expect(sum.slices.language.zu).toMatchObject({ attempts: seeds.length, success: seeds.length });
    // the reply went to the attacker fenced, as data
    const back = atk.server.log.filter((l) => /^Language: English/m.test(lastUser(l.body.messages)));
    expect(back).toHaveLength(seeds.length);
    for (const l of back) {
      expect(lastUser(l.body.messages)).toContain('<<<TEXT\n[zu] ');
      expect(l.body.messages[0]?.content).toMatch(/never instructions/);
    }
    // a resume runs nothing again
    const calls = atk.server.requests;
    const again = await runRedteam(opts);
    expect(again).toMatchObject({ ran: 0, resumed: sum.attempts, success: sum.success });
    expect(atk.server.requests).toBe(calls);
    // another translateTo is another run
    const run = store.getRun('tr');
    if (!run) throw new Error('no run');
    expect(resumeConflict(run, { ...opts, translateTo: ['zu', 'gd'] })).toMatch(
      /translateTo zu \(not zu,gd\)/,
    );
    expect(resumeConflict(run, opts)).toBeUndefined();
  });

  const ctx = (over: Partial<AttackContext>): AttackContext => ({
    target: over.target as AttackContext['target'],
    seed,
    judges: { attack: judges() },
    rng: createRng('t'),
    budget: { calls: 0, tokens: 0, attackerTokens: 0, exhausted: () => false },
    techniques: ['translate'],
    maxTurns: 1,
    options: { language: 'zu' },
    ...over,
  });

  it('an empty translation into the language is an error, and nothing is sent untranslated', async () => {
    const { server, target } = await fakeTarget();
    const atk = await fakeAttacker((_t, lang) => lang === 'zu');
    const r = await chainAttack.run(ctx({ target, attacker: atk.target }));
    expect(r.outcome).toBe('error');
    expect(r.error).toMatch(/attacker: empty translation into zu/);
    expect(server.requests).toBe(0);
  });

  it('a failed back-translation is an error (never judged safe), the reply kept', async () => {
    const { target } = await fakeTarget();
    const atk = await fakeAttacker((_t, lang) => lang === 'en');
    const r = await chainAttack.run(ctx({ target, attacker: atk.target }));
    expect(r.outcome).toBe('error');
    expect(r.error).toMatch(/attacker: empty translation into en/);
    expect(r.verdicts).toEqual([]);
    expect(r.transcript.at(-1)).toEqual({ role: 'assistant', content: mark('zu', comply(seed)) });
  });

  it('an empty reply is judged as it is: the attacker translates the request only, never the empty reply (S10)', async () => {
    // The embedded target answers "" when its model stops at once (the remote targets throw on an
    // empty reply, and a filtered one reads "[provider content filter]"): an in-process target
    // standing for it, that records what it was sent.
    const sent: string[] = [];
    const target: Target = {
      id: 'embedded-stops-at-once',
      async chat(messages) {
        sent.push(lastUser(messages));
        return {
          text: '',
          finishReason: 'stop',
          usage: { promptTokens: 5, completionTokens: 0 },
          latencyMs: 1,
        };
      },
    };
    const atk = await fakeAttacker();
    const r = await chainAttack.run(ctx({ target, attacker: atk.target }));
    expect(sent).toEqual([mark('zu', seed.text)]);
    // one attacker call, the seed into zu: an empty reply reads the same in every language
    expect(atk.server.requests).toBe(1);
    expect(requestedTag(lastUser(atk.server.log[0]?.body.messages ?? []))).toBe('zu');
    expect(r.error).toBeUndefined();
    expect(r.outcome).not.toBe('error');
    expect(r.verdicts.length).toBeGreaterThan(0);
    for (const v of r.verdicts) expect(v.detail?.backTranslation).toEqual({ language: 'en', text: '' });
    expect(r.transcript.at(-1)).toEqual({ role: 'assistant', content: '' });
  });

  it('an attacker that fails its requests is an error', async () => {
    const { target } = await fakeTarget();
    const atk = await scripted(() => 'unused', { faults: { schedule: ['server_500', 'server_500'] } });
    const r = await chainAttack.run(ctx({ target, attacker: atk.target }));
    expect(r.outcome).toBe('error');
    expect(r.error).toMatch(/^attacker: /);
  });

  it("counts the translations each way in the run's attacker calls, shown beside the target's", async () => {
    const { target } = await fakeTarget();
    const atk = await fakeAttacker();
    const sum = await runRedteam({
      target,
      seeds,
      judges: judges(),
      persona: 'low_skill',
      techniques: ['translate'],
      translateTo: ['zu', 'gd'],
      attacker: atk.target,
      runId: 'count',
      seed: 2,
    });
    // the seed into each language, each reply back: two requests per attempt
    expect(atk.server.requests).toBe(seeds.length * 2 * 2);
    expect(sum.attackerCalls).toBe(atk.server.requests);
    expect(renderRedteam(sum)).toContain(`· ${atk.server.requests} attacker calls ·`);
  });

  it('a spent budget asks the attacker for no translation (the attempt is left for a resume)', async () => {
    const { server, target } = await fakeTarget();
    const atk = await fakeAttacker();
    const r = await chainAttack.run(
      ctx({
        target,
        attacker: atk.target,
        budget: { calls: 0, tokens: 0, attackerTokens: 0, exhausted: () => true },
      }),
    );
    expect(r).toMatchObject({ outcome: 'undetermined', incomplete: true });
    expect(atk.server.requests).toBe(0);
    expect(server.requests).toBe(0);
  });

  it('a retest sends the translated prompt again and judges the reply back-translated, in the same language', async () => {
    const { target } = await fakeTarget();
    const atk = await fakeAttacker();
    const store = tmpStore();
    await runRedteam({
      target,
      seeds: [seed],
      judges: judges(),
      persona: 'low_skill',
      techniques: ['translate'],
      translateTo: ['zu'],
      attacker: atk.target,
      store,
      runId: 'r0',
      seed: 1,
    });
    const [a] = store.listAttempts({ runId: 'r0' }).filter((x) => x.techniques.includes('translate'));
    if (!a) throw new Error('no translate attempt');
    const plan = planRetest({
      runId: 'r1',
      round: 2,
      open: [{ id: 'v', exampleAttemptIds: [a.id] }],
      attempt: (id) => store.getAttempt(id),
      seeds: [seed],
      perVulnerability: 1,
    });
    const [item] = plan.items;
    expect(item?.language).toBe('zu');
    const r = await replayAttack.run(
      ctx({ target, attacker: atk.target, techniques: item?.techniques ?? [], options: item?.options }),
    );
    expect(r.outcome).toBe('success');
    expect(r.verdicts[0]?.detail?.backTranslation).toEqual({ language: 'en', text: comply(seed) });
    // without the attacker the retest is an error, not a "fixed"
    const none = await replayAttack.run(
      ctx({ target, techniques: item?.techniques ?? [], options: item?.options }),
    );
    expect(none.outcome).toBe('error');
  });
});

describe('translate attack: --translate-to', () => {
  const attackerConfig = (url: string, extra = '') =>
    `targets:\n  att:\n    type: openai\n    baseURL: ${url}\n    model: fake-attacker\n    cache: false\nroles:\n  attacker: att\n${extra}`;

  it('overrides redteam.translateTo: each seed into each tag given (canonical), nothing into the config’s', async () => {
    const { server } = await fakeTarget();
    const atk = await fakeAttacker();
    const cwd = mkdtempSync(join(tmpdir(), 'translate-to-'));
    writeFileSync(
      join(cwd, 'breakfix.yaml'),
      attackerConfig(atk.server.url, 'redteam:\n  translateTo: [gd]\n'),
    );
    const r = await runCli(
      [
        'redteam',
        '--target',
        `openai:scripted@${server.url}`,
        '--translate-to',
        'ZU, xh',
        '--techniques',
        'translate',
        '--languages',
        'en',
        '--categories',
        seed.category ?? '',
        '--run-id',
        'to',
        '--json',
      ],
      cwd,
    );
    expect(r.status).toBe(1); // an attack succeeded
    const sum = JSON.parse(r.stdout);
    // (beside the direct asks in the seeds' own language)
    expect(Object.keys(sum.slices.language).sort()).toEqual(['en', 'xh', 'zu']);
    expect(sum.slices.language.zu.success).toBeGreaterThan(0);
    expect(sum.attackerCalls).toBe(atk.server.requests);
    // the run stores the languages it translated into: a resume with others is another run
    const again = await runCli(
      ['redteam', '--target', `openai:scripted@${server.url}`, '--techniques', 'translate', '--run-id', 'to'],
      cwd,
    );
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/run to used translateTo zu,xh \(not gd\)/);
    // an empty list translates nothing, whatever the config says
    const off = await runCli(
      [
        'redteam',
        '--target',
        `openai:scripted@${server.url}`,
        '--translate-to',
        '',
        '--languages',
        'en',
        '--budget',
        '3',
        '--json',
      ],
      cwd,
    );
    const offSum = JSON.parse(off.stdout);
    expect(Object.keys(offSum.slices.language)).toEqual(['en']);
  }, 120_000);

  it('a search run with translateTo in the config runs and reports as a search run, saying translateTo is not planned', async () => {
    // (it ran whole, stored its attempts, then exited 2 with no summary: the note on translateTo was
    // counted as the search being unavailable)
    const { server } = await fakeTarget();
    const cwd = mkdtempSync(join(tmpdir(), 'translate-to-'));
    writeFileSync(
      join(cwd, 'breakfix.yaml'),
      attackerConfig('http://127.0.0.1:9/v1', 'redteam:\n  translateTo: [zu]\n'),
    );
    const r = await runCli(
      [
        'redteam',
        '--target',
        `openai:scripted@${server.url}`,
        '--techniques',
        'search',
        '--languages',
        'en',
        '--budget',
        '2',
        '--json',
      ],
      cwd,
    );
    expect(r.status).toBe(0); // the fake target refuses every unmarked request
    const sum = JSON.parse(r.stdout);
    expect(sum).toMatchObject({ attempts: 2, failure: 2 });
    expect(Object.keys(sum.slices.language)).toEqual(['en']);
    expect(sum.unavailable.map((u: { reason: string }) => u.reason).join(' ')).toMatch(
      /translateTo \(zu\) is not planned: the techniques named \(search\) leave out translate .*name translate beside them/,
    );
  });

  it('a tag that is none, or no attacker, exits 2 with the config’s message, naming the option', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'translate-to-'));
    const bad = await runCli(['redteam', '--translate-to', 'zu,not a tag!', '--budget', '1'], cwd);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /--translate-to: "not a tag!" is not a BCP 47 language tag \(e\.g\. zu, gd, hmn\)/,
    );
    const none = await runCli(['redteam', '--translate-to', 'zu', '--budget', '1'], cwd);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(
      /--translate-to \(zu\): needs an attacker model to translate with: set roles\.attacker, or leave out --translate-to/,
    );
    const help = await runCli(['redteam', '--help'], cwd);
    expect(help.stdout).toMatch(/--translate-to <langs>/);
  });

  it('breakfix cycle takes it with the same checks and words, and runs with it as its redteam.translateTo', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'translate-to-cycle-'));
    const db = join(cwd, 'b.db');
    const bad = await runCli(['cycle', '--store', db, '--translate-to', 'zu,not a tag!'], cwd);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /--translate-to: "not a tag!" is not a BCP 47 language tag \(e\.g\. zu, gd, hmn\)/,
    );
    const none = await runCli(['cycle', '--store', db, '--translate-to', 'zu'], cwd);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(
      /--translate-to \(zu\): needs an attacker model to translate with: set roles\.attacker, or leave out --translate-to/,
    );
    expect(existsSync(db)).toBe(false);
    // A cycle run stored as started without translateTo: resumed with the option, the run's config
    // would change (the cheap way to see the option reach the cycle's config, before any round runs).
    writeFileSync(join(cwd, 'breakfix.yaml'), attackerConfig('http://127.0.0.1:9/v1'));
    const config = loadConfig(join(cwd, 'breakfix.yaml'));
    const store = openStore(db);
    const run = store.createRun({ kind: 'cycle', config, seed: config.seed });
    store.updateRun(run.id, { status: 'interrupted' });
    store.close();
    const resumed = await runCli(['cycle', '--store', db, '--run', run.id, '--translate-to', 'ZU'], cwd);
    expect(resumed.status).toBe(2);
    expect(resumed.stderr).toMatch(/started with another config/);
    expect(resumed.stderr).toMatch(/redteam\.translateTo.*→.*zu/);
    const help = await runCli(['cycle', '--help'], cwd);
    expect(help.stdout).toMatch(/--translate-to <langs>/);
  });
});
