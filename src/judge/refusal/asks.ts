// Asks in the languages whose declines languages.ts reads (beyond en/fr/es/de/it/pt/zh, whose asks
// features.ts reads): what makes a sentence of a request an ask, and what joins a second ask to the
// first ("write a poem for my wife and tell me how to read her messages"). promptParts splits a
// request on them, so that content answering one ask before or after a decline of the other makes
// the reply a partial refusal, as it does in English. Without them such replies in Swedish, Czech,
// Hebrew, Thai… read as full refusals.
//
// The text is folded (lower case, accents and Arabic/Hebrew marks removed, Hangul decomposed); the
// sources below are folded the same way. Verb-first languages open an ask with an imperative; the
// verb-final ones (tr ko hi bn) close it with one.

import { stripAccents } from '../text.js';
import { WORD_END as E, inGroups, onFirstUse, WORD_START as S } from './languages.js';

const alt = (words: string[]) => words.join('|');

/** Per language: imperatives that open an ask; "I want to…" (a stated purpose, asked along with a
 * question); and the "and", "and then", "and also" that join a second ask to the first. Words that
 * fold into English ones (Vietnamese loses its tones: "viết" is "viet") are given with what follows
 * them. */
const OPENERS: Record<string, { ask: string[]; intent: string[]; and: string[] }> = {
  ru: {
    ask: [
      '(?:расскажи|объясни|напиши|дай|покажи|помоги|посоветуй|порекомендуй|переведи|научи|опиши|перечисли|назови|подскажи|найди|сделай|составь|придумай|скажи|предложи)(?:те)?',
    ],
    intent: ['(?:я )?хочу', 'мне нужно', 'я собираюсь'],
    and: ['и', 'а также', 'а потом', 'и ещё', 'и еще', 'и потом', 'а ещё'],
  },
  uk: {
    ask: [
      '(?:розкажи|поясни|напиши|покажи|допоможи|переклади|навчи|опиши|перелічи|назви|підкажи|знайди|скажи)',
      '(?:розкажіть|поясніть|напишіть|покажіть|допоможіть|перекладіть|навчіть|опишіть|назвіть|підкажіть|знайдіть|скажіть)',
      '(?:дай|порадь|порекомендуй|запропонуй)(?:те)?',
      '(?:зроби|склади)(?:ть)?',
    ],
    intent: ['(?:я )?хочу', 'мені (?:треба|потрібно)'],
    and: ['і', 'й', 'та', 'а також', 'а потім', 'і ще'],
  },
  bg: {
    ask: [
      '(?:кажи|обясни|напиши|дай|покажи|помогни|препоръчай|преведи|научи|опиши|изброй|намери|направи|предложи)(?:те)?',
    ],
    intent: ['(?:аз )?искам', 'трябва ми'],
    and: ['и', 'а също', 'и също', 'а после'],
  },
  pl: {
    ask: [
      'powiedz|wyjaśnij|wytłumacz|napisz|daj|pokaż|pomóż|poradź|doradź|poleć|przetłumacz|naucz|opisz|wymień|podaj|znajdź|zrób|stwórz|zaproponuj|przygotuj',
    ],
    intent: ['chcę', 'chciałbym', 'chciałabym', 'muszę', 'planuję'],
    and: ['i', 'oraz', 'a potem', 'a także', 'i też', 'a też', 'a'],
  },
  cs: {
    ask: [
      'řekni|vysvětli|napiš|dej|ukaž|pomoz|poraď|doporuč|přelož|nauč|popiš|vyjmenuj|najdi|udělej|vytvoř|navrhni',
      'řekněte|vysvětlete|napište|dejte|ukažte|pomozte|poraďte|doporučte|přeložte|popište|najděte|udělejte|vytvořte|navrhněte',
      // Slovak
      'povedz|vysvetli|napíš|daj|ukáž|pomôž|odporuč|prelož|opíš|nájdi|urob|vytvor',
    ],
    intent: ['chci', 'chtěl bych', 'chtěla bych', 'potřebuji', 'chcem', 'chcel by som', 'potrebujem'],
    and: ['a', 'a pak', 'a také', 'a potom', 'potom', 'a tiež', 'a taktiež'],
  },
  nl: {
    ask: [
      'vertel|leg|schrijf|geef|laat|help|raad|vertaal|beschrijf|noem|zoek|maak|bedenk',
      // Afrikaans
      'verduidelik|skryf|gee|wys|beveel|beskryf|soek',
    ],
    intent: ['ik wil', 'ik moet', 'ik ben van plan', 'ek wil', 'ek moet'],
    and: ['en', 'en dan', 'en ook', 'daarna'],
  },
  sv: {
    ask: [
      'berätta|förklara|skriv|ge mig|visa (?:mig|oss)|hjälp|rekommendera|översätt|lär mig|beskriv|nämn|hitta|gör|föreslå',
      // Danish, Norwegian
      'fortæl|fortell|forklar|giv mig|gi meg|vis (?:mig|meg|os|oss)|hjælp|hjelp|anbefal|oversæt|oversett|lær (?:mig|meg)|nævn|nevn|find|finn|lav|lag|foreslå',
    ],
    intent: ['jag vill', 'jag behöver', 'jeg vil', 'jeg skal', 'jeg trenger', 'jeg har brug for'],
    and: ['och', 'och sedan', 'och sen', 'samt', 'och även', 'og', 'og så', 'og bagefter', 'og deretter'],
  },
  fi: {
    ask: [
      'kerro|selitä|kirjoita|anna (?:minulle|meille)|näytä|auta|suosittele|käännä|opeta|kuvaile|luettele|nimeä|etsi|ehdota',
    ],
    intent: ['haluan', 'minun (?:pitää|täytyy)', 'aion'],
    and: ['ja', 'sekä', 'ja sitten', 'ja myös'],
  },
  hu: {
    ask: [
      'mondd|magyarázd|magyarázz|írd|írj|adj|mutasd|mutass|segíts|ajánlj|fordítsd|tanítsd|sorold|keress|készíts|javasolj|meséld|mesélj',
    ],
    intent: ['szeretnék', 'akarok', 'muszáj'],
    and: ['és', 'majd', 'aztán', 'és aztán', 'valamint', 'és utána'],
  },
  vi: {
    ask: [
      'hãy (?:cho|giải|viết|chỉ|giúp|gợi|dịch|dạy|mô|kể|liệt|tìm|nói|đề)|cho (?:tôi|mình|em)|giải thích|viết (?:cho|giúp|giùm|một|bài|thư|đoạn)|chỉ (?:cho|tôi|mình)|giúp (?:tôi|mình|em)|gợi ý|dịch (?:giúp|cho|câu|đoạn)|dạy (?:tôi|mình|em)|mô tả|kể (?:cho|về)|liệt kê|tìm (?:giúp|cho|giùm)|làm ơn|đề xuất|nói (?:cho|tôi)',
    ],
    intent: ['tôi muốn', 'tôi cần', 'tôi định', 'mình muốn', 'em muốn'],
    and: ['và', 'rồi', 'sau đó', 'và sau đó', 'còn', 'đồng thời', 'và cả'],
  },
  id: {
    ask: [
      'jelaskan|terangkan|tuliskan|tulis|berikan|beri|tunjukkan|bantu|sarankan|rekomendasikan|terjemahkan|ajari|ajarkan|sebutkan|ceritakan|carikan|buatkan|beritahu|beri tahu|kasih tahu|tolong|coba',
      // Javanese
      'jelasna|tulisen|critakna|wenehana|tulung|golekna|gawekna',
    ],
    intent: ['saya (?:ingin|mau|perlu)', 'aku (?:ingin|mau|perlu|pengin)', 'gue mau'],
    and: ['dan', 'lalu', 'kemudian', 'serta', 'dan juga', 'terus', 'lan', 'banjur'],
  },
  sw: {
    ask: [
      'nieleze|niambie|andika|niandikie|nipe|nionyeshe|nisaidie|pendekeza|tafsiri|nifundishe|eleza|orodhesha|taja|tafuta|tengeneza',
    ],
    intent: ['nataka', 'ninataka', 'nahitaji'],
    and: ['na', 'kisha', 'halafu', 'na pia'],
  },
  ar: {
    ask: [
      '(?:اشرح|اشرحي|اكتب|اكتبي|اعطني|قل|قولي|اخبرني|علمني|ساعدني|ترجم|اقترح|اذكر|صف|ارني|دلني|وضح|ابحث|انشئ)',
    ],
    intent: ['اريد', 'اود', 'احتاج'],
    // (also written on the verb: "وعلّمني" is "and teach me")
    and: ['و', 'ثم'],
  },
  he: {
    ask: [
      '(?:תכתוב|כתוב|תכתבי|תגיד|תגידי|תסביר|הסבר|תסבירי|תן|תני|תראה|הראה|תעזור|עזור|תמליץ|המלץ|תתרגם|תרגם|תלמד|למד|תאר|תפרט|פרט|ספר|תספר|תמצא|מצא|תציע|הצע)',
    ],
    intent: ['אני רוצה', 'אני צריך', 'אני צריכה'],
    // (written on the verb: "ותגיד לי" is "and tell me")
    and: ['ו', 'ואז', 'וגם'],
  },
};

