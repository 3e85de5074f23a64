// The shortest held-out texts decontamination protects (fix/curate/decontam.ts MIN_TOKENS): four word
// tokens are an item, matched whole as one n-gram of their own length; three are too generic to
// match on.
import { describe, expect, it } from 'vitest';
import { buildContaminationIndex } from '../../src/fix/index.js';

describe('short held-out texts', () => {
  it('a four-token item is protected, whole or inside a longer record', () => {
    const index = buildContaminationIndex(['Bake a lemon cake'], 8);
    expect(index.size).toBe(1);
    expect(index.match('Bake a lemon cake')).toBe('bake a lemon cake');
    expect(index.match('Please, bake a lemon cake for me.')).toBe('bake a lemon cake');
  });

  it('a three-token text is not matched on', () => {
    const index = buildContaminationIndex(['Bake a cake'], 8);
    expect(index.size).toBe(0);
    expect(index.match('Bake a cake')).toBeUndefined();
  });
});
