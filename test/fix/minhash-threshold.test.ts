// Near-duplicate clustering at its threshold (fix/identify/minhash.ts): texts whose exact Jaccard
// similarity equals the threshold are one cluster ("≥ threshold"). Every test pair sat well above or
// below it, so a strict comparison went unnoticed.
import { describe, expect, it } from 'vitest';
import { clusterNearDuplicates, jaccard, shingles } from '../../src/fix/index.js';

describe('clusterNearDuplicates at the threshold', () => {
  it('joins two texts whose Jaccard similarity is exactly the threshold', () => {
    // Word 3-shingles: {alpha bravo charlie, bravo charlie delta, charlie delta echo} and
    // {…, …, charlie delta foxtrot}: 2 shared of 4 → J = 0.5 exactly.
    const a = 'alpha bravo charlie delta echo';
    const b = 'alpha bravo charlie delta foxtrot';
    expect(jaccard(shingles(a), shingles(b))).toBe(0.5);
    expect(clusterNearDuplicates([a, b], 0.5)).toEqual([0, 0]);
    // (and apart just above it)
    expect(clusterNearDuplicates([a, b], 0.51)).toEqual([0, 1]);
  });
});
