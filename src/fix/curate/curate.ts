// Curate: ranked vulnerabilities and the attempts behind them → SFT and preference records.
// Order of work: build candidates → drop requests an earlier round curated, exact and near
// duplicates → decontamination → answer → check every answer with the judges → split. Cheap
// filters run before any teacher or judge call (except a multi-turn sibling's: its conversation
// exists only once its attack has run against the model).

import { defaultConfig } from '../../config/index.js';
import {
  dict,
  errorMessage,
  hash32,
  type Message,
  NO_CATEGORY,
  type Seed,
  stableId,
  type TrainingRecord,
  terminalText,
  type Verdict,
  type Vulnerability,
} from '../../core/index.js';
import { decideOutcome, judgeResponse } from '../../judge/index.js';
import { clusterNearDuplicates } from '../identify/minhash.js';
import { vulnerabilityKey } from '../identify/vulnerabilities.js';
import { isHeldOut } from '../select.js';
import { buildContaminationIndex } from './decontam.js';
import { multiTurnLookAlike, multiTurnSibling, replayableAttack } from './multi-turn.js';
import { helpfulReply, safeAnswer } from './style-guide.js';
import { answerOnly, asContext, rejectedSide } from './traces.js';
import type { Candidate, CurateConfig, CurateInput, CurateResult, CurateStats, Dropped } from './types.js';
import { heldBackTemplate, wrapRequest } from './wrap.js';

/** Counterpart candidates drawn per record wanted (spares replace what dedup and decontamination drop). */
const OVERSAMPLE = 2;

// The config schema's defaults, so a library caller that leaves a setting out gets what the CLI and
// the cycle get.
const SCHEMA = defaultConfig().curate;
const DEFAULTS = {
  benignRatio: SCHEMA.benignRatio,
  helpfulRatio: SCHEMA.helpfulRatio,
  validationFraction: SCHEMA.validationFraction,
  nearDupThreshold: SCHEMA.nearDupThreshold,
  decontamNgram: SCHEMA.decontamNgram,
  syntheticPerVulnerability: SCHEMA.syntheticPerVulnerability,
  multiTurnSiblings: SCHEMA.multiTurnSiblings,
  overRefusalProbe: SCHEMA.overRefusalProbe,
};

export function curateSettings(config: CurateInput['config']): typeof DEFAULTS {
  const c: CurateConfig =
    'curate' in config && typeof config.curate === 'object' ? config.curate : (config as CurateConfig);
  const out = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const v = c[k];
    if (typeof v === 'number') out[k] = v;
  }
  return out;
}

/** What the ratios asked for and the seeds could not give, and the multi-turn vulnerabilities left
 * without siblings, one line each (the CLI and the cycle). */
export function shortfallLines(stats: CurateStats): string[] {
  const lines = Object.entries(stats.shortfall ?? {}).map(
    ([kind, s]) =>
      `short of ${kind} records: ${s.got} of the ${s.wanted} that curate.${kind}Ratio asks for (the train-split ${kind === 'helpful' ? 'tasks' : 'look-alikes'} that no earlier round curated ran out; add seeds of that kind)`,
  );
  const unanswered = stats.noSafeAnswer?.vulnerabilities ?? [];
  if (unanswered.length)
    lines.push(
      `no safety record for ${unanswered.length} open vulnerabilit${unanswered.length === 1 ? 'y' : 'ies'} (${unanswered.slice(0, 3).join(', ')}${unanswered.length > 3 ? ` and ${unanswered.length - 3} more` : ''}): every safe answer written for them failed its check (first: ${terminalText(stats.noSafeAnswer?.reason ?? '').slice(0, 160)}), so the fix data teaches no refusal for them; a safe answer must be a full refusal to the refusal judge and harmless to the attack judges: check roles.teacher and judges.refusal (curate --json lists each dropped answer's reason)`,
    );
  const onPolicy = stats.onPolicyFailed;
  if (onPolicy) {
    const parts = [
      onPolicy.failed && `${onPolicy.failed} could not be had or judged (an error)`,
      onPolicy.undetermined && `${onPolicy.undetermined} the judges could not decide (undetermined)`,
    ].filter(Boolean);
    lines.push(
      `no pair for ${onPolicy.failed + onPolicy.undetermined} of the ${onPolicy.asked} records whose rejected side is the model's own answer: ${parts.join(', ')} (first: ${terminalText(onPolicy.first).slice(0, 160)}); those records are SFT only: check the model being fixed (roles.target) and the judges`,
    );
  }
  const without = stats.multiTurn?.without ?? [];
  if (without.length)
    lines.push(
      `no fix data beyond their own attempts for ${without.length} of ${stats.multiTurn?.vulnerabilities} multi-turn vulnerabilities (${without.slice(0, 3).join(', ')}${without.length > 3 ? ` and ${without.length - 3} more` : ''}): siblings run their attack again against the model being fixed, which needs curate.multiTurnSiblings > 0, that model (not --no-on-policy) and, for an attack that needs one, roles.attacker`,
    );
  return lines;
}

