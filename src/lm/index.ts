// The embedded language-model library: a small GPT, its tokenizer, training (SFT, DPO), batched
// generation and checkpoints. It knows nothing about safety.
export { Tensor, withTape, matmul, matmulT, add, mul, scale, embedding, rmsnorm, gelu, softmax, logSoftmax, crossEntropy, sequenceLogProbs, causalAttention } from './tensor.js';
export { matmulNN, matmulNT, matmulTN, kernelBackend, tsKernels, loadWasmKernels } from './kernels/index.js';
export { Tokenizer, SPECIAL_TOKENS, type ChatMessage } from './tokenizer.js';
export { type LM, type ModelConfig, type Params, createLM, cloneLM, forward, namedParams, parameterCount } from './model.js';
export { generateBatch, type GenerateRequest, type GenerateResult } from './generate.js';
export { trainSFT, trainDPO, sequenceLogProb, type TrainParams, type TrainStepLog, type TrainHooks, type SFTExample, type PreferencePair } from './train.js';
export { saveLM, loadLM, encodeSafetensors, decodeSafetensors } from './checkpoint.js';
export { startServer, parseChatRequest, type ServeOptions, type RunningServer } from './server.js';
