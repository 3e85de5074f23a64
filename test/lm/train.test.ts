// Real training on tiny configurations: SFT memorises, DPO moves the preference margin, runs are
// deterministic from the seed, checkpoints round-trip bit-exactly and resume.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ChatMessage,
  cloneLM,
  createLM,
  forward,
  generateBatch,
  type LM,
  loadLM,
  namedParams,
  saveLM,
  sequenceLogProb,
  Tokenizer,
  trainDPO,
  trainSFT,
} from '../../src/lm/index.js';
import { encodeSFT } from '../../src/lm/train.js';

const convs: { messages: ChatMessage[] }[] = [
  {
    messages: [
      { role: 'user', content: 'capital of france?' },
      { role: 'assistant', content: 'paris is the capital.' },
    ],
  },
  {
    messages: [
      { role: 'user', content: 'two plus two?' },
      { role: 'assistant', content: 'four, of course.' },
    ],
  },
  {
    messages: [
      { role: 'user', content: 'colour of the sky?' },
      { role: 'assistant', content: 'the sky is blue.' },
    ],
  },
];
const tok = Tokenizer.train(
  convs.flatMap((c) => c.messages.map((m) => m.content)),
  320,
);
const tiny = (seed: number): LM =>
  createLM({ vocabSize: tok.vocabSize, dModel: 32, nLayers: 1, nHeads: 2, contextLength: 48 }, tok, seed);
const weights = (lm: LM) => namedParams(lm.params).map(([, t]) => Array.from(t.data));

