// The embedded language-model library: a small GPT, its tokenizer, training (SFT, DPO), batched
// generation and checkpoints. It knows nothing about safety.

export { decodeSafetensors, encodeSafetensors, loadLM, saveLM } from './checkpoint.js';
export {
  type GenerateOptions,
  type GenerateRequest,
  type GenerateResult,
  generateBatch,
} from './generate.js';
export {
  geluRows,
  kernelBackend,
  kernelThreads,
  kernelVerifiedJobs,
  loadWasmKernels,
  matmulNN,
  matmulNT,
  matmulTN,
  pinWeights,
  softmaxRows,
  tsKernels,
  unpinWeights,
} from './kernels/index.js';
export {
  cloneLM,
  configParameterCount,
  createLM,
  expandBlocks,
  forward,
  type LM,
  type ModelConfig,
  namedParams,
  type Params,
  parameterCount,
} from './model.js';
export {
  parseChatRequest,
  parseStreamRequest,
  type RunningServer,
  type ServeOptions,
  spawnWorker,
  startServer,
} from './server.js';
export {
  add,
  causalAttention,
  crossEntropy,
  embedding,
  gelu,
  logSoftmax,
  matmul,
  matmulT,
  mul,
  rmsnorm,
  scale,
  sequenceLogProbs,
  softmax,
  Tensor,
  withTape,
} from './tensor.js';
export { type ChatMessage, SPECIAL_TOKENS, Tokenizer } from './tokenizer.js';
export {
  type PreferencePair,
  type SFTExample,
  sequenceLogProb,
  type TrainHooks,
  type TrainParams,
  type TrainStepLog,
  trainDPO,
  trainSFT,
} from './train.js';
