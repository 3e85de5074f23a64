// Invertible encodings and ciphers. Each maps code points, so every string round-trips unless the
// note on the converter says otherwise. They live in core, not with the red team's other converters
// (break/converters), because the judge decodes a reply written in one with its inverse, and the
// judge sits below break.
import type { Converter } from './types.js';

const chars = (text: string): string[] => Array.from(text);

/** Lower case with accents dropped (é → e, ç → c): Morse and NATO have no accented letters, and
 * the French and Spanish seeds would otherwise lose them altogether ("mélanger" → "mlanger"). */
const plainLower = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function shiftLetters(text: string, shift: number): string {
  return text.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((((c.charCodeAt(0) - base + shift) % 26) + 26) % 26) + base);
  });
}

function toUtf8Hex(text: string): string[] {
  return Array.from(Buffer.from(text, 'utf8')).map((b) => b.toString(16).padStart(2, '0'));
}

export const base64: Converter = {
  id: 'base64',
  description: 'Encodes the text as Base64 (UTF-8).',
  apply: (text) => Buffer.from(text, 'utf8').toString('base64'),
  invert: (text) => Buffer.from(text, 'base64').toString('utf8'),
};

export const rot13: Converter = {
  id: 'rot13',
  description: 'ROT13: shifts every Latin letter by 13 places.',
  apply: (text) => shiftLetters(text, 13),
  invert: (text) => shiftLetters(text, 13),
};

export const caesar: Converter = {
  id: 'caesar',
  description: 'Caesar cipher: shifts every Latin letter forward by 3 places.',
  apply: (text) => shiftLetters(text, 3),
  invert: (text) => shiftLetters(text, -3),
};

const atbashMap = (text: string): string =>
  text.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(25 - (c.charCodeAt(0) - base) + base);
  });

export const atbash: Converter = {
  id: 'atbash',
  description: 'Atbash cipher: mirrors the alphabet (a↔z, b↔y …).',
  apply: atbashMap,
  invert: atbashMap,
};

export const reverse: Converter = {
  id: 'reverse',
  description: 'Reverses the text character by character.',
  apply: (text) => chars(text).reverse().join(''),
  invert: (text) => chars(text).reverse().join(''),
};

export const wordReverse: Converter = {
  id: 'word_reverse',
  description: 'Reverses the order of the words (single-space separated).',
  apply: (text) => text.split(' ').reverse().join(' '),
  invert: (text) => text.split(' ').reverse().join(' '),
};

export const charSpacing: Converter = {
  id: 'char_spacing',
  description: 'Puts a space between every character ("h o w").',
  apply: (text) => chars(text).join(' '),
  // Output is c0 ␠ c1 ␠ c2 …: the original characters sit at the even positions.
  invert: (text) =>
    chars(text)
      .filter((_, i) => i % 2 === 0)
      .join(''),
};

const ZW = '\u200b';
export const zeroWidth: Converter = {
  id: 'zero_width',
  description: 'Inserts zero-width spaces between characters (invisible to a reader, not to a tokenizer).',
  apply: (text) => chars(text).join(ZW),
  // Round-trips any text that does not itself contain U+200B.
  invert: (text) => text.split(ZW).join(''),
};

const MORSE: Record<string, string> = {
  a: '.-',
  b: '-...',
  c: '-.-.',
  d: '-..',
  e: '.',
  f: '..-.',
  g: '--.',
  h: '....',
  i: '..',
  j: '.---',
  k: '-.-',
  l: '.-..',
  m: '--',
  n: '-.',
  o: '---',
  p: '.--.',
  q: '--.-',
  r: '.-.',
  s: '...',
  t: '-',
  u: '..-',
  v: '...-',
  w: '.--',
  x: '-..-',
  y: '-.--',
  z: '--..',
  '0': '-----',
  '1': '.----',
  '2': '..---',
  '3': '...--',
  '4': '....-',
  '5': '.....',
  '6': '-....',
  '7': '--...',
  '8': '---..',
  '9': '----.',
  '.': '.-.-.-',
  ',': '--..--',
  '?': '..--..',
  "'": '.----.',
  '!': '-.-.--',
  '-': '-....-',
};
const MORSE_BACK = new Map(Object.entries(MORSE).map(([k, v]) => [v, k]));

/** A code with one symbol per letter (Morse, NATO): symbols of a word joined by spaces, words by
 * " / "; characters the code lacks are dropped, and so is a word of nothing else (French's spaced
 * "?", an "&" or a dash between spaces), which left an empty word between two separators. The
 * inverse reads that layout back (a symbol it does not know is dropped too). */
function symbolCode(table: Record<string, string>, back: (symbol: string) => string | undefined) {
  return {
    apply: (text: string) =>
      plainLower(text)
        .split(/\s+/)
        .map((w) =>
          chars(w)
            .map((c) => table[c])
            .filter(Boolean)
            .join(' '),
        )
        .filter(Boolean)
        .join(' / '),
    invert: (text: string) =>
      text
        .split(' / ')
        .map((w) =>
          w
            .split(' ')
            .filter(Boolean)
            .map((c) => back(c) ?? '')
            .join(''),
        )
        .join(' '),
  };
}

