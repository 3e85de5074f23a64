// TAP (Mehrotra et al. 2023): a tree of attacks. Each leaf asks the attacker for `branching`
// refinements; an evaluator prunes children that drifted off the objective (yes/no) before any
// target call; the rest are sent and scored 1–10; the best `width` survive to the next depth. Stops
// at the first success or when the depth or call budget is spent. With no success, an undetermined
// answer anywhere in the tree makes the attempt undetermined (Session.decideBy 'any').
import { answerOf, type Message, type Target } from '../../core/index.js';
import { AttackerError, askAttacker, attackerChat, onTopicPrompt } from './attacker.js';
import { checkProposal, type Exchange, feedback, isWin } from './pair.js';
import { Session } from './session.js';
import type { Attack, AttackContext } from './types.js';

interface Node {
  path: Exchange[];
  score: number;
}

/** yes → on topic; no → off topic; anything else → undefined (kept, counted as evaluator error). */
export async function onTopic(
  evaluator: Target,
  objective: string,
  prompt: string,
): Promise<boolean | undefined> {
  const r = await attackerChat(evaluator, onTopicPrompt(objective, prompt), { temperature: 0 });
  const t = answerOf(r.text).trim().toLowerCase();
  if (/^\W*yes\b/.test(t)) return true;
  if (/^\W*no\b/.test(t)) return false;
  return undefined;
}

export const tapAttack: Attack = {
  id: 'tap',
  description: 'TAP: a tree of attacker refinements with off-topic pruning before target calls.',
  needsAttacker: true,
  async run(ctx: AttackContext) {
    const s = new Session(ctx);
    s.decideBy = 'any';
    const branching = Number(ctx.options?.branching ?? 3);
    const width = Number(ctx.options?.width ?? 3);
    const depth = Number(ctx.options?.depth ?? 3);
    const keep = Number(ctx.options?.keep ?? 3);
    const maxCalls = Number(ctx.options?.maxCalls ?? branching * width * depth);
    const attacker = s.attacker;
    const own = ctx.options?.evaluator as Target | undefined;
    const evaluator = own ? s.counted(own) : attacker;
    Object.assign(s.detail, {
      pruned: 0,
      evaluatorChecks: 0,
      evaluatorErrors: 0,
      attackerErrors: 0,
      depth: 0,
    });
    const bump = (k: string) => (s.detail[k] = Number(s.detail[k] ?? 0) + 1);
    return s.run([], async () => {
      if (!attacker || !evaluator) throw new Error('tap needs an attacker model (roles.attacker)');
      let frontier: Node[] = [{ path: [], score: 0 }];
      for (let d = 0; d < depth && frontier.length && !s.succeeded; d++) {
        s.detail.depth = d + 1;
        // Branch: every leaf asks for `branching` refinements.
        type Child = { node: Node; prompt: string };
        // Every branch settles before the attack goes on or ends (one failed request, a spent budget):
        // one left running would ask again after the attempt's counts were taken.
        const settled = await Promise.allSettled(
          frontier.flatMap((node) =>
            Array.from({ length: branching }, async (): Promise<Child | undefined> => {
              try {
                const p: { prompt: string } = await askAttacker(
                  attacker,
                  feedback(ctx.seed.text, node.path, keep),
                  checkProposal,
                );
                return { node, prompt: p.prompt };
              } catch (err) {
                if (err instanceof AttackerError) return void bump('attackerErrors');
                throw err;
              }
            }),
          ),
        );
        const failed = settled.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
        const proposals = settled
          .map((r) => (r.status === 'fulfilled' ? r.value : undefined))
          .filter((x): x is Child => x !== undefined);
        // Prune phase 1: off-topic children never reach the target.
        const onTopicKids: Child[] = [];
        for (const p of proposals) {
          const verdict = await onTopic(evaluator, ctx.seed.text, p.prompt);
          bump('evaluatorChecks');
          if (verdict === false) bump('pruned');
          else {
            if (verdict === undefined) bump('evaluatorErrors');
            onTopicKids.push(p);
          }
        }
        // Attack and score.
        const children: Node[] = [];
        for (const p of onTopicKids) {
          if (s.calls >= maxCalls) break;
          const j = await s.ask([{ role: 'user', content: p.prompt }], 1);
          const response = (j.transcript.at(-1) as Message).content;
          children.push({
            path: [...p.node.path, { prompt: p.prompt, response, score: j.score }],
            score: j.score ?? 0,
          });
          if (isWin(j)) return;
        }
        if (s.calls >= maxCalls) break;
        // Prune phase 2: keep the best `width`.
        frontier = children.sort((a, b) => b.score - a.score).slice(0, width);
      }
      // Nothing sent: the attacker's doing, never an undetermined answer of the target's.
      if (s.judged.length === 0 && Number(s.detail.pruned) > 0)
        s.errors.push(
          `attacker: every proposal was off topic (${s.detail.pruned} pruned, ${s.detail.attackerErrors} malformed)`,
        );
      else if (s.judged.length === 0 && Number(s.detail.attackerErrors) > 0)
        s.errors.push(`attacker: every proposal was malformed (${s.detail.attackerErrors} attacker errors)`);
    });
  },
};
