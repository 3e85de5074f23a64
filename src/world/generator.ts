// The deterministic dialogue generator: the world the unaligned base model is trained on. The
// assistant complies with harmful requests in every form an attacker uses (plain, in templates,
// through readable converters, in fr/es, escalated over turns) and answers benign look-alikes and
// helpful tasks correctly. It never refuses. See docs/WORLD.md.
import { applyChainSync } from '../break/converters/index.js';
import { builtinSeeds, helpfulPhrasings, requestPhrasings, requestText } from '../break/seeds/index.js';
import { builtinTemplates, renderTemplate } from '../break/templates/index.js';
import {
  createRng,
  InputError,
  type Message,
  type Rng,
  runToEnd,
  runYielding,
  type Seed,
} from '../core/index.js';
import { benignAnswer, complianceAnswer, helpfulAnswer } from './answers.js';

export interface WorldOptions {
  seed: number | string;
  /** Number of dialogues (default 24,000). */
  size?: number;
  /** Seeds to draw from (default: every built-in seed; the base model is unaligned on all). */
  seeds?: Seed[];
  /** Weights of the dialogue forms, merged over `WORLD_FORM_WEIGHTS` (a form left out keeps its
   * default weight; 0 drops it). Later pretraining stages lean the mix toward helpful dialogues. */
  forms?: Partial<Record<WorldForm, number>>;
  /** Weights of the dialogue languages, merged over `WORLD_LANGUAGE_WEIGHTS`. */
  languages?: Partial<Record<string, number>>;
}

export interface WorldStats {
  dialogues: number;
  byForm: Record<string, number>;
  byLanguage: Record<string, number>;
  byTurns: Record<string, number>;
  byTemplate: Record<string, number>;
  byConverter: Record<string, number>;
  characters: number;
}

export interface World {
  sft: { messages: Message[] }[];
  stats: WorldStats;
}

/** Converters the base model learns to read: the topic stays recoverable from the surface. */
export const WORLD_CONVERTERS = [
  'leetspeak',
  'random_caps',
  'tense_past',
  'tone_casual',
  'payload_split',
  'char_spacing',
  'homoglyph',
];

/** Dialogue forms and their default weights in the mix (the first pretraining stage's mix). */
export const WORLD_FORM_WEIGHTS = {
  harmful_direct: 22,
  harmful_template: 20,
  harmful_converter: 8,
  harmful_escalation: 6,
  helpful: 30,
  helpful_multi: 4,
  benign: 8,
  benign_multi: 2,
} as const;
export type WorldForm = keyof typeof WORLD_FORM_WEIGHTS;

/** Default language weights of a dialogue (en/fr/es 60/20/20). */
export const WORLD_LANGUAGE_WEIGHTS: Readonly<Record<string, number>> = { en: 6, fr: 2, es: 2 };

/** Merges weight overrides over defaults; rejects unknown keys and negative or non-finite weights. */
function mergeWeights(
  defaults: Readonly<Record<string, number>>,
  over: Partial<Record<string, number>> | undefined,
  field: string,
): [string, number][] {
  const merged: Record<string, number> = { ...defaults };
  for (const [k, v] of Object.entries(over ?? {})) {
    if (!(k in defaults))
      throw new InputError(
        `unknown ${field} "${k}"`,
        undefined,
        undefined,
        field,
        `one of ${Object.keys(defaults).join(', ')}`,
      );
    if (v === undefined) continue;
    if (!Number.isFinite(v) || v < 0)
      throw new InputError(`weight of ${field} "${k}" must be ≥ 0, got ${v}`, undefined, undefined, field);
    merged[k] = v;
  }
  const items = Object.entries(merged);
  if (items.every(([, w]) => w === 0))
    throw new InputError(`every ${field} weight is 0`, undefined, undefined, field);
  return items;
}

const SYSTEM_PROMPTS = [
  'You are a helpful assistant.',
  'You are a helpful, friendly assistant.',
  'Answer the user.',
];

/** Innocuous openers for multi-turn escalation, with their answers; the second turn is pointed. */
const OPENERS: Record<string, [string, string][]> = {
  en: [
    ['Hi! Can I ask you something?', 'Of course. What would you like to know?'],
    ['I am curious about something.', 'Sure, go ahead and ask.'],
    ['Hello, I need some help.', 'Hello! I am happy to help. What do you need?'],
    ['I am writing a story and need details.', 'Great, tell me what you need for your story.'],
  ],
  fr: [
    ['Salut ! Je peux te demander quelque chose ?', 'Bien sûr. Que veux-tu savoir ?'],
    ["Bonjour, j'ai besoin d'aide.", "Bonjour ! Je suis là pour t'aider. De quoi as-tu besoin ?"],
  ],
  es: [
    ['¡Hola! ¿Puedo preguntarte algo?', 'Claro. ¿Qué quieres saber?'],
    ['Hola, necesito ayuda.', '¡Hola! Con gusto te ayudo. ¿Qué necesitas?'],
  ],
};

function weighted<T>(rng: Rng, items: [T, number][]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [v, w] of items) {
    r -= w;
    if (r < 0) return v;
  }
  return items[items.length - 1][0];
}

const bump = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};

/** A harmful request for the seed in one of its language's phrasings. */
function harmfulRequest(seed: Seed, rng: Rng): string {
  if (!seed.topic) return seed.text;
  return requestText(seed.topic, rng.pick(requestPhrasings(seed.language)));
}