describe('SFT', () => {
  it('scores every assistant turn, or with lastOnly the final answer alone (left-truncated to fit)', () => {
    const lm = tiny(1);
    const messages: ChatMessage[] = [...convs[0].messages, ...convs[1].messages];
    const ones = (m: number[]) => m.reduce((a, b) => a + b, 0);
    const lastAnswer = tok.encodeText(convs[1].messages[1].content).length + 1; // + <|end|>
    const all = encodeSFT(lm, { messages }, 200);
    const last = encodeSFT(lm, { messages, lastOnly: true }, 200);
    expect(ones(last.mask)).toBe(lastAnswer);
    expect(ones(all.mask)).toBe(lastAnswer + tok.encodeText(convs[0].messages[1].content).length + 1);
    // Too long for the context: the oldest tokens go, the scored answer stays whole.
    const cut = encodeSFT(lm, { messages, lastOnly: true }, lastAnswer + 4);
    expect(cut.ids).toHaveLength(lastAnswer + 4);
    expect(ones(cut.mask)).toBe(lastAnswer);
  });

  it('overfits a tiny corpus and recalls the memorised replies exactly', async () => {
    const lm = tiny(1);
    const logs = await trainSFT(lm, convs, { steps: 150, batchSize: 3, lr: 1e-2, warmupSteps: 5, seed: 1 });
    expect(logs[0].loss).toBeGreaterThan(3);
    expect(logs.at(-1)!.loss).toBeLessThan(0.1);
    expect(logs.every((l) => l.tokensPerSec > 0 && l.lr > 0)).toBe(true);
    const out = await generateBatch(
      lm,
      convs.map((c) => ({ messages: [c.messages[0]], maxTokens: 30 })),
    );
    out.forEach((o, i) => {
      expect(o.text).toBe(convs[i].messages[1].content);
      expect(o.finishReason).toBe('stop');
    });
    // Batched generation: each request its own stop sequence and token limit.
    const [a, b, c, d] = await generateBatch(lm, [
      { messages: [convs[0].messages[0]], stop: [' is'] },
      { messages: [convs[1].messages[0]], maxTokens: 2 },
      { messages: [convs[2].messages[0]], stop: ['blue'] },
      // (any of the stop sequences ends it, not only the first)
      { messages: [convs[2].messages[0]], stop: ['never said', 'blue'] },
    ]);
    expect(a).toMatchObject({ text: 'paris', finishReason: 'stop' });
    expect(b.finishReason).toBe('length');
    expect(b.completionTokens).toBe(2);
    expect(c).toMatchObject({ text: 'the sky is ', finishReason: 'stop' });
    expect(d).toMatchObject({ text: 'the sky is ', finishReason: 'stop' });
    expect(a.promptTokens).toBeGreaterThan(3);
  });

  it('is deterministic from the seed, and sampling is reproducible per request seed', async () => {
    const run = async () => {
      const lm = tiny(5);
      const logs = await trainSFT(lm, convs, {
        steps: 6,
        batchSize: 2,
        lr: 3e-3,
        seed: 9,
        accumSteps: 2,
        gradClip: 0.5,
      });
      return { lm, loss: logs.map((l) => l.loss) };
    };
    const r1 = await run();
    const r2 = await run();
    expect(r2.loss).toEqual(r1.loss);
    expect(weights(r2.lm)).toEqual(weights(r1.lm));
    const req = { messages: [convs[0].messages[0]], temperature: 1.2, topP: 0.95, maxTokens: 12, seed: 42 };
    const [s1] = await generateBatch(r1.lm, [req]);
    const [s2] = await generateBatch(r1.lm, [req]);
    const [s3] = await generateBatch(r1.lm, [{ ...req, seed: 43 }]);
    expect(s2.text).toBe(s1.text);
    expect(s1.completionTokens).toBeGreaterThan(0);
    expect(s3.text === s1.text && s3.completionTokens === s1.completionTokens).toBe(false);
    // topP keeps the fewest most likely tokens whose mass reaches it: near 0 the likeliest alone, so
    // every seed samples the greedy reply (while at topP 0.95 the seeds above part).
    const [greedy] = await generateBatch(r1.lm, [{ ...req, temperature: 0 }]);
    for (const seed of [1, 2, 3, 4, 5]) {
      const [top] = await generateBatch(r1.lm, [{ ...req, topP: 1e-9, seed }]);
      expect(top.text, `seed ${seed}`).toBe(greedy.text);
      expect(top.completionTokens, `seed ${seed}`).toBe(greedy.completionTokens);
    }
  });

  it('reports validation loss', async () => {
    const lm = tiny(2);
    const logs = await trainSFT(lm, convs.slice(0, 2), {
      steps: 4,
      batchSize: 2,
      lr: 1e-3,
      seed: 1,
      validation: convs.slice(2),
      evalEvery: 2,
    });
    expect(logs[1].valLoss).toBeGreaterThan(0);
    expect(logs[3].valLoss).toBeGreaterThan(0);
    expect(logs[0].valLoss).toBeUndefined();
  });

  it('leaves frozen weights untouched, never computes their gradients, and trains the rest', async () => {
    const lm = tiny(4);
    const before = new Map(namedParams(lm.params).map(([n, t]) => [n, Float32Array.from(t.data)]));
    await trainSFT(lm, convs, {
      steps: 3,
      batchSize: 2,
      lr: 1e-3,
      seed: 1,
      freeze: ['wte', 'wpe', 'h.0.ln1'],
    });
    for (const [name, t] of namedParams(lm.params)) {
      const frozen = name === 'wte' || name === 'wpe' || name === 'h.0.ln1';
      expect(
        t.data.some((x, i) => x !== before.get(name)?.[i]),
        name,
      ).toBe(!frozen);
      // No gradient buffer was ever allocated for a frozen weight; every weight needs one again after.
      if (frozen) expect(t.grad, name).toBeNull();
      expect(t.requiresGrad, name).toBe(true);
    }
  });

  it('a freeze entry that is a prefix (h.0.) leaves every weight under it untouched', async () => {
    for (const train of [
      (lm: LM) => trainSFT(lm, convs, { steps: 3, batchSize: 2, lr: 1e-3, seed: 1, freeze: ['wte', 'h.0.'] }),
      (lm: LM) =>
        trainDPO(lm, [{ prompt: [convs[1].messages[0]], chosen: 'four.', rejected: 'five.' }], {
          steps: 3,
          batchSize: 1,
          lr: 1e-3,
          seed: 1,
          freeze: ['wte', 'h.0.'],
        }),
    ]) {
      const lm = tiny(4);
      const before = new Map(namedParams(lm.params).map(([n, t]) => [n, Float32Array.from(t.data)]));
      await train(lm);
      for (const [name, t] of namedParams(lm.params))
        expect(
          t.data.some((x, i) => x !== before.get(name)?.[i]),
          name,
        ).toBe(name === 'wpe' || name === 'lnf');
    }
  });
});

describe('KV-cache generation', () => {
  it('matches full recomputation without the cache, for a batch of prompts of different lengths', async () => {
    const lm = tiny(11);
    const prompts = ['hi', 'a much longer prompt than the first one', 'mid length'].map((content) => [
      { role: 'user' as const, content },
    ]);
    const outs = await generateBatch(
      lm,
      prompts.map((messages) => ({ messages, maxTokens: 6 })),
    );
    prompts.forEach((messages, i) => {
      const ids = tok.encodeChat(messages, true).ids;
      const produced: number[] = [];
      for (let step = 0; step < outs[i].completionTokens; step++) {
        const seq = Int32Array.from([...ids, ...produced]);
        const logits = forward(lm, seq, 1, seq.length).data.subarray(
          (seq.length - 1) * tok.vocabSize,
          seq.length * tok.vocabSize,
        );
        let best = 0;
        for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
        produced.push(best);
      }
      expect(outs[i].completionTokens).toBeGreaterThan(0);
      expect(outs[i].text).toBe(tok.decode(produced));
    });
  });
});

