// Helpers for judge/bench tests: an OpenAI-compatible target pointed at the SCRIPTED FAKE server.
import { openaiTargetSchema } from '../../src/config/index.js';
import type { Target } from '../../src/core/index.js';
import { createOpenAITarget } from '../../src/targets/index.js';

export function fakeTarget(url: string, model = 'fake-judge', timeoutMs = 5_000): Target {
  return createOpenAITarget(openaiTargetSchema.parse({ type: 'openai', baseURL: url, model, timeoutMs }));
}