/** Thai writes no spaces between words: its imperatives open an ask with no word boundary after. */
const THAI_ASK = 'ช่วย|บอก|สอน|แนะนำ|อธิบาย|เขียน|แปล|หา|ขอ';
const THAI_INTENT = 'ฉันอยาก|ผมอยาก|อยาก';

/** Imperatives that close an ask in the verb-final languages, and "I want to…" there. */
const CLOSERS = [
  // Turkish
  '(?:anlat|açıkla|yaz|ver|göster|öner|çevir|öğret|listele|söyle|bul|yap|et)(?:ın|in|un|ün|sana|sene)?',
  '(?:anlatır|açıklar|yazar|verir|gösterir|önerir|söyler|bulur|yapar) mısın',
  // Hindi, Bengali
  'बताओ|बताइए|बताएं|बताएँ|समझाओ|समझाइए|लिखो|लिखिए|दो|दीजिए|दिखाओ|करो|कीजिए|सुझाओ|सिखाओ',
  'বলো|বলুন|লেখো|লিখুন|দাও|দিন|দেখাও|করো|করুন|শেখাও',
];
// Korean writes the request ending on the verb ("알려줘", "알려 줘", "추천해 주세요").
const KOREAN_CLOSERS = '줘|주세요|줄래|줄래요|주실래요|주시겠어요|주십시오|해 봐|하세요';
const CLOSING_INTENTS = [
  'istiyorum',
  'lazım',
  'gerekiyor',
  '싶어',
  '싶어요',
  '싶습니다',
  'चाहता हूँ',
  'चाहती हूँ',
  'চাই',
];