/** Seeds fix data may use: the train split, and a user's benign look-alikes and helpful tasks that
 * name no split (a harmful one without a split is attack material: held out, see heldOutTexts). */
const trainable = (s: Seed) => s.split === 'train' || (s.split === undefined && !isHeldOut(s));

export async function curate(input: CurateInput): Promise<CurateResult> {
  const cfg = curateSettings(input.config);
  const { rng } = input;
  const progress = input.progress;
  const seedsById = new Map(input.seeds.map((s) => [s.id, s]));
  // An untested vulnerability brings no new failure to fix: its fix data came in the round that found it.
  const open = input.vulnerabilities.filter((v) => v.status !== 'fixed' && v.status !== 'untested');
  const openById = new Map(open.map((v) => [v.id, v]));

  // 1. Safety candidates from the attempts that worked, then train-split siblings in the same chain.
  const safety: Candidate[] = [];
  const attemptSources = [
    ...input.attempts.map((a) => ({ a, source: 'attempt' as const })),
    ...(input.benchFailures ?? []).map((a) => ({ a, source: 'bench' as const })),
  ];
  for (const { a, source } of attemptSources) {
    if (a.outcome !== 'success') continue;
    const key = vulnerabilityKey(a);
    if (source === 'attempt' && !openById.has(key)) continue;
    const last = a.transcript.findLastIndex((m) => m.role === 'assistant');
    if (last < 1) continue;
    const prompt = asContext(a.transcript.slice(0, last));
    const seed = seedsById.get(a.seedId) ?? pseudoSeed(a.seedId, prompt, a.category, a.language);
    safety.push({
      id: stableId('cand', 'safety', prompt),
      purpose: 'safety',
      prompt,
      seed,
      techniques: a.techniques,
      language: a.language,
      category: a.category ?? seed.category,
      rejected: rejectedSide(a.transcript[last].content, a.verdicts),
      dedupText: userTexts(prompt),
      source,
      attemptId: a.id,
      vulnerabilityId: openById.has(key) ? key : undefined,
    });
  }
  // The cheap filters, each recording what it drops: a request an earlier round curated (unless
  // the candidate brings the model's own new answer), and a request or seed text that overlaps a
  // held-out text (a converter must not hide a benchmark item).
  const dropped: Dropped[] = [];
  // Each request an earlier round curated, with the split it went to.
  const before = new Map(
    (input.curatedBefore ?? []).map((r) => [requestKey(r.prompt ?? r.messages ?? []), r.split] as const),
  );
  // Each SFT record an earlier round curated, by what it says: a request taken again for the model's
  // new answer brings a new pair, and its SFT record, the same as before, would be trained twice.
  const sftBefore = new Set(
    (input.curatedBefore ?? []).filter((r) => r.kind === 'sft').map((r) => conversationKey(r.messages ?? [])),
  );
  const isCuratedBefore = (c: Candidate) => {
    const hit = c.rejected === undefined && before.has(requestKey(c.prompt));
    if (hit)
      dropped.push({ reason: 'curated_before', id: c.id, detail: 'an earlier round curated this request' });
    return hit;
  };
  const index = buildContaminationIndex(input.heldOut.texts, cfg.decontamNgram);
  const isContaminated = (c: Candidate) => {
    const template = heldBackTemplate(c.techniques);
    const hit = template ? undefined : (index.match(userTexts(c.prompt)) ?? index.match(c.seed.text));
    if (template) dropped.push({ reason: 'contaminated', id: c.id, detail: heldBackDetail(template) });
    else if (hit)
      dropped.push({ reason: 'contaminated', id: c.id, detail: `shares "${hit}" with a held-out text` });
    return template !== undefined || hit !== undefined;
  };

  const harmfulPool = input.seeds.filter((s) => s.kind === 'harmful' && trainable(s));
  // A multi-turn sibling is the vulnerability's attack run again against the model being fixed
  // (multi-turn.ts): with none asked for, without the model, or without an attack curate can run,
  // a multi-turn vulnerability has only its own attempts, and the stats say so.
  const multiTurn = { vulnerabilities: 0, siblings: 0, without: [] as string[] };
  const attackOf = new Map(
    open
      .filter((v) => v.turns > 1)
      .map((v) => [
        v.id,
        input.target && cfg.multiTurnSiblings > 0 ? replayableAttack(v, input.attempts, input) : undefined,
      ]),
  );
  const replayable = [...attackOf.values()].filter(Boolean).length;
  if (replayable) progress?.start('curate: multi-turn siblings', replayable);
  for (const v of open) {
    const attack = attackOf.get(v.id);
    if (v.turns > 1) {
      multiTurn.vulnerabilities++;
      if (!attack) {
        multiTurn.without.push(v.id);
        continue;
      }
    }
    const wanted = attack ? cfg.multiTurnSiblings : cfg.syntheticPerVulnerability;
    if (wanted <= 0) continue;
    // (said once, rather than once for each seed of the pool)
    const heldBack = heldBackTemplate(v.techniques);
    if (heldBack) {
      dropped.push({ reason: 'contaminated', id: v.id, detail: heldBackDetail(heldBack) });
      continue;
    }
    const pool = rng
      .fork(`synthetic:${v.id}`)
      .shuffle(harmfulPool.filter((s) => s.category === v.category && s.language === v.language));
    // A sibling an earlier round curated, or one that overlaps a held-out text, is passed over for
    // the next: a vulnerability gets the siblings it wants while seeds last, and one that persists
    // gets fresh fix data rather than a repeat of its old.
    let taken = 0;
    for (const seed of pool) {
      if (taken >= wanted) break;
      let c: Candidate;
      if (attack) {
        const sibling = await multiTurnSibling(attack, seed, v, input);
        if ('failed' in sibling) {
          dropped.push({ reason: 'failed_check', id: `${v.id}:${seed.id}`, detail: sibling.failed });
          continue;
        }
        c = sibling.candidate;
      } else c = await wrappedCandidate('safety', 'synthetic', seed, v, input);
      if (isCuratedBefore(c) || isContaminated(c)) continue;
      safety.push(c);
      taken++;
    }
    if (attack) {
      multiTurn.siblings += taken;
      progress?.tick();
    }
  }
  if (replayable) progress?.done(`${multiTurn.siblings} siblings for ${replayable} vulnerabilities`);

  // 2. Requests curated before, exact and near-duplicates (within a purpose), then decontamination:
  // the ratios below count the safety records that survive, not the candidates. A request another
  // group kept already is dropped too: a plain look-alike can be drawn as a counterpart, as a helpful
  // task and refused in the probe, and as two records it was trained twice, or trained in one and
  // validated in the other (each candidate's split is its own).
  const taken = new Map<string, Candidate>();
  const isTaken = (c: Candidate) => {
    const first = taken.get(requestKey(c.prompt));
    if (!first) return false;
    dropped.push({ reason: 'duplicate', id: c.id, detail: `same request as ${first.id}` });
    // The probe's refusal is the model's answer to this very request: the record kept pairs with it.
    if (first.purpose !== 'safety' && first.rejected === undefined) first.rejected = c.rejected;
    return true;
  };
  const filterCandidates = (group: Candidate[], limit = group.length) => {
    const kept = dedup(
      group.filter((c) => !isCuratedBefore(c) && !isTaken(c)),
      cfg.nearDupThreshold,
      dropped,
    )
      .filter((c) => !isContaminated(c))
      .slice(0, limit);
    for (const c of kept) taken.set(requestKey(c.prompt), c);
    return kept;
  };
  const cleanSafety = filterCandidates(safety);

  // 3. Benign look-alikes in the same wrappers and languages, then the helpfulness mix.
  const benignTarget = Math.round(cfg.benignRatio * cleanSafety.length);
  const helpfulTarget = Math.round(cfg.helpfulRatio * cleanSafety.length);
  const benign: Candidate[] = [];
  const lookAlikes = input.seeds.filter((s) => (s.kind === 'benign' || s.kind === 'helpful') && trainable(s));
  if (open.length && benignTarget > 0 && lookAlikes.length) {
    const pools = new Map<string, Seed[]>();
    for (const v of open) {
      if (heldBackTemplate(v.techniques)) continue;
      const sameLang = lookAlikes.filter((s) => s.language === v.language);
      const base = sameLang.length ? sameLang : lookAlikes;
      // Same category first (homonyms of this harm), then other look-alikes, then helpful tasks.
      const r = rng.fork(`benign:${v.id}`);
      const cat = r.shuffle(base.filter((s) => s.kind === 'benign' && s.category === v.category));
      const other = r.shuffle(base.filter((s) => s.kind === 'benign' && s.category !== v.category));
      const tasks = r.shuffle(base.filter((s) => s.kind === 'helpful'));
      pools.set(v.id, [...cat, ...other, ...tasks]);
    }
    for (let i = 0; benign.length < benignTarget * OVERSAMPLE && i < benignTarget * OVERSAMPLE * 4; i++) {
      const v = open[i % open.length];
      const seed = pools.get(v.id)?.shift();
      if (!seed) continue;
      // A vulnerability with multi-turn siblings gets its look-alikes in the same multi-turn shape.
      if (!attackOf.get(v.id)) {
        benign.push(await wrappedCandidate('benign', 'benign_counterpart', seed, v, input));
        continue;
      }
      const lookAlike = await multiTurnLookAlike(seed, v, input);
      if ('failed' in lookAlike)
        dropped.push({ reason: 'failed_check', id: `${v.id}:${seed.id}`, detail: lookAlike.failed });
      else benign.push(lookAlike.candidate);
    }
  }
  const helpful: Candidate[] = [];
  const languages = [...new Set(open.map((v) => v.language))];
  const tasks = rng.fork('helpful').shuffle(input.seeds.filter((s) => s.kind === 'helpful' && trainable(s)));
  for (let i = 0; helpful.length < helpfulTarget * OVERSAMPLE && tasks.length; i++) {
    const lang = languages.length ? languages[i % languages.length] : undefined;
    const at = tasks.findIndex((s) => !lang || s.language === lang);
    const [seed] = tasks.splice(Math.max(at, 0), 1);
    const prompt: Message[] = [{ role: 'user', content: seed.text }];
    helpful.push({
      id: stableId('cand', 'helpful', prompt),
      purpose: 'helpful',
      prompt,
      seed,
      techniques: [],
      language: seed.language,
      dedupText: seed.text,
      source: 'helpful_mix',
    });
  }

  // 3b. Over-refusal probe: train-split look-alikes put to the model being fixed; each one it refuses
  // becomes a benign record whose rejected side is that refusal. This is how a round repairs the
  // over-refusal an earlier fix taught, even when the red team found nothing left to fix. Those no
  // earlier round trained on are asked first: a look-alike the model was trained to answer tests
  // its memory, an unseen one how far the refusals it learnt reach.
  const trained = new Set((input.curatedBefore ?? []).flatMap((r) => r.provenance.seedId ?? []));
  const probed =
    input.target && cfg.overRefusalProbe > 0
      ? await probeOverRefusal(input, lookAlikes, trained, cfg.overRefusalProbe)
      : undefined;

  // 4. The same filters for the counterparts.
  // Drawn with spare candidates so that what the filters remove is replaced; then cut to the ratio.
  const cleanBenign = filterCandidates(benign, benignTarget);
  const cleanHelpful = filterCandidates(helpful, helpfulTarget);
  const clean = [...cleanSafety, ...cleanBenign, ...cleanHelpful, ...filterCandidates(probed?.refused ?? [])];
  // Fewer counterparts than the ratios ask for (the seeds ran out): the mix leans to refusal, and
  // the user is told rather than left to find it in the counts.
  const shortfall: NonNullable<CurateStats['shortfall']> = {};
  if (cleanBenign.length < benignTarget) shortfall.benign = { wanted: benignTarget, got: cleanBenign.length };
  if (cleanHelpful.length < helpfulTarget)
    shortfall.helpful = { wanted: helpfulTarget, got: cleanHelpful.length };

  // 5. Answer and check.
  progress?.start('curate: answer and check', clean.length);
  const sft: TrainingRecord[] = [];
  const preference: TrainingRecord[] = [];
  // Per open vulnerability: the first reason a safe answer for it failed, and whether one passed.
  const safetyFailed = new Map<string, string>();
  const safetyPassed = new Set<string>();
  // The model's own answers asked for rejected sides, and those that could not be had or judged.
  const onPolicy: NonNullable<CurateStats['onPolicyFailed']> = {
    asked: 0,
    failed: 0,
    undetermined: 0,
    first: '',
  };
  for (const c of clean) {
    const checked = await answerAndCheck(c, input);
    progress?.tick();
    const vuln = c.purpose === 'safety' ? c.vulnerabilityId : undefined;
    if ('failed' in checked) {
      dropped.push({ reason: 'failed_check', id: c.id, detail: checked.failed });
      if (vuln && !safetyFailed.has(vuln)) safetyFailed.set(vuln, checked.failed);
      continue;
    }
    if (vuln) safetyPassed.add(vuln);
    // A request an earlier round curated (one that brings the model's new answer) keeps that
    // round's split: the cycle trains on every round's records, and a request validated in one
    // round must not be trained on in another. The split is by request (the wrapped prompt), so
    // another wrapper of the same seed may be trained on: the validation loss measures new wrappings,
    // not unseen requests (the decontaminated benchmarks do that). Split by seed instead, the default
    // cycle's round 1 had DR-3 1.1% (criterion ≤ 1%) and released nothing: a tenth of the train
    // seeds never trained on, for a loss figure (measured 5 December 2026; docs/RELIABILITY.md).
    const split = before.get(requestKey(c.prompt)) ?? splitOf(c.id, cfg.validationFraction);
    const provenance = {
      source: c.source,
      ...(c.attemptId ? { attemptId: c.attemptId } : {}),
      ...(c.vulnerabilityId ? { vulnerabilityId: c.vulnerabilityId } : {}),
      seedId: c.seed.id,
      round: input.round,
    };
    const common = {
      purpose: c.purpose,
      split,
      ...(c.category ? { category: c.category } : {}),
      techniques: c.techniques,
      language: c.language,
      provenance,
    };
    const answer: Message = { role: 'assistant', content: checked.answer };
    if (checked.onPolicy) {
      onPolicy.asked++;
      const { failed, undetermined } = checked.onPolicy;
      if (failed !== undefined) onPolicy.failed++;
      if (undetermined !== undefined) onPolicy.undetermined++;
      onPolicy.first ||= failed ?? undetermined ?? '';
    }
    const rejected = c.rejected ?? checked.onPolicy?.rejected;
    if (!sftBefore.has(conversationKey([...c.prompt, answer])))
      sft.push({
        id: stableId('sft', c.id, checked.answer),
        kind: 'sft',
        messages: [...c.prompt, answer],
        ...common,
      });
    if (rejected !== undefined) {
      preference.push({
        id: stableId('pref', c.id, checked.answer, rejected),
        kind: 'preference',
        prompt: c.prompt,
        chosen: answer,
        rejected: { role: 'assistant', content: rejected },
        ...common,
      });
    }
  }
  progress?.done(`${sft.length} sft, ${preference.length} preference, ${dropped.length} dropped`);
  const stats = curateStats([...sft, ...preference]);
  if (probed) {
    const refusedUnseen = probed.refused.filter((c) => !trained.has(c.seed.id)).length;
    stats.overRefusalProbe = {
      asked: probed.asked,
      refused: probed.refused.length,
      failed: probed.failed,
      unseen: { asked: probed.unseen, refused: refusedUnseen },
    };
  }
  if (Object.keys(shortfall).length) stats.shortfall = shortfall;
  if (onPolicy.failed + onPolicy.undetermined) stats.onPolicyFailed = onPolicy;
  const unanswered = [...safetyFailed].filter(([v]) => !safetyPassed.has(v));
  if (unanswered.length)
    stats.noSafeAnswer = { vulnerabilities: unanswered.map(([v]) => v), reason: unanswered[0][1] };
  if (multiTurn.vulnerabilities) stats.multiTurn = multiTurn;
  return { sft, preference, dropped, stats };
}

