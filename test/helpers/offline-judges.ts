// The offline judges, as a run with no judge model configured has them: a test that reaches for an
// LLM judge (a target) fails loudly instead of calling one.
import { createJudges } from '../../src/judge/index.js';

export function offlineJudges() {
  return createJudges(
    {},
    {
      target: () => {
        throw new Error('offline judges only');
      },
    },
  );
}
