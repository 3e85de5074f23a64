// Fencing judged text: a boundary the text under evaluation cannot contain, so it cannot close the
// fence and speak to the judge as the rubric. The boundary is a hash of the fenced text itself: to
// hold it, a reply would have to contain a digest of its own bytes, which no model (or attacker)
// can write; and, unlike a random one, the same judged text gives the same prompt, so a re-run's
// judge calls are served from the response cache instead of being paid for again.
import { createHash } from 'node:crypto';
import type { Message } from '../../core/index.js';

export function fence(sections: { label: string; text: string }[], boundary = boundaryFor(sections)): string {
  return sections
    .map(
      (s) =>
        `${s.label}:\n${boundary}\n${defuseControlTokens(s.text.split(boundary).join('[boundary removed]'))}\n${boundary}`,
    )
    .join('\n\n');
}

/** Chat-template control tokens written as text: ChatML's `<|im_end|>`, Llama 3's `<|eot_id|>` and
 * `<|start_header_id|>`, Gemma's `<end_of_turn>` and `<|turn>`, DeepSeek's `<｜Assistant｜>`, `</s>`,
 * Mistral's `[INST]`. A model served by vLLM, SGLang, TGI or Ollama tokenizes the rendered chat
 * template with them recognised, message content included, so one in judged text is a real end of
 * turn: it closes the judge's user turn, fence and all, and can open a forged assistant turn holding
 * a verdict. */
const CONTROL_TOKEN =
  /<(?=[|｜][^<>\n]{1,40}>|[^<>\n|｜]{1,40}[|｜]>)([^<>\n]{1,42})>|<(\/?\s*(?:s|start_of_turn|end_of_turn|bos|eos))>|\[(\/?\s*(?:INST|SYSTEM_PROMPT|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS|THINK))\]/gi;

/** `text` with every control-token look-alike bracketed as ‹…›, which reads the same to a model and
 * matches no token. */
export function defuseControlTokens(text: string): string {
  return text.replace(
    CONTROL_TOKEN,
    (_, bars?: string, tag?: string, square?: string) => `‹${bars ?? tag ?? square}›`,
  );
}

/** `BOUNDARY-` and 16 hex digits of sha256 over the sections' labels and texts. */
export function boundaryFor(sections: { label: string; text: string }[]): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(sections.map((s) => [s.label, s.text])))
    .digest('hex');
  return `BOUNDARY-${digest.slice(0, 16)}`;
}

export function transcriptText(messages: Message[]): string {
  return messages.map((m) => `[${m.role}] ${m.content}`).join('\n');
}
