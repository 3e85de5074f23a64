// OpenAI-compatible chat completions through the official `openai` client: OpenAI, Azure OpenAI,
// vLLM, Ollama, llama.cpp server, LM Studio — anything that speaks /v1/chat/completions. The
// client's own retries are off (`maxRetries: 0`): withRetry does them, so they are observable.
import OpenAI from 'openai';
import type { OpenAITargetConfig } from '../config/index.js';
import {
  type ChatOptions,
  type FinishReason,
  type Message,
  type Reply,
  type Target,
  TargetError,
} from '../core/index.js';
import { toTargetError } from './errors.js';

export function openaiTargetId(cfg: Pick<OpenAITargetConfig, 'model' | 'baseURL'>): string {
  return `openai:${cfg.model}@${cfg.baseURL ?? 'https://api.openai.com/v1'}`;
}

export function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'end_turn':
    case 'stop_sequence':
    case 'eos':
      return 'stop';
    case 'length':
    case 'max_tokens':
      return 'length';
    case 'content_filter':
    case 'refusal':
    case 'safety':
      return 'content_filter';
    default:
      return 'other';
  }
}

export function createOpenAITarget(cfg: OpenAITargetConfig, id = openaiTargetId(cfg)): Target {
  const client = new OpenAI({
    // Local servers need no key, but the client insists on one: send a placeholder.
    apiKey: cfg.apiKey || process.env.OPENAI_API_KEY || 'no-key',
    baseURL: cfg.baseURL,
    organization: cfg.organization,
    defaultHeaders: cfg.headers,
    maxRetries: 0,
    // withTimeout enforces the real deadline; this is a backstop for a caller without wrappers.
    timeout: cfg.timeoutMs + 5_000,
  });

  return {
    id,
    async chat(messages: Message[], options: ChatOptions = {}): Promise<Reply> {
      const started = performance.now();
      const body = {
        model: cfg.model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        temperature: options.temperature ?? cfg.temperature,
        top_p: options.topP,
        max_tokens: options.maxTokens ?? cfg.maxTokens,
        stop: options.stop,
        seed: options.seed,
      };
      try {
        let text: string;
        let finish: string | null | undefined;
        let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined | null;
        let model: string | undefined;
        if (cfg.stream) {
          const stream = await client.chat.completions.create(
            { ...body, stream: true, stream_options: { include_usage: true } },
            { signal: options.signal },
          );
          text = '';
          for await (const chunk of stream) {
            model ??= chunk.model;
            const choice = chunk.choices?.[0];
            if (choice?.delta?.content) text += choice.delta.content;
            if (choice?.finish_reason) finish = choice.finish_reason;
            if (chunk.usage) usage = chunk.usage;
          }
          if (finish === undefined) {
            throw new TargetError(`${id}: stream ended without a finish reason`, 'malformed');
          }
        } else {
          const completion = await client.chat.completions.create(body, { signal: options.signal });
          if (!completion || typeof completion !== 'object' || !Array.isArray(completion.choices)) {
            throw new TargetError(`${id}: reply has no choices`, 'malformed');
          }
          const choice = completion.choices[0];
          if (!choice) throw new TargetError(`${id}: reply has no choices`, 'malformed');
          const msg = choice.message as { content?: string | null; refusal?: string | null } | undefined;
          text = msg?.content ?? msg?.refusal ?? '';
          finish = choice.finish_reason;
          usage = completion.usage;
          model = completion.model;
        }
        const finishReason = mapFinishReason(finish);
        // A provider-side filter is a recorded outcome, even with no text; an empty answer otherwise
        // is a failed request (retryable), never a "safe" reply.
        if (text.trim() === '' && finishReason !== 'content_filter') {
          throw new TargetError(`${id}: empty reply (finish reason ${finish ?? 'none'})`, 'empty');
        }
        return {
          text,
          finishReason,
          usage: {
            promptTokens: usage?.prompt_tokens ?? 0,
            completionTokens: usage?.completion_tokens ?? 0,
          },
          latencyMs: Math.round(performance.now() - started),
          ...(model ? { model } : {}),
        };
      } catch (err) {
        throw toTargetError(err, id);
      }
    },
  };
}
