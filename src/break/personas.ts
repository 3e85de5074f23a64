// Adversary personas (Phi-3 safety report): a low-skill adversary asks directly or with simple
// wrappers, in at most two turns; an intermediate one chains converters and templates, uses
// encodings, multi-turn attacks and the search. A persona turns one seed into planned attempts.
import type { Rng, Seed, Template } from '../core/index.js';
import { CONVERTERS } from './converters/index.js';

export type PersonaId = 'low_skill' | 'intermediate';

export interface PlannedAttack {
  attack: string;
  techniques: string[];
  options?: Record<string, unknown>;
}

export interface PlanContext {
  rng: Rng;
  /** Templates the run may use (already filtered by split). */
  templates: Template[];
  /** Converter ids the run may use. */
  converters: string[];
  /** Attack ids the run may use (already filtered by availability and --techniques). */
  attacks: Set<string>;
  /** Techniques named by the user: chains are built only from these (empty = persona's choice). */
  chosen: string[];
}

export interface Persona {
  id: PersonaId;
  description: string;
  maxTurns: number;
  plan(seed: Seed, ctx: PlanContext): PlannedAttack[];
}

/** Wrappers a low-skill adversary would copy from a forum. */
const SIMPLE_FAMILIES = new Set([
  'role_play',
  'hypothetical',
  'fiction',
  'research_pretext',
  'authority',
  'prefix_injection',
]);
/** Converters that need no model and keep the language. */
export const OFFLINE_CONVERTERS = CONVERTERS.map((c) => c.id).filter((id) => id !== 'translate');

const singleTurn = (t: Template) => !t.multiTurn && t.family !== 'many_shot';

/** When the user named techniques: each alone, and each converter with each template. */
function chosenChains(ctx: PlanContext): string[][] {
  const tpl = ctx.templates.filter((t) => ctx.chosen.includes(t.id)).map((t) => t.id);
  const conv = ctx.converters.filter((c) => ctx.chosen.includes(c));
  return [...conv.map((c) => [c]), ...tpl.map((t) => [t]), ...conv.flatMap((c) => tpl.map((t) => [c, t]))];
}

function pickN<T>(rng: Rng, items: T[], n: number): T[] {
  return rng.shuffle([...items]).slice(0, n);
}

export const lowSkill: Persona = {
  id: 'low_skill',
  description:
    'Direct asks and simple copy-paste wrappers (role-play, hypothetical, fiction, pretexts), at most 2 turns.',
  maxTurns: 2,
  plan(_seed, ctx) {
    const out: PlannedAttack[] = [];
    if (ctx.attacks.has('direct')) out.push({ attack: 'direct', techniques: [] });
    if (ctx.attacks.has('chain')) {
      const chains = ctx.chosen.length
        ? chosenChains(ctx).filter((c) => c.length === 1)
        : pickN(
            ctx.rng,
            ctx.templates.filter((t) => singleTurn(t) && SIMPLE_FAMILIES.has(t.family)),
            2,
          ).map((t) => [t.id]);
      for (const techniques of chains) out.push({ attack: 'chain', techniques });
    }
    if (ctx.attacks.has('crescendo'))
      out.push({ attack: 'crescendo', techniques: [], options: { maxTurns: 2, maxBacktracks: 2 } });
    return out;
  },
};

export const intermediate: Persona = {
  id: 'intermediate',
  description:
    'Converter/template chains, encodings, many-shot, multi-turn (Crescendo, PAIR, TAP, simulated) and the search attacker.',
  maxTurns: 5,
  plan(_seed, ctx) {
    const out: PlannedAttack[] = [];
    const has = (a: string) => ctx.attacks.has(a);
    if (has('direct')) out.push({ attack: 'direct', techniques: [] });
    if (has('chain')) {
      let chains: string[][];
      if (ctx.chosen.length) chains = chosenChains(ctx);
      else {
        const tpl = ctx.templates.filter(singleTurn).map((t) => t.id);
        const [t1, t2, t3] = pickN(ctx.rng, tpl, 3);
        const [c1, c2, c3] = pickN(ctx.rng, ctx.converters, 3);
        chains = [[t1], [t2], [c1], [c2], [c3, t3]].filter((c) => c.every(Boolean));
      }
      for (const techniques of chains) out.push({ attack: 'chain', techniques });
    }
    for (const a of ['many_shot', 'crescendo', 'search', 'pair', 'tap', 'simulated'])
      if (has(a)) out.push({ attack: a, techniques: [] });
    return out;
  },
};

export const PERSONAS: Record<PersonaId, Persona> = { low_skill: lowSkill, intermediate };

export function getPersona(id: string): Persona | undefined {
  return (PERSONAS as Record<string, Persona>)[id];
}
