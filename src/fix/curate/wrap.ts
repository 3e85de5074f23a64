// Puts a plain request into the wrappers of a technique chain (converters, then a jailbreak
// template), built exactly as the red team builds them, so fix data looks like the attack that
// worked: a benign look-alike in the same wrapper teaches that the wrapper is not what makes a
// request harmful.
import { buildMessages, getConverter, getTemplate } from '../../break/index.js';
import type { Message, Rng, Target } from '../../core/index.js';

export interface WrapResult {
  messages: Message[];
  /** Chain ids that were applied (attack names such as `crescendo` are not wrappers). */
  applied: string[];
}

/** The held-back jailbreak template in a chain, if any. The held-back jailbreak suite measures how
 * far a fix reaches to wrappers nothing trained on, so no fix data is wrapped in one: a red team run
 * on the held-back split (`redteam --split heldback`) finds its vulnerabilities in them, and curate
 * had put train-split seeds in those wrappers. */
export function heldBackTemplate(techniques: readonly string[]): string | undefined {
  return techniques.find((id) => getTemplate(id)?.split === 'heldback');
}

/** Renders `text` through `techniques`; ids that are neither a converter nor a template are skipped.
 * `shots`: a many-shot template's faux exchanges, as many as the red team's many_shot attack sent.
 * With `attacker`, `translate` is the attacker model's (as in the red team's translate attack: a
 * language the offline phrase tables lack would leave the text as it was). */
export async function wrapRequest(
  text: string,
  techniques: string[],
  opts: { rng: Rng; language: string; sourceLanguage: string; attacker?: Target; shots?: number },
): Promise<WrapResult> {
  const known = techniques.filter((id) => getConverter(id) || getTemplate(id));
  // A seed already in the target language needs no translation.
  const applied = known.filter((id) => !(id === 'translate' && opts.sourceLanguage === opts.language));
  const templates = applied.filter((id) => getTemplate(id));
  // A chain holds at most one template; keep the last (the outermost wrapper).
  const chain = applied.filter((id) => !getTemplate(id) || id === templates[templates.length - 1]);
  const messages = await buildMessages(text, chain, {
    rng: opts.rng,
    language: opts.language,
    ...(opts.attacker ? { attacker: opts.attacker } : {}),
    ...(opts.shots ? { shots: opts.shots } : {}),
  });
  return { messages, applied: chain };
}
