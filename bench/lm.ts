// `npm run bench:lm`: the embedded LM library's throughput on the reference model (4 layers,
// d_model 256, 4 heads, context 256, vocab 4096): matmul GFLOP/s (512³, plain and transposed),
// SFT training tokens/s (batch 4 × 256 = 1,024 tokens per step), greedy generation tokens/s at
// batch 1 (and batch 32) with the KV cache, and the cost of a DPO step per pair-token relative to an
// SFT step per token. Goals: ≥50 GFLOP/s on 2 cores, ≥1,500 train tok/s, ≥500 gen tok/s, DPO ≤3×.
// `--json` prints {matmul_gflops, train_tokens_per_s, generate_tokens_per_s, dpo_over_sft_cost, …};
// the *_per_cpu_s figures (tokens per CPU-second of the whole process) are the ones to compare on a
// loaded machine.
import { availableParallelism, cpus, loadavg } from 'node:os';
import {
  type ChatMessage,
  createLM,
  generateBatch,
  kernelBackend,
  kernelThreads,
  matmulNN,
  matmulNT,
  parameterCount,
  Tokenizer,
  trainDPO,
  trainSFT,
} from '../src/lm/index.js';
import { kernelAlloc, kernelScope } from '../src/lm/kernels/index.js';

const json = process.argv.includes('--json');
const log = (s: string) => {
  if (!json) process.stderr.write(`${s}\n`);
};
const now = () => performance.now();

/** `resident`: operands allocated in the kernels' memory, as training's activations are (no copy
 * in or out); otherwise ordinary arrays, copied in and out on every call. */
function matmulGflops(fn: typeof matmulNN, n: number, reps: number, resident = false): number {
  if (resident)
    return kernelScope(() => matmulGflopsOn(fn, n, reps, (k) => kernelAlloc(k) ?? new Float32Array(k)));
  return matmulGflopsOn(fn, n, reps, (k) => new Float32Array(k));
}

function matmulGflopsOn(
  fn: typeof matmulNN,
  n: number,
  reps: number,
  make: (n: number) => Float32Array,
): number {
  const a = make(n * n);
  const b = make(n * n);
  for (let i = 0; i < n * n; i++) {
    a[i] = ((i * 7) % 13) / 13 - 0.5;
    b[i] = ((i * 5) % 11) / 11 - 0.5;
  }
  const c = make(n * n);
  fn(a, b, c, n, n, n);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = now();
    fn(a, b, c, n, n, n);
    best = Math.min(best, now() - t);
  }
  return (2 * n ** 3) / (best / 1000) / 1e9;
}

