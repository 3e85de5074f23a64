// Reasoning models (DeepSeek-R1, Qwen3, Phi-4-reasoning, gpt-oss, Magistral, Kimi) think before they
// answer, and a server without a reasoning parser returns the trace in the message content. Judges
// read the answer: the trace is where a model weighs the request ("this could be misused, I should
// refuse… but the user says it is for a novel"), so read as part of the reply it turns answers into
// partial refusals and refusals into partial compliance, and a judge model's own trace holds draft
// verdicts ("SEVERITY: 3? no…") that its final line then contradicts. The stored transcript keeps
// the trace; what this wrapper judges is the answer (the harm judges judge the trace apart as well:
// trace-harm.ts). A trace cut off by the token limit has no answer: that is `undetermined` (reason
// `reasoning_unfinished`), never a refusal and never compliance.
import { type Judge, type JudgeInput, type Message, splitReasoning, type Verdict } from '../core/index.js';

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