describe('checkpoints', () => {
  it('round-trip bit-exactly in the Hugging Face layout', async () => {
    const lm = tiny(3);
    const dir = mkdtempSync(join(tmpdir(), 'lm-ckpt-'));
    await saveLM(lm, dir, { note: 'x' });
    const back = await loadLM(dir);
    expect(back.config).toEqual(lm.config);
    expect(weights(back)).toEqual(weights(lm));
    expect(back.tokenizer.encode('the sky')).toEqual(lm.tokenizer.encode('the sky'));
  });

  it('resumes training from a checkpoint to the same result as an unbroken run', async () => {
    const params = { steps: 6, batchSize: 2, lr: 3e-3, seed: 4 };
    const whole = tiny(8);
    await trainSFT(whole, convs, params);
    const dir = mkdtempSync(join(tmpdir(), 'lm-resume-'));
    const part = tiny(8);
    await trainSFT(part, convs, { ...params, checkpointDir: dir, stopAfter: 3 });
    const resumed = await loadLM(dir);
    const logs = await trainSFT(resumed, convs, { ...params, checkpointDir: dir, resume: true });
    expect(logs[0].step).toBe(4);
    expect(weights(resumed)).toEqual(weights(whole));
  });

  it('resumes exactly after a kill in the middle of a save (the weights of the next step already in place)', async () => {
    // What SIGKILL left 11 times in 20 while saving every step: model.safetensors renamed in at step
    // 4, the rest of the state (the step count, the optimizer moments) still of step 3.
    const params = { steps: 6, batchSize: 2, lr: 3e-3, seed: 4, checkpointEvery: 1 };
    const whole = tiny(8);
    await trainSFT(whole, convs, { steps: 6, batchSize: 2, lr: 3e-3, seed: 4 });
    const dir = mkdtempSync(join(tmpdir(), 'lm-killed-'));
    await trainSFT(tiny(8), convs, { ...params, checkpointDir: dir, stopAfter: 3 });
    const ahead = mkdtempSync(join(tmpdir(), 'lm-ahead-'));
    await trainSFT(tiny(8), convs, { ...params, checkpointDir: ahead, stopAfter: 4 });
    copyFileSync(join(ahead, 'model.safetensors'), join(dir, 'model.safetensors'));
    const resumed = tiny(8);
    const logs = await trainSFT(resumed, convs, { ...params, checkpointDir: dir, resume: true });
    expect(logs[0].step).toBe(4);
    expect(weights(resumed)).toEqual(weights(whole));
  });
});

describe('resuming from the state of another model', () => {
  it('is refused, naming the first tensor that does not match, never loaded in part', async () => {
    // A narrower model's weights fit inside this one's arrays: set into them they would fill only
    // their start, and the run would go on from a model that never existed.
    const dir = mkdtempSync(join(tmpdir(), 'lm-other-'));
    const params = { steps: 4, batchSize: 2, lr: 3e-3, seed: 4, checkpointDir: dir };
    const narrow = createLM(
      { vocabSize: tok.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 48 },
      tok,
      8,
    );
    await trainSFT(narrow, convs, { ...params, stopAfter: 2 });
    await expect(trainSFT(tiny(8), convs, { ...params, resume: true })).rejects.toThrow(
      /tensor wte does not match the model/,
    );
  });
});

