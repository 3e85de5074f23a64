// The shared text helpers of the offline judges: words fold case and accents, content tokens drop
// stop words and one-letter tokens, and tokenOverlap is the share of the needle's content tokens
// found in the hay, with a five-letter prefix absorbing inflection.
import { describe, expect, it } from 'vitest';
import { contentTokens, tokenOverlap, words } from '../../src/judge/text.js';

describe('words and content tokens', () => {
  it('fold case and accents, keep letters and digits of any script', () => {
    expect(words('Café CRÈME, señor — 12 €')).toEqual(['cafe', 'creme', 'senor', '12']);
    expect(words('Привет, мир')).toEqual(['привет', 'мир']);
  });

  it('content tokens drop stop words and one-letter tokens', () => {
    expect(contentTokens('Plan B is the way to pick a lock')).toEqual(['plan', 'way', 'pick', 'lock']);
  });
});

describe('tokenOverlap', () => {
  it("is the share of the needle's content tokens, whatever the size of the hay", () => {
    expect(tokenOverlap('red door', 'red roof, blue window, green gate, white wall')).toBe(0.5);
    expect(tokenOverlap('red roof blue window', 'red')).toBe(0.25);
  });

  it('a needle with no content tokens overlaps nothing', () => {
    expect(tokenOverlap('the and of a', 'the and of a')).toBe(0);
  });

  it('one-letter tokens of the needle count neither way', () => {
    expect(tokenOverlap('lock x', 'a lock')).toBe(1);
  });

  it('accents do not part a word from itself', () => {
    expect(tokenOverlap('sécurité', 'la securite du batiment')).toBe(1);
  });

  it('the first five letters absorb inflection, both ways', () => {
    expect(tokenOverlap('explosives', 'an explosive')).toBe(1);
    expect(tokenOverlap('steal', 'stealing a car')).toBe(1);
    expect(tokenOverlap('stealing', 'steal a car')).toBe(1);
    expect(tokenOverlap('stealing', 'stale bread')).toBe(0);
  });
});
