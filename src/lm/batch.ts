// A batch of token sequences padded to one length, as the trainer feeds them to the model.

export interface Encoded {
  ids: number[];
  /** 1 where the token at i+1 is a trained target. */
  mask: number[];
  anchor?: boolean;
}

export interface Batch {
  inputs: Int32Array;
  targets: Int32Array;
  mask: Uint8Array;
  seq: Int32Array;
  B: number;
  T: number;
  tokens: number;
}

export function makeBatch(items: Encoded[]): Batch {
  const T = Math.max(1, ...items.map((e) => e.ids.length - 1));
  const B = items.length;
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const mask = new Uint8Array(B * T);
  const seq = new Int32Array(B * T);
  let tokens = 0;
  items.forEach((e, b) => {
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      seq[i] = b;
      if (t + 1 < e.ids.length) {
        inputs[i] = e.ids[t];
        targets[i] = e.ids[t + 1];
        mask[i] = e.mask[t + 1];
        tokens++;
      }
    }
  });
  return { inputs, targets, mask, seq, B, T, tokens };
}
