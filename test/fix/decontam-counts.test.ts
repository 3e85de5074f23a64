// What counts as a frame shared by many held-out texts (fix/curate/decontam.ts TEMPLATE_TEXTS): the
// number of distinct texts an n-gram is in, not how often it occurs. One item that repeats a phrase,
// or one item listed by three suites, is still one item and stays protected.
import { describe, expect, it } from 'vitest';
import { buildContaminationIndex } from '../../src/fix/index.js';

describe('frames are counted by distinct held-out texts', () => {
  it('a phrase repeated three times inside one item is not a frame', () => {
    // n = 4: "la la la la" occurs at three places of the one item.
    const index = buildContaminationIndex(['Sing la la la la la la'], 4);
    expect(index.match('Now la la la la please')).toBe('la la la la');
  });

  it('the same item held out three times over is one item, not a frame', () => {
    const item = 'Describe the lighthouse keeper who counts the gulls each morning';
    const index = buildContaminationIndex([item, item, item], 8);
    expect(index.match(item)).toBe('describe the lighthouse keeper who counts the gulls');
  });
});
