// Converters and/or one template applied to the seed, sent in one turn (multi-message templates
// such as few-shot render faux exchanges before the request).
import type { Template } from '../../core/index.js';
import { buildMessages } from './prompt.js';
import { Session } from './session.js';
import type { Attack } from './types.js';

export const chainAttack: Attack = {
  id: 'chain',
  description: 'Applies a chain of converters and/or a jailbreak template to the seed, in one turn.',
  async run(ctx) {
    const s = new Session(ctx);
    return s.run(ctx.techniques, async () => {
      const messages = await buildMessages(ctx.seed.text, ctx.techniques, {
        rng: ctx.rng.fork('chain'),
        language: (ctx.options?.language as string | undefined) ?? ctx.seed.language,
        attacker: ctx.attacker,
        extraTemplates: ctx.options?.templates as Template[] | undefined,
      });
      await s.ask(messages, 1);
    });
  },
};