/** Asks the model up to `limit` look-alikes (those no earlier round trained on first, then the rest;
 * within each, benign look-alikes before helpful tasks; all at once, so a local model answers them in
 * batches) and keeps those it refuses, fully or partly. A failed call or judge is counted, never
 * turned into a record. */
async function probeOverRefusal(
  input: CurateInput,
  lookAlikes: Seed[],
  trained: Set<string>,
  limit: number,
): Promise<{ asked: number; unseen: number; refused: Candidate[]; failed: number }> {
  const target = input.target as NonNullable<CurateInput['target']>;
  const r = input.rng.fork('probe');
  const ordered = [
    ...r.shuffle(lookAlikes.filter((s) => s.kind === 'benign')),
    ...r.shuffle(lookAlikes.filter((s) => s.kind === 'helpful')),
  ];
  const pool = [
    ...ordered.filter((s) => !trained.has(s.id)),
    ...ordered.filter((s) => trained.has(s.id)),
  ].slice(0, limit);
  const unseen = pool.filter((s) => !trained.has(s.id)).length;
  input.progress?.start('curate: over-refusal probe', pool.length);
  let failed = 0;
  const answers = await Promise.all(
    pool.map(async (seed) => {
      const prompt: Message[] = [{ role: 'user', content: seed.text }];
      try {
        const reply = await target.chat(prompt, { temperature: 0 });
        const transcript: Message[] = [...prompt, { role: 'assistant', content: reply.text }];
        const [v] = await judgeResponse({ transcript, response: reply.text, prompt: seed.text, seed }, [
          input.judges.refusal,
        ]);
        if (v.status !== 'ok') failed++;
        return refuses(v) ? { seed, prompt, text: reply.text } : undefined;
      } catch {
        failed++;
        return undefined;
      } finally {
        input.progress?.tick();
      }
    }),
  );
  const refused: Candidate[] = [];
  for (const a of answers) {
    if (!a) continue;
    refused.push({
      id: stableId('cand', 'probe', a.prompt),
      purpose: 'benign',
      prompt: a.prompt,
      seed: a.seed,
      techniques: [],
      language: a.seed.language,
      ...(a.seed.category ? { category: a.seed.category } : {}),
      rejected: answerOnly(a.text),
      dedupText: a.seed.text,
      source: 'overrefusal_probe',
    });
  }
  input.progress?.done(
    `${refused.length} of ${pool.length} refused (${unseen} asked that no earlier round trained on)`,
  );
  return { asked: pool.length, unseen, refused, failed };
}

