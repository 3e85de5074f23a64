// Reasoning models (DeepSeek-R1, Qwen3, Phi-4-reasoning, gpt-oss, Magistral, Kimi) think before they
// answer. A server without a reasoning parser returns the trace inside the message content; the
// OpenAI-compatible target puts a trace that a parser returned apart back in front of the answer in
// the same `<think>` form, so the store keeps every trace and every reader splits it one way.
// Every judge reads the answer (judge/reasoning.ts); the harm judges also judge the trace apart
// (judge/trace-harm.ts); attackers, teachers and user simulators use the answer only.
import type { Message } from './types.js';

export interface ReasonedText {
  /** The reply after its reasoning trace (the whole text when there is no trace). */
  answer: string;
  /** The trace, or null when the text has none. */
  reasoning: string | null;
  /** The trace never closed: the reply stopped while the model was still thinking. */
  unfinished: boolean;
}

// Tag pairs the open models write: <think> (DeepSeek-R1, Qwen3, Phi-4-reasoning), <thinking>,
// <reasoning>, [THINK] (Magistral), ◁think▷ (Kimi).
const OPEN = /^\s*(?:<(think|thinking|reasoning|thought)>|\[(THINK)\]|◁(think)▷)/i;
const CLOSE: Record<string, RegExp> = {
  think: /<\/think>|◁\/think▷/i,
  thinking: /<\/thinking>/i,
  reasoning: /<\/reasoning>/i,
  thought: /<\/thought>/i,
  THINK: /\[\/THINK\]/i,
};
// DeepSeek-R1's and Qwen3's chat templates open the trace in the prompt: the reply is the trace, a
// lone closing tag on its own line, then the answer.
const LONE_CLOSE = /(?:^|\n)[ \t]*<\/(?:think|thinking|reasoning)>[ \t]*(?:\n|$)/i;
// gpt-oss's harmony format, when the server passes its tokens through.
const HARMONY_FINAL = /<\|channel\|>\s*final\s*<\|message\|>/;
const HARMONY_ANALYSIS = /^\s*(?:<\|start\|>\s*assistant\s*)?<\|channel\|>\s*analysis\s*<\|message\|>/;
const HARMONY_HEADER = /(?:<\|start\|>\s*assistant\s*)?<\|channel\|>[^<]*<\|message\|>/g;
const HARMONY_TOKENS = /<\|(?:start|end|return|channel|message|call|constrain)\|>/g;

const harmonyText = (s: string) =>
  s
    .replace(/<\|end\|>\s*<\|start\|>\s*assistant\s*$/, '')
    .replace(HARMONY_HEADER, ' ')
    .replace(HARMONY_TOKENS, ' ')
    .trim();

export function splitReasoning(text: string): ReasonedText {
  const open = OPEN.exec(text);
  if (open) {
    const name = open[1]?.toLowerCase() ?? (open[2] ? 'THINK' : 'think');
    const rest = text.slice(open[0].length);
    const close = CLOSE[name].exec(rest);
    if (!close) return { answer: '', reasoning: rest.trim(), unfinished: true };
    return {
      answer: rest.slice(close.index + close[0].length).trim(),
      reasoning: rest.slice(0, close.index).trim(),
      unfinished: false,
    };
  }
  const final = HARMONY_FINAL.exec(text);
  if (final)
    return {
      answer: harmonyText(text.slice(final.index + final[0].length)),
      reasoning: harmonyText(text.slice(0, final.index)),
      unfinished: false,
    };
  if (HARMONY_ANALYSIS.test(text)) return { answer: '', reasoning: harmonyText(text), unfinished: true };
  const lone = LONE_CLOSE.exec(text);
  if (lone)
    return {
      answer: text.slice(lone.index + lone[0].length).trim(),
      reasoning: text.slice(0, lone.index).trim(),
      unfinished: false,
    };
  return { answer: text, reasoning: null, unfinished: false };
}

/** The answer after a reply's reasoning trace (the whole text when it has none). */
export const answerOf = (text: string): string => splitReasoning(text).answer;

/** What a message says as history or in a preview: an assistant reply without its trace (the whole
 * text when the reply stopped inside its trace and has no answer); other turns as they are. */
export const withoutTrace = (m: Message): string =>
  m.role === 'assistant' ? answerOf(m.content) || m.content : m.content;

/** A trace and its answer in the one form `splitReasoning` reads back. */
export const withReasoning = (reasoning: string, answer: string): string =>
  reasoning.trim() ? `<think>\n${reasoning.trim()}\n</think>\n\n${answer}` : answer;
