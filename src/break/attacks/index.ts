// The attack registry.
import { createSearchAttack } from '../search.js';
import { chainAttack } from './chain.js';
import { crescendoAttack } from './crescendo.js';
import { directAttack } from './direct.js';
import { manyShotAttack } from './many-shot.js';
import { pairAttack } from './pair.js';
import { simulatedAttack } from './simulated.js';
import { tapAttack } from './tap.js';
import type { Attack } from './types.js';

export { AttackerError, askAttacker, extractJson, fenced } from './attacker.js';
export { MAX_BACKTRACKS, MAX_TURNS, openingQuestions, scriptedAngles } from './crescendo.js';
export { buildMessages, languageName, splitTechniques, translateWithLlm } from './prompt.js';
export { type ReplayOptions, replayAttack } from './replay.js';
export { backTranslationOf, deriveScore, type Judged, Session } from './session.js';
export * from './types.js';
export { chainAttack, crescendoAttack, directAttack, manyShotAttack, pairAttack, simulatedAttack, tapAttack };

export const ATTACKS: Attack[] = [
  directAttack,
  chainAttack,
  manyShotAttack,
  crescendoAttack,
  pairAttack,
  tapAttack,
  simulatedAttack,
  createSearchAttack(),
];

export function getAttack(id: string): Attack | undefined {
  return ATTACKS.find((a) => a.id === id);
}