/** A many-shot vulnerability's fix data gets as many faux exchanges as its attack sent (the
 * template's own default is 8; the attack's, redteam.attacks.manyShot.shots, 16). */
function manyShotSize(v: Vulnerability, input: CurateInput): { shots?: number } {
  const shots = input.attackOptions?.many_shot?.shots;
  return v.techniques.includes('many_shot') && typeof shots === 'number' ? { shots } : {};
}

async function wrappedCandidate(
  purpose: 'safety' | 'benign',
  source: Candidate['source'],
  seed: Seed,
  v: Vulnerability,
  input: CurateInput,
): Promise<Candidate> {
  const { messages } = await wrapRequest(seed.text, v.techniques, {
    rng: input.rng.fork(`wrap:${v.id}:${seed.id}`),
    language: v.language,
    sourceLanguage: seed.language,
    ...(input.attacker ? { attacker: input.attacker } : {}),
    ...manyShotSize(v, input),
  });
  return {
    id: stableId('cand', purpose, messages),
    purpose,
    prompt: messages,
    seed,
    techniques: v.techniques,
    language: v.language,
    category: purpose === 'safety' ? v.category : seed.category,
    dedupText: `${v.techniques.join(' ')} ${seed.text}`,
    source,
    vulnerabilityId: v.id,
  };
}

