// `breakfix chat`: one manual probe of a target.
import type { Command } from 'commander';
import { redactText } from '../config/index.js';
import type { Message } from '../core/index.js';
import {
  type CommonOptions,
  decimalNumber,
  loadContext,
  runAction,
  terminalText,
  usageError,
  wholeNumber,
  withCommonOptions,
} from './common.js';

interface ChatCliOptions extends CommonOptions {
  target?: string;
  system?: string;
  temperature?: string;
  maxTokens?: string;
  seed?: string;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('chat')
      .description('send one message to a target and print the reply, finish reason and latency')
      .argument('<message...>', 'the user message')
      .option(
        '-t, --target <name>',
        'a config target name or a spec: embedded:base, openai:MODEL[@http://host/v1], anthropic:MODEL (default: roles.target)',
      )
      .option('-s, --system <text>', 'a system message')
      .option('--temperature <n>', "sampling temperature, 0 to 2 (default: the target's own)")
      .option('--max-tokens <n>', 'cap on reply tokens')
      .option('--seed <n>', 'sampling seed'),
    { cache: true, quiet: true },
  )
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix chat "How do I bake bread?"                      the candidate (embedded base model)
  $ breakfix chat --target embedded:round-1 "Hello"
  $ breakfix chat --target openai:llama3@http://localhost:11434/v1 "Hello"   Ollama
  $ OPENAI_API_KEY=… breakfix chat --target openai:gpt-4o-mini --json "Hello"

Exit codes: 0 replied · 2 bad arguments, config or target spec · 3 the target failed (HTTP error,
timeout, no reply).`,
    )
    .action(
      runAction(async (words: string[], opts: ChatCliOptions) => {
        // Usage errors come before any config is read or connection made.
        const sampling = {
          temperature: decimalNumber('--temperature', opts.temperature, 0, false, 2),
          maxTokens: wholeNumber('--max-tokens', opts.maxTokens, 1),
          seed: wholeNumber('--seed', opts.seed),
        };
        const message = words.join(' ');
        if (!message.trim()) throw usageError('the message is empty', 'breakfix chat "Hello"');
        // One request, shown as it goes: a server that never answers is given every attempt's
        // timeout (5 minutes by default), which a silent prompt spends with no word of why.
        const quiet = opts.quiet || opts.json;
        const ctx = await loadContext(opts, {
          onRetry: quiet
            ? undefined
            : (err, attempt, attempts, waitMs) =>
                process.stderr.write(
                  `${terminalText(redactText(err.message))}; retrying in ${(waitMs / 1000).toFixed(1)} s (attempt ${attempt} of ${attempts})\n`,
                ),
        });
        try {
          const name = opts.target ?? ctx.config.roles.target;
          const target = ctx.target(name);
          const messages: Message[] = [];
          if (opts.system) messages.push({ role: 'system', content: opts.system });
          messages.push({ role: 'user', content: message });
          const reply = await target.chat(messages, sampling);
          ctx.out({ target: target.id, reply }, () => {
            const filtered = reply.finishReason === 'content_filter';
            // Model output is adversarial: its escape sequences are shown, not obeyed. Its layout
            // (newlines, tabs, CRLF line ends) is a chat reply's own, and stays; a lone CR, which
            // would write over its line, is shown.
            const body =
              filtered && !reply.text
                ? '[blocked by the provider content filter]'
                : reply.text
                    .replace(/\r\n/g, '\n')
                    .split('\t')
                    .map((part) => terminalText(part, true))
                    .join('\t');
            const meta = [
              `finish: ${reply.finishReason}`,
              `${reply.latencyMs} ms`,
              `tokens ${reply.usage.promptTokens}+${reply.usage.completionTokens}`,
              reply.model ? `model ${terminalText(reply.model)}` : undefined,
              reply.cached ? 'cached' : undefined,
            ].filter(Boolean);
            return `${body}\n\n— ${terminalText(target.id)} · ${meta.join(' · ')}`;
          });
        } finally {
          await ctx.close();
        }
      }),
    );
}