// Give the kernel worker threads a moment to start.
await new Promise((r) => setTimeout(r, 300));
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} · ${availableParallelism()} cores · Node ${process.version} · load ${loadavg()[0].toFixed(2)}`;
log(`machine: ${machine}`);
log(`kernels: ${kernelBackend}, ${kernelThreads} thread(s)`);

const nn = matmulGflops(matmulNN, 512, 8);
const nt = matmulGflops(matmulNT, 512, 8);
log(
  `matmul 512³: NN ${nn.toFixed(1)} GFLOP/s, NT ${nt.toFixed(1)} GFLOP/s (ordinary arrays, copied in and out)`,
);
const nnRes = matmulGflops(matmulNN, 512, 8, true);
const ntRes = matmulGflops(matmulNT, 512, 8, true);
log(
  `matmul 512³: NN ${nnRes.toFixed(1)} GFLOP/s, NT ${ntRes.toFixed(1)} GFLOP/s (operands in kernel memory, as in training)`,
);

// A corpus of plain sentences; the model's vocabulary is the reference 4,096 (the tokenizer uses a
// subset, which does not change the cost of the output layer).
const words =
  'the a of to and in is it that for on with as was at by this be from or have an they which one you were all we her she there would their will when who him been has more if no out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(
    ' ',
  );
const sentence = (i: number, n: number) =>
  Array.from({ length: n }, (_, j) => words[(i * 31 + j * 17 + ((i * j) % 7)) % words.length]).join(' ');
const tok = Tokenizer.train(
  Array.from({ length: 200 }, (_, i) => sentence(i, 40)),
  1024,
);
const config = { vocabSize: 4096, dModel: 256, nLayers: 4, nHeads: 4, contextLength: 256 };
const lm = createLM(config, tok, 1);
log(`model: ${JSON.stringify(config)}, ${(parameterCount(lm) / 1e6).toFixed(2)}M parameters`);

// SFT examples of ~256 tokens each; batch 4 → ~1,024 tokens per step.
const convs: { messages: ChatMessage[] }[] = Array.from({ length: 16 }, (_, i) => ({
  messages: [
    { role: 'user', content: sentence(i, 60) },
    { role: 'assistant', content: sentence(i + 100, 250) },
  ],
}));
// CPU time of the whole process (caller and kernel workers) per step: the work per token, which
// other processes on the machine inflate much less than they inflate wall time.
let cpuMark = process.cpuUsage();
let wallMark = now();
const stepCpuTps: number[] = [];
const sftLogs = await trainSFT(
  lm,
  convs,
  { steps: 4, batchSize: 4, lr: 1e-4, seed: 1, maxLength: 256 },
  {
    onStep(l) {
      const d = process.cpuUsage(cpuMark);
      const tokens = (l.tokensPerSec * (now() - wallMark)) / 1000;
      stepCpuTps.push(tokens / ((d.user + d.system) / 1e6));
      cpuMark = process.cpuUsage();
      wallMark = now();
    },
  },
);
const steady = sftLogs.slice(1);
const trainTps = steady.reduce((s, l) => s + l.tokensPerSec, 0) / steady.length;
const trainCpuTps = stepCpuTps.slice(1).reduce((s, v) => s + v, 0) / steady.length;
log(`SFT: ${trainTps.toFixed(0)} tokens/s (batch 4 × ≤256), ${trainCpuTps.toFixed(0)} tokens per CPU-second`);

// DPO: 2 pairs per step = 4 sequences of ~256 tokens; tokensPerSec counts chosen + rejected tokens.
const pairs = Array.from({ length: 8 }, (_, i) => ({
  prompt: [{ role: 'user' as const, content: sentence(i, 60) }],
  chosen: sentence(i + 200, 190),
  rejected: sentence(i + 300, 190),
}));
const dpoLogs = await trainDPO(lm, pairs, { steps: 3, batchSize: 2, lr: 1e-5, seed: 1, maxLength: 256 });
const dpoTps = dpoLogs.slice(1).reduce((s, l) => s + l.tokensPerSec, 0) / (dpoLogs.length - 1);
const dpoCost = trainTps / dpoTps;
log(
  `DPO: ${dpoTps.toFixed(0)} pair-tokens/s → ${dpoCost.toFixed(2)}× the SFT cost per token (reference log-probs computed once, not counted)`,
);

const prompt = [{ role: 'user' as const, content: sentence(3, 20) }];
await generateBatch(lm, [{ messages: prompt, maxTokens: 8 }]);
let t = now();
const genCpu = process.cpuUsage();
const [one] = await generateBatch(lm, [{ messages: prompt, maxTokens: 128 }]);
const genTps = one.completionTokens / ((now() - t) / 1000);
const genCpuUsed = process.cpuUsage(genCpu);
const genCpuTps = one.completionTokens / ((genCpuUsed.user + genCpuUsed.system) / 1e6);
log(
  `generate, batch 1: ${genTps.toFixed(0)} tokens/s, ${genCpuTps.toFixed(0)} per CPU-second (${one.completionTokens} tokens after a ${one.promptTokens}-token prompt)`,
);
t = now();
const many = await generateBatch(
  lm,
  Array.from({ length: 32 }, (_, i) => ({
    messages: [{ role: 'user' as const, content: sentence(i, 20) }],
    maxTokens: 64,
  })),
);
const genBatchTps = many.reduce((s, r) => s + r.completionTokens, 0) / ((now() - t) / 1000);
log(`generate, batch 32: ${genBatchTps.toFixed(0)} tokens/s`);

const result = {
  matmul_gflops: Number(Math.min(nn, nt).toFixed(1)),
  train_tokens_per_s: Math.round(trainTps),
  generate_tokens_per_s: Math.round(genTps),
  dpo_over_sft_cost: Number(dpoCost.toFixed(2)),
  generate_batch32_tokens_per_s: Math.round(genBatchTps),
  train_tokens_per_cpu_s: Math.round(trainCpuTps),
  generate_tokens_per_cpu_s: Math.round(genCpuTps),
  matmul_nn_gflops: Number(nn.toFixed(1)),
  matmul_nt_gflops: Number(nt.toFixed(1)),
  matmul_resident_gflops: Number(Math.min(nnRes, ntRes).toFixed(1)),
  matmul_resident_nn_gflops: Number(nnRes.toFixed(1)),
  matmul_resident_nt_gflops: Number(ntRes.toFixed(1)),
  machine,
  kernels: `${kernelBackend} × ${kernelThreads}`,
};
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  const goals: [string, string, string, boolean][] = [
    ['matmul (min of NN, NT), GFLOP/s', String(result.matmul_gflops), '≥ 50', result.matmul_gflops >= 50],
    ['matmul, operands in kernel memory, GFLOP/s', String(result.matmul_resident_gflops), '', true],
    [
      'SFT training, tokens/s',
      String(result.train_tokens_per_s),
      '≥ 1500',
      result.train_tokens_per_s >= 1500,
    ],
    [
      'generation batch 1, tokens/s',
      String(result.generate_tokens_per_s),
      '≥ 500',
      result.generate_tokens_per_s >= 500,
    ],
    ['DPO / SFT cost per token', String(result.dpo_over_sft_cost), '≤ 3', result.dpo_over_sft_cost <= 3],
    ['generation batch 32, tokens/s', String(result.generate_batch32_tokens_per_s), '', true],
  ];
  console.log(`\n| figure | measured | goal | met |\n|---|---|---|---|`);
  for (const [k, v, g, ok] of goals) console.log(`| ${k} | ${v} | ${g} | ${g ? (ok ? 'yes' : 'NO') : ''} |`);
}