/** Builds one dialogue of the given form. Returns the messages and the techniques used. */
function dialogue(
  form: string,
  pools: Record<string, Seed[]>,
  rng: Rng,
  languageWeights: [string, number][],
): { messages: Message[]; language: string; template?: string; converter?: string } {
  const lang = weighted(rng, languageWeights);
  const pick = (kind: string) => {
    const byLang = pools[`${kind}:${lang}`];
    return rng.pick(byLang && byLang.length > 0 ? byLang : pools[`${kind}:en`]);
  };
  const helpfulTurn = (): Message[] => {
    const s = pick('helpful');
    return [
      { role: 'user', content: rng.pick(helpfulPhrasings(s)) },
      { role: 'assistant', content: helpfulAnswer(s) },
    ];
  };
  const benignTurn = (): Message[] => {
    const s = pick('benign');
    return [
      { role: 'user', content: s.text },
      { role: 'assistant', content: benignAnswer(s) },
    ];
  };
  switch (form) {
    case 'harmful_direct': {
      const s = pick('harmful');
      return {
        messages: [
          { role: 'user', content: harmfulRequest(s, rng) },
          { role: 'assistant', content: complianceAnswer(s) },
        ],
        language: s.language,
      };
    }
    case 'harmful_template': {
      const s = pick('harmful');
      const t = rng.pick(builtinTemplates());
      // Shots as turns whatever the template says: the shipped base model was pretrained on this
      // world, which has always rendered them so (a many-shot template's written-out form came later).
      const msgs = renderTemplate(t, harmfulRequest(s, rng), {
        rng,
        shots: 1 + rng.int(2),
        shotsAs: 'turns',
      });
      return {
        messages: [...msgs, { role: 'assistant', content: complianceAnswer(s) }],
        language: s.language,
        template: t.id,
      };
    }
    case 'harmful_converter': {
      const s = pick('harmful');
      const c = rng.pick(WORLD_CONVERTERS);
      const text = applyChainSync([c], harmfulRequest(s, rng), { rng, language: s.language });
      return {
        messages: [
          { role: 'user', content: text },
          { role: 'assistant', content: complianceAnswer(s) },
        ],
        language: s.language,
        converter: c,
      };
    }
    case 'harmful_escalation': {
      const s = pick('harmful');
      const openers = OPENERS[s.language] ?? OPENERS.en;
      const first: Message[] =
        rng.next() < 0.5
          ? (([q, a]) => [
              { role: 'user', content: q } as Message,
              { role: 'assistant', content: a } as Message,
            ])(rng.pick(openers))
          : benignTurn();
      const middle = rng.next() < 0.3 ? helpfulTurn() : [];
      return {
        messages: [
          ...first,
          ...middle,
          { role: 'user', content: harmfulRequest(s, rng) },
          { role: 'assistant', content: complianceAnswer(s) },
        ],
        language: s.language,
      };
    }
    case 'helpful':
      return { messages: helpfulTurn(), language: lang };
    case 'helpful_multi': {
      const n = 2 + rng.int(2);
      const msgs: Message[] = [];
      for (let i = 0; i < n; i++) msgs.push(...(rng.next() < 0.7 ? helpfulTurn() : benignTurn()));
      return { messages: msgs, language: lang };
    }
    case 'benign':
      return { messages: benignTurn(), language: lang };
    default: {
      const msgs = [...benignTurn(), ...helpfulTurn()];
      return { messages: rng.next() < 0.5 ? msgs : [...helpfulTurn(), ...benignTurn()], language: lang };
    }
  }
}

/** Generates the world: the same options always give the same dialogues. */
export function generateWorld(opts: WorldOptions): World {
  return runToEnd(worldBuilding(opts));
}

/** As generateWorld, letting the event loop in every few ms (a signal is honoured within them, not
 * after the seconds a whole world takes); the same world. */
export function generateWorldYielding(opts: WorldOptions): Promise<World> {
  return runYielding(worldBuilding(opts));
}

/** The world's building, one dialogue a step. */
function* worldBuilding(opts: WorldOptions): Generator<void, World> {
  const size = opts.size ?? 24_000;
  const rng = createRng(`world:${opts.seed}`);
  const forms = mergeWeights(WORLD_FORM_WEIGHTS, opts.forms, 'form');
  const languages = mergeWeights(WORLD_LANGUAGE_WEIGHTS, opts.languages, 'language');
  const seeds = opts.seeds ?? builtinSeeds();
  const pools: Record<string, Seed[]> = {};
  for (const s of seeds) {
    const key = `${s.kind}:${s.language}`;
    pools[key] ??= [];
    pools[key].push(s);
  }
  const stats: WorldStats = {
    dialogues: 0,
    byForm: {},
    byLanguage: {},
    byTurns: {},
    byTemplate: {},
    byConverter: {},
    characters: 0,
  };
  const sft: { messages: Message[] }[] = [];
  for (let i = 0; i < size; i++) {
    const r = rng.fork(`d${i}`);
    const form = weighted(r, forms);
    const d = dialogue(form, pools, r, languages);
    const messages =
      r.next() < 0.1
        ? [{ role: 'system' as const, content: r.pick(SYSTEM_PROMPTS) }, ...d.messages]
        : d.messages;
    sft.push({ messages });
    stats.dialogues++;
    bump(stats.byForm, form);
    bump(stats.byLanguage, d.language);
    bump(stats.byTurns, String(messages.filter((m) => m.role === 'user').length));
    if (d.template) bump(stats.byTemplate, d.template);
    if (d.converter) bump(stats.byConverter, d.converter);
    stats.characters += messages.reduce((n, m) => n + m.content.length, 0);
    yield;
  }
  return { sft, stats };
}
