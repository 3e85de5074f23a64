// Anthropic Messages API through the official client. System messages go in `system`; a `refusal`
// stop reason is a provider-side refusal (finishReason content_filter), not an error. With
// `thinkingTokens`, extended thinking is on and its text comes back as a `<think>` trace in front of
// the answer (core/reasoning.ts), so the harm judges read it as they read any model's trace.
import type Anthropic from '@anthropic-ai/sdk';
import { type AnthropicTargetConfig, redactURL, registerURLSecrets } from '../config/index.js';
import {
  type ChatOptions,
  type Message,
  type Reply,
  type Target,
  TargetError,
  withoutTrace,
  withReasoning,
} from '../core/index.js';
import { cappedFetch } from './capped-fetch.js';
import { ANTHROPIC, baseURLOf, endpointAuth } from './endpoint.js';
import { registerSdkErrors, toTargetError } from './errors.js';
import { mapFinishReason, shownReason } from './openai.js';

/** The id shown in tables, errors and the store: an endpoint other than the default (the config's
 * baseURL, or ANTHROPIC_BASE_URL, which the client obeys too) is part of it, credentials redacted. */
export function anthropicTargetId(cfg: Pick<AnthropicTargetConfig, 'model' | 'baseURL'>): string {
  const base = cfg.baseURL || process.env.ANTHROPIC_BASE_URL;
  return `anthropic:${cfg.model}${base ? `@${redactURL(base)}` : ''}`;
}

export function createAnthropicTarget(cfg: AnthropicTargetConfig, id = anthropicTargetId(cfg)): Target {
  const configuredURL = baseURLOf(cfg);
  registerURLSecrets(configuredURL);
  // A missing key is found now; the SDK is loaded when the first request is sent.
  const { url: baseURL, apiKey, basicAuth } = endpointAuth(ANTHROPIC, cfg.apiKey, configuredURL);
  let sdk: Promise<Anthropic> | undefined;
  const client = () =>
    (sdk ??= import('@anthropic-ai/sdk').then((m) => {
      registerSdkErrors(m);
      return new m.default({
        // A placeholder where no key is due: given none, the client would look for credentials itself.
        apiKey: apiKey ?? 'no-key',
        // Explicit, so the endpoint is the one the id and the cache key name, whatever the client reads.
        baseURL,
        ...(basicAuth && { defaultHeaders: { authorization: basicAuth } }),
        maxRetries: 0,
        // The SDK would log a malformed stream chunk raw to stderr; breakfix reports failures, redacted.
        logLevel: 'off',
        timeout: cfg.timeoutMs + 5_000,
        fetch: cappedFetch(id),
      });
    }));
  return {
    id,
    ready: () =>
      client().then(
        () => undefined,
        () => undefined,
      ),
    async chat(messages: Message[], options: ChatOptions = {}): Promise<Reply> {
      const started = performance.now();
      const thinking = cfg.thinkingTokens;
      const system = messages
        .filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n\n');
      try {
        const res = await (await client()).messages.create(
          {
            model: cfg.model,
            // The thinking budget counts against max_tokens: maxTokens is the answer's share.
            max_tokens: (options.maxTokens ?? cfg.maxTokens ?? 1024) + (thinking ?? 0),
            ...(system ? { system } : {}),
            // An earlier turn's thinking is not sent back (without tool use the API lets it go).
            messages: messages
              .filter((m) => m.role !== 'system')
              .map((m) => ({
                role: m.role as 'user' | 'assistant',
                content: withoutTrace(m),
              })),
            ...(options.stop ? { stop_sequences: options.stop } : {}),
            // Sampling fields are sent only when set: newer models reject some of them, and this
            // client's types no longer list them. Thinking accepts none.
            ...(thinking
              ? { thinking: { type: 'enabled', budget_tokens: thinking } }
              : sampling(options.temperature ?? cfg.temperature, options.topP)),
          } as Anthropic.MessageCreateParamsNonStreaming,
          { signal: options.signal },
        );
        const blocks = contentBlocks(id, res.content);
        const text = blocks.map((block) => (block.type === 'text' ? block.text : '')).join('');
        // Thinking the provider's safety system encrypted is kept as a marker: it was not shown.
        const trace = blocks
          .map((block) =>
            block.type === 'thinking'
              ? block.thinking
              : block.type === 'redacted_thinking'
                ? '[thinking redacted by the provider]'
                : '',
          )
          .filter(Boolean)
          .join('\n\n');
        const finishReason = mapFinishReason(res.stop_reason);
        if (text.trim() === '' && finishReason !== 'content_filter') {
          throw new TargetError(
            trace
              ? `${id}: no answer after ${trace.length} characters of thinking (stop reason ${shownReason(res.stop_reason)})${finishReason === 'length' ? '; raise maxTokens' : ''}`
              : `${id}: empty reply (stop reason ${shownReason(res.stop_reason)})`,
            'empty',
          );
        }
        return {
          // (an empty answer here is a provider refusal: recorded as such, as the OpenAI target does)
          text: text.trim() === '' ? text : withReasoning(trace, text),
          finishReason,
          usage: {
            promptTokens: res.usage?.input_tokens ?? 0,
            completionTokens: res.usage?.output_tokens ?? 0,
          },
          latencyMs: Math.round(performance.now() - started),
          model: res.model,
        };
      } catch (err) {
        throw toTargetError(err, id);
      }
    },
  };
}

/** A reply's content blocks, as the SDK's types promise them (it does not check): a text block's
 * `text` and a thinking block's `thinking` are strings. Anything else from the server (a number, an
 * object, content that is no list) is a malformed reply, never "12345" or "[object Object]" kept and
 * judged as the model's answer. */
function contentBlocks(id: string, content: unknown): Anthropic.ContentBlock[] {
  if (content === undefined || content === null) return [];
  if (!Array.isArray(content))
    throw new TargetError(`${id}: reply content is not a list of blocks`, 'malformed');
  content.forEach((block: unknown, i) => {
    const b = block as { type?: unknown; text?: unknown; thinking?: unknown } | null;
    const field = b?.type === 'text' ? 'text' : b?.type === 'thinking' ? 'thinking' : undefined;
    if (!b || typeof b !== 'object' || (field && typeof b[field] !== 'string'))
      throw new TargetError(
        `${id}: reply content block ${i}${field ? ` (${field})` : ''} is not ${field ? `a string ${field}` : 'an object'}`,
        'malformed',
      );
  });
  return content as Anthropic.ContentBlock[];
}

function sampling(temperature?: number, topP?: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (temperature !== undefined) out.temperature = temperature;
  if (topP !== undefined) out.top_p = topP;
  return out;
}