const fold = (text: string) => stripAccents(text);
// A pronoun may stand between the conjunction and the verb: "a pak mi poraď", "och sen berätta".
const PRONOUN = '(?:\\p{L}{1,4} )?';
// Arabic and Hebrew write "and" on the next word, with no space.
const ATTACHED = new Set(['و', 'ו']);
const joint = (and: string) => (ATTACHED.has(and) ? and : `${and}\\s+${PRONOUN}`);
const langs = Object.values(OPENERS);

// An imperative (after any "and") that opens an ask, in one alternation under one anchor.
const OPENER = langs.map((l) => `(?:(?:${alt(l.and.map(joint))}))?(?:${alt(l.ask)})`);
const OPENING = `^(?:${OPENER.join('|')})${E}`;
// (OPENS_ASK: the same openers in a few alternations, tried in turn — smaller ones compile faster
// on first use, see inGroups)
const OPENS_ASK = [
  ...inGroups(OPENER).map((g) => new RegExp(fold(`^(?:${g.join('|')})${E}`), 'u')),
  new RegExp(fold(`^(?:${THAI_ASK})`), 'u'),
];
const compileOpensAsk = onFirstUse(OPENS_ASK);
const CLOSES_ASK = new RegExp(fold(`(?:${S}(?:${alt(CLOSERS)})|${KOREAN_CLOSERS})[.!。।]?\\s*$`), 'u');
const OPENS_INTENT = new RegExp(
  fold(`^(?:(?:${alt(langs.flatMap((l) => l.intent))})${E}|${THAI_INTENT})`),
  'u',
);
const CLOSES_INTENT = new RegExp(fold(`${S}(?:${alt(CLOSING_INTENTS)})[.!。।]?\\s*$`), 'u');

/** The last words of a sentence: what the verb-final tests read (an end-anchored pattern would be
 * tried at every position of the sentence). */
function ending(sentence: string): string {
  return sentence.length > 60 ? sentence.slice(sentence.indexOf(' ', sentence.length - 60) + 1) : sentence;
}

/** A sentence of a request that is an ask: it opens (after an "and") with an imperative, or, in a
 * verb-final language, closes with one. */
export function asksInMoreLanguages(sentence: string): boolean {
  compileOpensAsk();
  return OPENS_ASK.some((r) => r.test(sentence)) || CLOSES_ASK.test(ending(sentence));
}

/** A stated purpose ("Chcę otworzyć drzwi…", "…yapmak istiyorum"). */
export function statesIntentInMoreLanguages(sentence: string): boolean {
  return OPENS_INTENT.test(sentence) || CLOSES_INTENT.test(ending(sentence));
}

// "me", "to me" after an imperative ("napisz mi", "اكتب لي", "תגיד לי").
const TO_ME = 'mi|mě|mne|mnie|mig|meg|mij|minulle|nekem|мне|мені|ми|tôi|mình|saya|aku|لي|لنا|לי|לנו';

/** The imperative (and any "and" before it) that opens an ask: the ask's subject is what follows. */
export const MORE_LANGUAGES_ASK_VERB = new RegExp(fold(`${OPENING}(?:\\s*,?\\s*(?:${TO_ME})${E})?`), 'u');

/** Where a second ask is joined to the first inside one sentence (the split consumes the joint). */
export const MORE_LANGUAGES_AND_ASK = new RegExp(
  fold(
    [
      `[,;،]?\\s+(?:${langs.map((l) => `(?:${alt(l.and.map(joint))})(?=(?:${alt(l.ask)})${E})`).join('|')})`,
      `\\s*(?:แล้วก็|และ|แล้ว)\\s*(?=(?:${THAI_ASK}))`,
      // Korean: "…추천해 주고, …알려 줘" (the request's "give and")
      `(?:주고|주시고),?\\s+`,
      // Turkish, Hindi, Bengali: an imperative, then "and"
      `${S}(?:${alt(CLOSERS)})[,;]?\\s+(?:ve|ayrıca|sonra|और|फिर|এবং|তারপর)\\s+`,
    ].join('|'),
  ),
  'u',
);