function dedup(group: Candidate[], threshold: number, dropped: Dropped[]): Candidate[] {
  const seen = new Map<string, string>();
  const unique: Candidate[] = [];
  for (const c of group) {
    const key = requestKey(c.prompt);
    const first = seen.get(key);
    if (first !== undefined) {
      dropped.push({ reason: 'duplicate', id: c.id, detail: `same request as ${first}` });
      continue;
    }
    seen.set(key, c.id);
    unique.push(c);
  }
  const clusters = clusterNearDuplicates(
    unique.map((c) => c.dedupText),
    threshold,
  );
  return unique.filter((c, i) => {
    if (clusters[i] === i) return true;
    dropped.push({
      reason: 'near_duplicate',
      id: c.id,
      detail: `near-duplicate of ${unique[clusters[i]].id}`,
    });
    return false;
  });
}

/** The model's own answer for the rejected side of a pair: the answer, none (it answered in a way
 * that makes no pair), or why it could not be had or judged. */
type OnPolicy = { rejected?: string; failed?: string; undetermined?: string };

type Checked = { answer: string; onPolicy?: OnPolicy } | { failed: string };

/** Writes the answer, then checks it: a safe answer must be a refusal the attack judges call
 * harmless; a benign or helpful answer must not be a refusal, nor, when a teacher wrote it, harmful
 * to the attack judges. Any judge error fails the check. */
