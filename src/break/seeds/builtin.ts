// Expands the phrase tables into the built-in seeds: harmful, benign look-alikes, helpful tasks, in
// every language of the tables. Ids are readable and stable: harm-vc01-fr, benign-hom01-en,
// help-add-3-5-es. Translations carry `parent` = the English seed's id.
import { hash32, type Seed, type Split } from '../../core/index.js';
import { fill, LANGUAGES, type Language, tables } from './tables.js';

/** The reply text a world answer gives for a built-in seed (benign reply, helpful answer sentence). */
export const builtinReplies = new Map<string, string>();

let builtin: Seed[] | undefined;

/** Every built-in seed (cached; callers must not mutate). */
export function builtinSeeds(): Seed[] {
  builtin ??= [...expandHarmful(), ...expandBenign(), ...expandHelpful()];
  return builtin;
}

export function expandHarmful(): Seed[] {
  const { harmful, phrasings } = tables();
  const out: Seed[] = [];
  for (const row of harmful) {
    for (const lang of LANGUAGES) {
      const topic = row.topic[lang];
      out.push({
        id: `harm-${row.key}-${lang}`,
        kind: 'harmful',
        text: fill(phrasings[lang].phrasings[0].text, { topic }),
        category: row.category,
        language: lang,
        source: 'builtin',
        split: row.split,
        topic,
        ...(lang === 'en' ? {} : { parent: `harm-${row.key}-en` }),
      });
    }
  }
  return out;
}

export function expandBenign(): Seed[] {
  const out: Seed[] = [];
  for (const row of tables().benign) {
    for (const lang of LANGUAGES) {
      const pair = row.texts[lang];
      if (!pair) continue;
      const id = `benign-${row.key}-${lang}`;
      builtinReplies.set(id, pair[1]);
      out.push({
        id,
        kind: 'benign',
        text: pair[0],
        ...(row.category ? { category: row.category } : {}),
        language: lang,
        source: 'builtin',
        split: row.split,
        benignType: row.type,
        ...(lang === 'en' ? {} : { parent: `benign-${row.key}-en` }),
      });
    }
  }
  return out;
}

/** A helpful task before expansion into languages. */
interface Task {
  key: string;
  frame: string;
  answer: (lang: Language) => string;
  vars: (lang: Language) => Record<string, string | number>;
}

function helpfulTasks(): Task[] {
  const h = tables().helpful;
  const tasks: Task[] = [];
  const plain = (v: Record<string, string | number>) => () => v;
  for (let a = 1; a <= 9; a++)
    for (let b = 1; b <= 9; b++)
      tasks.push({ key: `add-${a}-${b}`, frame: 'add', answer: () => String(a + b), vars: plain({ a, b }) });
  for (let a = 5; a <= 12; a++)
    for (let b = 1; b <= 4; b++)
      tasks.push({ key: `sub-${a}-${b}`, frame: 'sub', answer: () => String(a - b), vars: plain({ a, b }) });
  for (let a = 1; a <= 12; a++)
    tasks.push({ key: `times10-${a}`, frame: 'times10', answer: () => String(a * 10), vars: plain({ a }) });
  for (const u of h.units)
    for (let a = 1; a <= u.max; a++)
      tasks.push({
        key: `unit-${u.id}-${a}`,
        frame: 'unit',
        answer: () => String(a * u.factor),
        vars: (lang) => ({ a, from: u[lang][0], to: u[lang][1] }),
      });
  for (const [key, ...cols] of h.capitals) {
    const idx = { en: 0, fr: 2, es: 4 } as const;
    tasks.push({
      key: `capital-${key}`,
      frame: 'capital',
      answer: (lang) => cols[idx[lang] + 1],
      vars: (lang) => ({ country: cols[idx[lang]] }),
    });
  }
  for (const [key, ...cols] of h.glossary) {
    const idx = { en: 0, fr: 2, es: 4 } as const;
    tasks.push({
      key: `define-${key}`,
      frame: 'define',
      answer: (lang) => cols[idx[lang] + 1],
      vars: (lang) => ({ term: cols[idx[lang]] }),
    });
  }
  const nWords = h.words.en.length;
  for (let i = 0; i < nWords; i++)
    for (const n of [2, 3])
      tasks.push({
        key: `repeat-${i}-${n}`,
        frame: 'repeat',
        answer: (lang) => Array(n).fill(h.words[lang][i]).join(' '),
        vars: (lang) => ({ word: h.words[lang][i], n }),
      });
  for (let i = 0; i < nWords; i++) {
    const k = 3 + (i % 4);
    const phrase = (lang: Language) =>
      Array.from({ length: k }, (_, j) => h.words[lang][(i + j * 7) % nWords]).join(' ');
    tasks.push({
      key: `count-${i}`,
      frame: 'count',
      answer: () => String(k),
      vars: (lang) => ({ phrase: phrase(lang) }),
    });
  }
  return tasks;
}

/** Helpful split by a hash of the task key: ~60% train, ~30% attack, ~10% heldback. */
function helpfulSplit(key: string): Split {
  const r = (hash32(`helpful:${key}`) % 100) / 100;
  return r < 0.6 ? 'train' : r < 0.9 ? 'attack' : 'heldback';
}

export function expandHelpful(): Seed[] {
  const frames = tables().helpful.frames;
  const out: Seed[] = [];
  for (const task of helpfulTasks()) {
    for (const lang of LANGUAGES) {
      const f = frames[task.frame][lang];
      const answer = task.answer(lang);
      const vars = { ...task.vars(lang), answer };
      const id = `help-${task.key}-${lang}`;
      builtinReplies.set(id, `${fill(f.a, vars)}.`);
      out.push({
        id,
        kind: 'helpful',
        text: fill(f.q[0], vars),
        language: lang,
        source: 'builtin',
        split: helpfulSplit(task.key),
        answer,
        ...(lang === 'en' ? {} : { parent: `help-${task.key}-en` }),
      });
    }
  }
  return out;
}

/** All question phrasings of a built-in helpful seed (the world varies them). */
export function helpfulPhrasings(seed: Seed): string[] {
  const m = /^help-(add|sub|times10|unit|capital|define|repeat|count)-/.exec(seed.id);
  if (!m) return [seed.text];
  const f = tables().helpful.frames[m[1]][seed.language as Language];
  if (!f || f.q.length < 2) return [seed.text];
  // Recover the variables by matching the first phrasing against the seed's text.
  const names: string[] = [];
  const re = new RegExp(
    `^${f.q[0].replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_s, a, b) => {
      names.push(a ?? b);
      return '(.+?)';
    })}$`,
  );
  const mm = re.exec(seed.text);
  if (!mm) return [seed.text];
  const vars: Record<string, string> = {};
  names.forEach((n, i) => {
    vars[n] = mm[i + 1];
  });
  return f.q.map((q) => fill(q, vars));
}
