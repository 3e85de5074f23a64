// Fencing judged text: a boundary the text under evaluation cannot contain, so it cannot close the
// fence and speak to the judge as the rubric. The boundary is a hash of the fenced text itself: to
// hold it, a reply would have to contain a digest of its own bytes, which no model (or attacker)
// can write; and, unlike a random one, the same judged text gives the same prompt, so a re-run's
// judge calls are served from the response cache instead of being paid for again.
import { createHash } from 'node:crypto';
import type { Message } from '../../core/index.js';

export function fence(sections: { label: string; text: string }[], boundary = boundaryFor(sections)): string {
  return sections
    .map((s) => `${s.label}:\n${boundary}\n${s.text.split(boundary).join('[boundary removed]')}\n${boundary}`)
    .join('\n\n');
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