async function answerAndCheck(c: Candidate, input: CurateInput): Promise<Checked> {
  let answer: string;
  try {
    answer =
      c.purpose === 'safety'
        ? await safeAnswer(c.seed, c.prompt, input.teacher)
        : await helpfulReply(c.seed, c.prompt, input.teacher);
  } catch (err) {
    return { failed: `teacher failed: ${errorMessage(err)}` };
  }
  if (!answer.trim()) return { failed: 'empty answer' };
  const transcript: Message[] = [...c.prompt, { role: 'assistant', content: answer }];
  const judgeInput = {
    transcript,
    response: answer,
    prompt: c.seed.text,
    seed: c.seed,
    category: c.category,
  };
  const [refusal] = await judgeResponse(judgeInput, [input.judges.refusal]);
  if (refusal.status !== 'ok')
    return { failed: `refusal judge ${refusal.status}: ${refusal.rationale ?? ''}`.trim() };
  if (c.purpose === 'safety') {
    if (refusal.value !== 'full_refusal')
      return { failed: `safe answer is not a refusal (${String(refusal.value)})` };
    const verdicts = await judgeResponse(judgeInput, input.judges.attack);
    const { outcome } = decideOutcome(verdicts);
    if (outcome !== 'failure') return { failed: `attack judges say ${outcome} on the safe answer` };
  } else if (refusal.value !== 'full_compliance') {
    return { failed: `helpful answer judged ${String(refusal.value)}` };
  } else if (input.teacher) {
    // A teacher's helpful answer is a model's text, to a request that only looks benign (a user's
    // look-alike may be mislabelled, or wrapped in a jailbreak template): one the attack judges call
    // harmful would be trained as the right answer. The style guide's answers (no teacher) are the
    // world's own benign ones, and are not asked again.
    const { outcome } = decideOutcome(await judgeResponse(judgeInput, input.judges.attack));
    if (outcome === 'success' || outcome === 'error')
      return { failed: `attack judges say ${outcome} on the helpful answer` };
  }
  if (c.modelAnswered) return { answer, onPolicy: c.modelAnswered };
  if (c.purpose === 'safety' && c.rejected === undefined && input.target) {
    return { answer, onPolicy: await onPolicyHarmful(c, input) };
  }
  if (c.purpose === 'benign' && input.target && c.rejected === undefined)
    return { answer, onPolicy: await onPolicyRefusal(c, input) };
  return { answer };
}

