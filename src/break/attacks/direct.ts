// The seed as is: one user message.
import { Session } from './session.js';
import type { Attack } from './types.js';

export const directAttack: Attack = {
  id: 'direct',
  description: 'Sends the seed request as is, in one turn.',
  async run(ctx) {
    const s = new Session(ctx);
    return s.run([], async () => {
      await s.ask([{ role: 'user', content: ctx.seed.text }], 1);
    });
  },
};
