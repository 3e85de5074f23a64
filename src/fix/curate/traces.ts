// A reasoning model's replies in fix data: its trace (`<think>…</think>`) is kept where it is what a
// record teaches against, and dropped where only the answer matters, so that the two sides of a pair
// differ in what the model did, not in whether it thought aloud.
import { answerOf, type Message, type Verdict, withoutTrace } from '../../core/index.js';
import { harmOnlyInTrace } from '../../judge/index.js';

/** A reasoning model's harmful reply as the rejected side of a pair. The chosen side (a teacher's or
 * the style guide's answer) has no trace, so the rejected side is the answer alone: a pair that
 * differed in having a trace would teach "do not think", not "do not comply". Where the harm was in
 * the trace only (the answer declined), the trace is what the pair must teach against: kept. */
export function rejectedSide(reply: string, verdicts: Verdict[]): string {
  return harmOnlyInTrace(verdicts) ? reply : answerOnly(reply);
}

/** A reply without its trace (the whole reply when it stopped inside its trace and has no answer). */
export const answerOnly = (reply: string): string => answerOf(reply) || reply;

/** Earlier turns of a conversation as the context of a record: assistant turns without their
 * traces, as a reasoning model's chat template sends its own history back. */
export const asContext = (messages: Message[]): Message[] =>
  messages.map((m) => (m.role === 'assistant' ? { ...m, content: withoutTrace(m) } : m));