describe('DPO', () => {
  it('raises the chosen-over-rejected margin and preference accuracy', async () => {
    const lm = tiny(6);
    await trainSFT(lm, convs, { steps: 20, batchSize: 3, lr: 5e-3, seed: 1 });
    const pairs = [
      { prompt: [{ role: 'user' as const, content: 'two plus two?' }], chosen: 'four.', rejected: 'five.' },
      {
        prompt: [{ role: 'user' as const, content: 'capital of france?' }],
        chosen: 'paris.',
        rejected: 'rome.',
      },
    ];
    const margin = (m: LM) =>
      pairs.reduce(
        (s, p) => s + sequenceLogProb(m, p.prompt, p.chosen) - sequenceLogProb(m, p.prompt, p.rejected),
        0,
      );
    const ref = cloneLM(lm);
    const before = margin(lm);
    const logs = await trainDPO(lm, pairs, { steps: 25, batchSize: 2, lr: 5e-3, beta: 0.5, seed: 1 });
    expect(margin(lm)).toBeGreaterThan(before + 1);
    expect(logs[0].loss).toBeCloseTo(Math.log(2), 3); // policy = reference at step 1
    expect(logs.at(-1)!.loss).toBeLessThan(logs[0].loss);
    expect(logs.at(-1)!.prefAccuracy).toBe(1);
    expect(logs.at(-1)!.rewardMargin).toBeGreaterThan(0);
    // The reference (a frozen copy) is untouched by training the policy.
    expect(margin(ref)).toBeCloseTo(before, 4);
  });

  it("a side's log-probability is the sum over its own tokens and <|end|>, the prompt's masked, computed by hand", () => {
    // Computed here from the logits of one plain forward pass, independently of the trainer's
    // encoding and masking: log π(y|x) = Σ over the completion positions t of log softmax(logits)[y_t].
    const lm = tiny(6);
    const prompt = [
      { role: 'system' as const, content: 'be brief.' },
      { role: 'user' as const, content: 'two plus two?' },
    ];
    const completion = 'four, of course.';
    const head = tok.encodeChat(prompt, true).ids;
    const ids = [...head, ...tok.encodeText(completion), tok.endId];
    const T = ids.length - 1;
    const logits = forward(lm, Int32Array.from(ids.slice(0, -1)), 1, T).data;
    const V = tok.vocabSize;
    const logProbAt = (t: number) => {
      const row = Array.from(logits.subarray(t * V, (t + 1) * V));
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
      return row[ids[t + 1]] - lse;
    };
    let completionOnly = 0;
    let withPrompt = 0;
    for (let t = 0; t < T; t++) {
      withPrompt += logProbAt(t);
      if (t + 1 >= head.length) completionOnly += logProbAt(t);
    }
    expect(sequenceLogProb(lm, prompt, completion)).toBeCloseTo(completionOnly, 3);
    expect(Math.abs(withPrompt - completionOnly)).toBeGreaterThan(1); // (so a prompt counted would show)
  });

  it('logs −log σ(z) exactly, also for a pair far on the wrong side (z < −27.6)', async () => {
    // Two contradictory pairs: whatever a step does, one of them ends with z ≤ 0, and β = 300 puts
    // it far below −27.6, where −log of σ floored at 1e-12 stopped.
    const lm = tiny(6);
    const u = [{ role: 'user' as const, content: 'two plus two?' }];
    const pairs = [
      { prompt: u, chosen: 'four.', rejected: 'five.' },
      { prompt: u, chosen: 'five.', rejected: 'four.' },
    ];
    const p = { steps: 10, batchSize: 2, lr: 2e-2, beta: 300, seed: 1 };
    const one = cloneLM(lm);
    await trainDPO(one, pairs, { ...p, stopAfter: 1 });
    const logs = await trainDPO(cloneLM(lm), pairs, { ...p, stopAfter: 2 });
    const lp = (m: LM, s: string) => sequenceLogProb(m, u, s);
    const zs = pairs.map(
      (x) => p.beta * (lp(one, x.chosen) - lp(lm, x.chosen) - (lp(one, x.rejected) - lp(lm, x.rejected))),
    );
    expect(Math.min(...zs)).toBeLessThan(-27.6);
    const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
    const expected = zs.reduce((a, z) => a + softplus(-z), 0) / zs.length;
    expect(logs[1].loss).toBeCloseTo(expected, 2);
  });

  it("lets the event loop run between reference batches and after each step (a run claim's heartbeat, Ctrl-C, progress)", async () => {
    // 40 pairs: 3 reference batches of 16 for the chosen side and 3 for the rejected, then 2 steps.
    // Computed in one go, the default cycle's reference held the loop for up to 66 s.
    const lm = tiny(6);
    const pairs = Array.from({ length: 40 }, (_, i) => ({
      prompt: [{ role: 'user' as const, content: `question ${i}?` }],
      chosen: 'an answer.',
      rejected: 'another answer.',
    }));
    let turns = 0;
    let stop = false;
    const spin = () => {
      turns++;
      if (!stop) setImmediate(spin);
    };
    setImmediate(spin);
    try {
      await trainDPO(lm, pairs, { steps: 2, batchSize: 2, lr: 1e-3, beta: 0.1, seed: 1 });
    } finally {
      stop = true;
    }
    expect(turns).toBeGreaterThanOrEqual(6 + 2);
  });

  it('skips a pair whose chosen and rejected are the same: it has no preference to teach', async () => {
    // Its gradient is zero but for rounding, which Adam would scale up into lr-sized steps.
    const lm = tiny(6);
    const before = weights(lm);
    const same = {
      prompt: [{ role: 'user' as const, content: 'two plus two?' }],
      chosen: 'four.',
      rejected: 'four.',
    };
    const logs = await trainDPO(lm, [same, same], { steps: 3, batchSize: 2, lr: 1e-2, beta: 0.1, seed: 1 });
    expect(logs).toEqual([]);
    expect(weights(lm)).toEqual(before);
  });
});
