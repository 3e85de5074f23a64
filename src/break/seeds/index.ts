// Built-in seeds (harmful, benign look-alikes, helpful tasks in en/fr/es), selection by filter,
// user seed files, and the phrase tables the world and the offline translator share.
import type { Seed, Split } from '../../core/index.js';
import { builtinReplies, builtinSeeds, expandHelpful } from './builtin.js';
import { fill, isLanguage, LANGUAGES, type Language, type Phrasing, tables } from './tables.js';

export { builtinReplies, builtinSeeds, helpfulPhrasings } from './builtin.js';
export { distinctSeeds, loadSeedsFile, type PlacedSeed, parseSeeds, readSeedsFile } from './file.js';
export { LANGUAGES, type Language, type Phrasing } from './tables.js';

export interface SeedFilter {
  kind?: Seed['kind'] | Seed['kind'][];
  split?: Split | Split[];
  language?: string | string[];
  category?: string | string[];
  ids?: string[];
}

const asList = <T>(v: T | T[] | undefined): T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

/** Built-in seeds (or `from`) matching every given field of the filter. */
export function selectSeeds(filter: SeedFilter = {}, from: Seed[] = builtinSeeds()): Seed[] {
  const kinds = asList(filter.kind);
  const splits = asList(filter.split);
  const langs = asList(filter.language);
  const cats = asList(filter.category);
  const ids = filter.ids ? new Set(filter.ids) : undefined;
  return from.filter(
    (s) =>
      (!kinds || kinds.includes(s.kind)) &&
      (!splits || (s.split !== undefined && splits.includes(s.split))) &&
      (!langs || langs.includes(s.language)) &&
      (!cats || (s.category !== undefined && cats.includes(s.category))) &&
      (!ids || ids.has(s.id)),
  );
}

/** Request phrasings for harmful topics in a language (optionally of one split). */
export function requestPhrasings(language: string, split?: Split): Phrasing[] {
  const p = tables().phrasings[isLanguage(language) ? language : 'en'];
  return split ? p.phrasings.filter((x) => x.split === split) : p.phrasings;
}

/** A harmful request for `topic` in `language` using the given phrasing. */
export function requestText(topic: string, phrasing: Phrasing): string {
  return fill(phrasing.text, { topic });
}

/** The compliance lead-in sentence for a language ("Sure, here is how to {topic}."). */
export function complianceLeadIn(topic: string, language: string): string {
  const p = tables().phrasings[isLanguage(language) ? language : 'en'];
  return fill(p.leadIn, { topic });
}

/** Reply text for a built-in benign or helpful seed, if it has one. */
export function builtinReply(seedId: string): string | undefined {
  builtinSeeds();
  return builtinReplies.get(seedId);
}

// --- offline translation from the phrase tables -------------------------------------------------

interface TranslationIndex {
  exact: Map<string, Record<string, string>>;
  topics: { en: string; by: Record<string, string> }[];
}
let tIndex: TranslationIndex | undefined;

function translationIndex(): TranslationIndex {
  if (tIndex) return tIndex;
  const exact = new Map<string, Record<string, string>>();
  const { harmful, phrasings, benign } = tables();
  const norm = (s: string) => s.trim().toLowerCase();
  for (const row of harmful) {
    // Pair phrasings by split and position so "attack" phrasings translate to "attack" phrasings.
    for (const ph of phrasings.en.phrasings) {
      const bySplit = (lang: Language) => phrasings[lang].phrasings.filter((p) => p.split === ph.split);
      const pos = phrasings.en.phrasings.filter((p) => p.split === ph.split).indexOf(ph);
      const entry: Record<string, string> = {};
      for (const lang of LANGUAGES) {
        const list = bySplit(lang);
        const target = list[pos % Math.max(1, list.length)] ?? phrasings[lang].phrasings[0];
        entry[lang] = fill(target.text, { topic: row.topic[lang] });
      }
      exact.set(norm(fill(ph.text, { topic: row.topic.en })), entry);
    }
  }
  for (const row of benign) {
    if (!row.texts.en) continue;
    const entry: Record<string, string> = {};
    for (const lang of LANGUAGES) if (row.texts[lang]) entry[lang] = row.texts[lang]?.[0] as string;
    exact.set(norm(row.texts.en[0]), entry);
  }
  for (const s of expandHelpful()) {
    if (s.language !== 'en') continue;
    const entry: Record<string, string> = { en: s.text };
    for (const lang of LANGUAGES) {
      const t = builtinSeeds().find((x) => x.id === s.id.replace(/-en$/, `-${lang}`));
      if (t) entry[lang] = t.text;
    }
    exact.set(norm(s.text), entry);
  }
  const topics = harmful
    .map((r) => ({ en: r.topic.en, by: r.topic as Record<string, string> }))
    .sort((a, b) => b.en.length - a.en.length);
  tIndex = { exact, topics };
  return tIndex;
}

/** Translates English text into `language` from the world's phrase tables: whole known requests
 * first, then any known topic phrase inside the text. Text it cannot translate is returned as is
 * (the real-mode translator is an LLM, wrapped by break/). */
export function translateOffline(text: string, language: string): string {
  if (language === 'en') return text;
  const idx = translationIndex();
  const hit = idx.exact.get(text.trim().toLowerCase());
  if (hit?.[language]) return hit[language];
  for (const t of idx.topics) {
    const at = text.toLowerCase().indexOf(t.en.toLowerCase());
    if (at >= 0 && t.by[language]) return text.slice(0, at) + t.by[language] + text.slice(at + t.en.length);
  }
  return text;
}
