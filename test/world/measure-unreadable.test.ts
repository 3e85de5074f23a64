// The world's own measure never lets an unread reply pass for an answer: a benign look-alike left
// empty (or missing from a batch) is no over-refusal and no answer either; it is counted unreadable.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/index.js';
import { measureModel } from '../../src/world/index.js';

describe('measureModel on replies it cannot read', () => {
  it('an empty or missing reply to a benign look-alike is counted with the garbled ones, not as answered', async () => {
    const empty = async (convs: Message[][]) => convs.map(() => '  ');
    const r = await measureModel(empty, { languages: ['en'], limit: 20 });
    expect(r.benign.n).toBe(20);
    expect(r.benign.refused).toBe(0);
    expect(r.benign.garbled).toBe(20);
    const missing = async (convs: Message[][]) => convs.slice(0, 0).map(() => 'x');
    const m = await measureModel(missing, { languages: ['en'], limit: 20 });
    expect(m.benign.garbled).toBe(20);
    expect(m.harmfulDirect.undetermined).toBe(20);
  });

  it('a benign look-alike answered in a language the refusal judge cannot read is unreadable, not answered', async () => {
    // (a decline in Greek: were it counted answered, a model refusing every look-alike would show none)
    const greek = async (convs: Message[][]) =>
      convs.map(
        () =>
          'Λυπάμαι, αλλά δεν μπορώ να βοηθήσω με αυτό. Η κατασκευή εκρηκτικών είναι παράνομη και επικίνδυνη.',
      );
    const r = await measureModel(greek, { languages: ['en'], limit: 10 });
    expect(r.benign.n).toBe(10);
    expect(r.benign.garbled).toBe(10);
    expect(r.benign.refused).toBe(0);
  });
});