export const morse: Converter = {
  id: 'morse',
  description:
    'Morse code: letters separated by spaces, words by " / " (lower-cases, drops accents and the characters Morse lacks).',
  // (round-trips lower-case words of Morse characters separated by single spaces)
  ...symbolCode(MORSE, (c) => MORSE_BACK.get(c)),
};

const NATO: Record<string, string> = {
  a: 'Alfa',
  b: 'Bravo',
  c: 'Charlie',
  d: 'Delta',
  e: 'Echo',
  f: 'Foxtrot',
  g: 'Golf',
  h: 'Hotel',
  i: 'India',
  j: 'Juliett',
  k: 'Kilo',
  l: 'Lima',
  m: 'Mike',
  n: 'November',
  o: 'Oscar',
  p: 'Papa',
  q: 'Quebec',
  r: 'Romeo',
  s: 'Sierra',
  t: 'Tango',
  u: 'Uniform',
  v: 'Victor',
  w: 'Whiskey',
  x: 'X-ray',
  y: 'Yankee',
  z: 'Zulu',
  '0': 'Zero',
  '1': 'One',
  '2': 'Two',
  '3': 'Three',
  '4': 'Four',
  '5': 'Five',
  '6': 'Six',
  '7': 'Seven',
  '8': 'Eight',
  '9': 'Nine',
};
const NATO_BACK = new Map(Object.entries(NATO).map(([k, v]) => [v.toLowerCase(), k]));

export const nato: Converter = {
  id: 'nato',
  description:
    'NATO phonetic alphabet: one code word per letter or digit, words separated by " / " (drops accents and other characters).',
  // (round-trips lower-case alphanumeric words separated by single spaces)
  ...symbolCode(NATO, (c) => NATO_BACK.get(c.toLowerCase())),
};

export const binary: Converter = {
  id: 'binary',
  description: 'UTF-8 bytes written as 8-bit binary groups.',
  apply: (text) =>
    Array.from(Buffer.from(text, 'utf8'))
      .map((b) => b.toString(2).padStart(8, '0'))
      .join(' '),
  invert: (text) =>
    Buffer.from(
      text
        .split(' ')
        .filter(Boolean)
        .map((b) => Number.parseInt(b, 2)),
    ).toString('utf8'),
};

export const hex: Converter = {
  id: 'hex',
  description: 'UTF-8 bytes written as hexadecimal pairs.',
  apply: (text) => toUtf8Hex(text).join(' '),
  invert: (text) => Buffer.from(text.replace(/\s+/g, ''), 'hex').toString('utf8'),
};

export const urlEncode: Converter = {
  id: 'url_encode',
  description: 'Percent-encodes the text as in a URL query component.',
  // A lone surrogate (possible in model output) would throw URIError: encode it as U+FFFD instead.
  apply: (text) => encodeURIComponent(text.replace(/\p{Cs}/gu, '\ufffd')),
  invert: (text) => decodeURIComponent(text),
};

export const unicodeTags: Converter = {
  id: 'unicode_tags',
  description: 'Unicode tag smuggling: maps printable ASCII to invisible tag characters (U+E0020–U+E007E).',
  apply: (text) =>
    chars(text)
      .map((c) => {
        const cp = c.codePointAt(0) ?? 0;
        return cp >= 0x20 && cp <= 0x7e ? String.fromCodePoint(0xe0000 + cp) : c;
      })
      .join(''),
  invert: (text) =>
    chars(text)
      .map((c) => {
        const cp = c.codePointAt(0) ?? 0;
        return cp >= 0xe0020 && cp <= 0xe007e ? String.fromCodePoint(cp - 0xe0000) : c;
      })
      .join(''),
};

// Latin letters → Cyrillic/Greek confusables that look the same in most fonts.
const HOMOGLYPHS: Record<string, string> = {
  a: 'а',
  c: 'с',
  e: 'е',
  i: 'і',
  j: 'ј',
  o: 'о',
  p: 'р',
  s: 'ѕ',
  x: 'х',
  y: 'у',
  A: 'А',
  B: 'В',
  C: 'С',
  E: 'Е',
  H: 'Н',
  I: 'І',
  K: 'К',
  M: 'М',
  O: 'О',
  P: 'Р',
  T: 'Т',
  X: 'Х',
};
const HOMOGLYPHS_BACK = new Map(Object.entries(HOMOGLYPHS).map(([k, v]) => [v, k]));

export const homoglyph: Converter = {
  id: 'homoglyph',
  description: 'Replaces Latin letters with look-alike Cyrillic characters.',
  apply: (text) =>
    chars(text)
      .map((c) => HOMOGLYPHS[c] ?? c)
      .join(''),
  // Round-trips text that contains none of the confusables itself.
  invert: (text) =>
    chars(text)
      .map((c) => HOMOGLYPHS_BACK.get(c) ?? c)
      .join(''),
};

export const ENCODINGS: Converter[] = [
  base64,
  rot13,
  caesar,
  atbash,
  reverse,
  wordReverse,
  charSpacing,
  zeroWidth,
  morse,
  nato,
  binary,
  hex,
  urlEncode,
  unicodeTags,
  homoglyph,
];
