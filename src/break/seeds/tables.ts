// Raw phrase tables read from the data files beside this module (copied to dist by
// scripts/copy-assets.mjs). Everything else in seeds/ is derived from these.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Split } from '../../core/index.js';

export const LANGUAGES = ['en', 'fr', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Whether a seed's language is one the built-in tables are written in. A custom seed's language is
 * data: looked up on a table object as it is, '__proto__' or 'constructor' found Object's own members
 * (not undefined, so no fallback to English) and the lookup threw. */
export function isLanguage(tag: string): tag is Language {
  return (LANGUAGES as readonly string[]).includes(tag);
}

const SPLIT_CODES: Record<string, Split> = { t: 'train', a: 'attack', h: 'heldback' };

function readYaml(name: string): unknown {
  return parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8'));
}

export interface HarmfulRow {
  key: string;
  category: string;
  split: Split;
  topic: Record<Language, string>;
}

export interface Phrasing {
  id: string;
  split: Split;
  text: string;
}

export interface LanguagePhrasings {
  leadIn: string;
  phrasings: Phrasing[];
}

export interface BenignRow {
  key: string;
  type: string;
  split: Split;
  category?: string;
  /** Per language: [text, reply]; English always present. */
  texts: Partial<Record<Language, [string, string]>>;
}

export interface HelpfulFrames {
  [task: string]: Record<Language, { q: string[]; a: string }>;
}

export interface HelpfulTables {
  frames: HelpfulFrames;
  units: {
    id: string;
    factor: number;
    max: number;
    en: [string, string];
    fr: [string, string];
    es: [string, string];
  }[];
  capitals: string[][];
  glossary: string[][];
  words: Record<Language, string[]>;
}

let cache:
  | {
      harmful: HarmfulRow[];
      phrasings: Record<Language, LanguagePhrasings>;
      benign: BenignRow[];
      helpful: HelpfulTables;
    }
  | undefined;

export function tables() {
  if (cache) return cache;
  const rawHarm = readYaml('harmful.yaml') as Record<string, string[][]>;
  const harmful: HarmfulRow[] = [];
  for (const [category, rows] of Object.entries(rawHarm)) {
    for (const [key, split, en, fr, es] of rows) {
      harmful.push({ key, category, split: SPLIT_CODES[split], topic: { en, fr, es } });
    }
  }
  const rawPhr = readYaml('phrasings.yaml') as Record<Language, { leadIn: string; phrasings: string[][] }>;
  const phrasings = {} as Record<Language, LanguagePhrasings>;
  for (const lang of LANGUAGES) {
    phrasings[lang] = {
      leadIn: rawPhr[lang].leadIn,
      phrasings: rawPhr[lang].phrasings.map(([id, split, text]) => ({ id, split: split as Split, text })),
    };
  }
  const rawBenign = readYaml('benign.yaml') as Record<string, string[][]>;
  const benign: BenignRow[] = [];
  for (const [type, rows] of Object.entries(rawBenign)) {
    for (const row of rows) {
      const [key, split, category, enT, enR, frT, frR, esT, esR] = row;
      const texts: BenignRow['texts'] = { en: [enT, enR] };
      if (frT && frR) texts.fr = [frT, frR];
      if (esT && esR) texts.es = [esT, esR];
      benign.push({
        key,
        type,
        split: SPLIT_CODES[split],
        category: category === '~' ? undefined : category,
        texts,
      });
    }
  }
  const helpful = readYaml('helpful.yaml') as HelpfulTables;
  cache = { harmful, phrasings, benign, helpful };
  return cache;
}

/** Fills `{name}` slots. */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
