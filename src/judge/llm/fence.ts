// Fencing judged text: a fresh random boundary per prompt, so text under evaluation cannot close the
// fence and speak to the judge as the rubric (it cannot guess the boundary).
import type { Message } from '../../core/index.js';
import { randomBoundary } from '../text.js';

export function fence(sections: { label: string; text: string }[], boundary = randomBoundary()): string {
  return sections
    .map((s) => `${s.label}:\n${boundary}\n${s.text.split(boundary).join('[boundary removed]')}\n${boundary}`)
    .join('\n\n');
}

export function transcriptText(messages: Message[]): string {
  return messages.map((m) => `[${m.role}] ${m.content}`).join('\n');
}
