// Two corners of near-duplicate clustering (fix/identify/minhash.ts). In an LSH bucket, a text not
// similar to the bucket's first member is still compared with the others: three texts in one bucket
// where only the second and third are near-duplicates make one cluster of those two. And two texts
// with no token at all (lone punctuation) have identical, empty shingle sets: similarity 1, one cluster.
import { describe, expect, it } from 'vitest';
import { clusterNearDuplicates, jaccard, shingles } from '../../src/fix/index.js';

describe('clusterNearDuplicates', () => {
  it('joins two near-duplicates that share a bucket with a text unlike either, listed first', () => {
    // Word 3-shingles: a {golf alpha alpha, alpha alpha india, alpha india echo},
    // b {alpha alpha india, alpha india india, india india india},
    // c {alpha alpha india, alpha india india, india india echo}.
    // a~b and a~c share 1 of 5: J = 0.2; b~c share 2 of 4: J = 0.5.
    const a = 'golf alpha alpha india echo';
    const b = 'alpha alpha india india india';
    const c = 'alpha alpha india india echo';
    const sets = [a, b, c].map((t) => shingles(t));
    expect([jaccard(sets[0], sets[1]), jaccard(sets[0], sets[2]), jaccard(sets[1], sets[2])]).toEqual([
      0.2, 0.2, 0.5,
    ]);
    // One band of one row: the bucket is the first MinHash slot, the same for all three here (the
    // shared shingle "alpha alpha india" is the minimum), so a is the bucket's first member.
    expect(clusterNearDuplicates([a, b, c], 0.5, { bands: 1, rows: 1 })).toEqual([0, 1, 1]);
  });

  it('puts two texts without a token in one cluster', () => {
    expect(jaccard(shingles('?'), shingles('!'))).toBe(1);
    expect(clusterNearDuplicates(['?', '!', 'how do I bake bread'], 0.7)).toEqual([0, 0, 2]);
  });
});
