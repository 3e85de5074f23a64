// Reasoning models (DeepSeek-R1, Qwen3, Phi-4-reasoning, gpt-oss, Magistral, Kimi) think before they
// answer, and a server without a reasoning parser returns the trace in the message content. Judges
// read the answer: the trace is where a model weighs the request ("this could be misused, I should
// refuse… but the user says it is for a novel"), so read as part of the reply it turns answers into
// partial refusals and refusals into partial compliance, and a judge model's own trace holds draft
// verdicts ("SEVERITY: 3? no…") that its final line then contradicts. The stored transcript keeps
// the trace; only what is judged is the answer. A trace cut off by the token limit has no answer:
// that is `undetermined` (reason `reasoning_unfinished`), never a refusal and never compliance.
import type { Judge, JudgeInput, Message, Verdict } from '../core/index.js';

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

/** A judge that judges the answer: the response (and every assistant turn of the transcript) loses
 * its reasoning trace first, and a reply with no answer after its trace is `undetermined` without
 * asking the judge. Verdicts on a reply that had a trace say so in `detail.reasoningChars`. */
export function judgesTheAnswer(judge: Judge): Judge {
  return {
    id: judge.id,
    kind: judge.kind,
    async judge(input: JudgeInput): Promise<Verdict> {
      const split = splitReasoning(input.response);
      if (split.reasoning === null) return judge.judge(input);
      if (!split.answer)
        return {
          judge: judge.id,
          kind: judge.kind,
          status: 'undetermined',
          value: null,
          rationale: split.unfinished
            ? `the reply stopped inside its reasoning (${split.reasoning.length} characters) and never answered; raise the target's maxTokens`
            : 'the reply reasons and then gives no answer',
          detail: {
            reason: split.unfinished ? 'reasoning_unfinished' : 'empty',
            reasoningChars: split.reasoning.length,
          },
        };
      const verdict = await judge.judge({
        ...input,
        response: split.answer,
        transcript: input.transcript.map(answerOnly),
      });
      return { ...verdict, detail: { ...verdict.detail, reasoningChars: split.reasoning.length } };
    },
  };
}

function answerOnly(m: Message): Message {
  if (m.role !== 'assistant') return m;
  const split = splitReasoning(m.content);
  if (split.reasoning === null) return m;
  return { ...m, content: split.answer || '[no answer: the reply stopped inside its reasoning]' };
}
