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
    const language = (ctx.options?.language as string | undefined) ?? ctx.seed.language;
    // Translated into another language (redteam.translateTo): by the attacker model, and the reply
    // read back in the seed's language before it is judged.
    const translated = ctx.techniques.includes('translate') && language !== ctx.seed.language;
    return s.run(ctx.techniques, async () => {
      if (translated && !ctx.attacker)
        throw new Error(`translate into ${language} needs an attacker model (roles.attacker)`);
      const messages = await buildMessages(ctx.seed.text, ctx.techniques, {
        rng: ctx.rng.fork('chain'),
        language,
        // (counted, and not asked once the budget is spent: the translation comes before the target call)
        attacker: s.attacker,
        extraTemplates: ctx.options?.templates as Template[] | undefined,
      });
      await (translated ? s.askTranslated(messages, 1) : s.ask(messages, 1));
    });
  },
};
