// Many-shot jailbreaking: N faux user/assistant exchanges in which the "assistant" complies,
// then the real request, in one message (the built-in many_shot template's shotsAs: message).
import { getTemplate } from '../templates/index.js';
import { buildMessages } from './prompt.js';
import { Session } from './session.js';
import type { Attack } from './types.js';

export const manyShotAttack: Attack = {
  id: 'many_shot',
  description:
    'Prepends faux exchanges in which an assistant complies (the many_shot template’s shots), then asks (many-shot jailbreaking).',
  async run(ctx) {
    const s = new Session(ctx);
    const shots = Number(ctx.options?.shots ?? 16);
    const techniques = [...ctx.techniques.filter((t) => !getTemplate(t)), 'many_shot'];
    return s.run(techniques, async () => {
      const messages = await buildMessages(ctx.seed.text, techniques, {
        rng: ctx.rng.fork('many_shot'),
        shots,
        language: ctx.seed.language,
      });
      s.detail.shots = shots;
      await s.ask(messages, 1);
    });
  },
};