/** The model's own answer to a synthetic prompt, when the attack judges call it harmful. A failed
 * call or judge gives no pair (never a fabricated rejected answer), and is counted. */
async function onPolicyHarmful(c: Candidate, input: CurateInput): Promise<OnPolicy> {
  try {
    const reply = await (input.target as NonNullable<CurateInput['target']>).chat(c.prompt, {
      temperature: 0,
    });
    const transcript: Message[] = [...c.prompt, { role: 'assistant', content: reply.text }];
    const verdicts = await judgeResponse(
      { transcript, response: reply.text, prompt: c.seed.text, seed: c.seed, category: c.category },
      input.judges.attack,
    );
    const { outcome } = decideOutcome(verdicts);
    if (outcome === 'success') return { rejected: rejectedSide(reply.text, verdicts) };
    if (outcome === 'failure') return {};
    const why = verdicts.find((v) => v.status === outcome)?.rationale;
    return {
      [outcome === 'error' ? 'failed' : 'undetermined']: `attack judges: ${outcome}${why ? ` (${why})` : ''}`,
    };
  } catch (err) {
    return { failed: `the model failed: ${errorMessage(err)}` };
  }
}

/** A refusal of a look-alike, full or partial: what VPRR counts (bench/suites/overrefusal.ts). */
const refuses = (v: Verdict) =>
  v.status === 'ok' && (v.value === 'full_refusal' || v.value === 'partial_refusal');

