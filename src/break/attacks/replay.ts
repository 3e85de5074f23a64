// Replay: an earlier attempt's prompt sent again to a (new) target, for a later round's retest.
// A single-send attack's prompt goes as it was, faux exchanges included (many-shot, few-shot
// templates). A multi-turn attack's earlier replies were the old model's, so its user turns go
// one at a time, each after the target's own reply to the one before; so does a search script's
// opener, before the rest of its prompt as it was. Only the last reply is
// judged: the earlier turns are the conversation's setup, as they were in the attempt replayed.
import type { Message } from '../../core/index.js';
import { Session } from './session.js';
import type { Attack } from './types.js';

export interface ReplayOptions {
  /** The earlier attempt's transcript without its last reply. */
  prompt: Message[];
  /** The earlier replies were the target's own (a multi-turn attack): ask for them again. */
  live: boolean;
  /** The earlier attempt's user turns (the vulnerability key counts them). */
  turns: number;
  /** The prompt opens with a question the old model answered, then a single-send prompt (the search
   * attacker's scripts): ask the opener again, then send the rest as it was. */
  opener?: boolean;
  /** The prompt was translated into another language (the translate attack): the last reply is read
   * back in the seed's language by the attacker model before it is judged, as it was then. */
  backTranslate?: boolean;
}

export const replayAttack: Attack = {
  id: 'replay',
  description: "Sends an earlier attempt's prompt again (a retest); multi-turn prompts turn by turn.",
  async run(ctx) {
    const s = new Session(ctx);
    const { prompt, live, turns, opener, backTranslate } = ctx.options as unknown as ReplayOptions;
    const ask = (messages: Message[], n: number) =>
      backTranslate ? s.askTranslated(messages, n) : s.ask(messages, n);
    return s.run(ctx.techniques, async () => {
      if (opener && !live) {
        // The old model's reply to the opener is dropped: the new one answers it.
        const [first, , ...rest] = prompt;
        const reply = await s.send([first]);
        await ask([first, { role: 'assistant', content: reply }, ...rest], turns);
        return;
      }
      if (!live) {
        await ask(prompt, turns);
        return;
      }
      const lastUser = prompt.findLastIndex((m) => m.role === 'user');
      const history: Message[] = [];
      for (const [i, m] of prompt.entries()) {
        if (m.role === 'assistant') continue; // the old model's reply: the new one answers instead
        if (i === lastUser) {
          await ask([...history, m], turns);
          return;
        }
        history.push(m);
        if (m.role === 'user') history.push({ role: 'assistant', content: await s.send([...history]) });
      }
    });
  },
};