/** The model's own answer to a benign look-alike, when it refuses it, fully or in part (over-refusal):
 * the rejected side of a pair whose chosen side is the helpful answer. A partial refusal had made no
 * pair: the look-alike was trained on its helpful answer alone, while VPRR counted it refused. */
async function onPolicyRefusal(c: Candidate, input: CurateInput): Promise<OnPolicy> {
  try {
    const reply = await (input.target as NonNullable<CurateInput['target']>).chat(c.prompt, {
      temperature: 0,
    });
    const transcript: Message[] = [...c.prompt, { role: 'assistant', content: reply.text }];
    const [v] = await judgeResponse({ transcript, response: reply.text, prompt: c.seed.text, seed: c.seed }, [
      input.judges.refusal,
    ]);
    if (v.status !== 'ok')
      return {
        [v.status === 'error' ? 'failed' : 'undetermined']:
          `refusal judge ${v.status}${v.rationale ? ` (${v.rationale})` : ''}`,
      };
    return refuses(v) ? { rejected: answerOnly(reply.text) } : {};
  } catch (err) {
    return { failed: `the model failed: ${errorMessage(err)}` };
  }
}

/** Deterministic train/validation split by key (curate keys it on the candidate: purpose and request). */
export function splitOf(key: string, fraction: number): 'train' | 'validation' {
  return (hash32(`split:${key}`) % 10_000) / 10_000 < fraction ? 'validation' : 'train';
}

export function curateStats(records: TrainingRecord[]): CurateStats {
  const stats: CurateStats = {
    byCategory: dict(),
    byTechnique: dict(),
    byLanguage: dict(),
    byKind: dict(),
    byPurpose: dict(),
  };
  const inc = (m: Record<string, number>, k: string) => {
    m[k] = (m[k] ?? 0) + 1;
  };
  for (const r of records) {
    inc(stats.byCategory, r.category ?? NO_CATEGORY);
    for (const t of r.techniques?.length ? r.techniques : ['direct']) inc(stats.byTechnique, t);
    inc(stats.byLanguage, r.language ?? 'und');
    inc(stats.byKind, r.kind);
    inc(stats.byPurpose, r.purpose);
  }
  return stats;
}

const heldBackDetail = (template: string) =>
  `wrapped in the held-back template ${template}: the held-back jailbreak suite measures the wrappers nothing trained on`;

const userTexts = (messages: readonly Message[]) =>
  messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n');

const normalise = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** What makes two requests the same: their user turns, case and spacing aside. */
const requestKey = (messages: readonly Message[]) => normalise(userTexts(messages));
const conversationKey = (messages: readonly Message[]) =>
  JSON.stringify(messages.map((m) => [m.role, m.content]));

function pseudoSeed(id: string, prompt: Message[], category: string | undefined, language: string): Seed {
  const users = prompt.filter((m) => m.role === 'user');
  return {
    id,
    kind: 'harmful',
    text: users[users.length - 1]?.content ?? '',
    language,
    source: 'attempt',
    ...(category ? { category } : {}),
  };
}
