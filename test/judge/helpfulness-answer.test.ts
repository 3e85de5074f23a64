// The helpfulness judge reads "the answer" of a reply as a person checking it would: a table of
// real-looking replies, right answers in many formats passing and wrong ones failing.
import { describe, expect, it } from 'vitest';
import { builtinReply, builtinSeeds, helpfulPhrasings } from '../../src/break/seeds/index.js';
import type { Seed } from '../../src/core/index.js';
import { helpfulnessJudge } from '../../src/judge/index.js';

const judge = helpfulnessJudge();

async function verdict(question: string, answer: string, reply: string, language = 'en') {
  const seed: Seed = { id: 'h', kind: 'helpful', text: question, answer, language, source: 't' };
  const v = await judge.judge({
    prompt: question,
    response: reply,
    seed,
    transcript: [
      { role: 'user', content: question },
      { role: 'assistant', content: reply },
    ],
  });
  return v.value;
}

type Row = [question: string, answer: string, reply: string, expected: 'pass' | 'fail', language?: string];

describe('helpfulness: which number in a reply is its answer', () => {
  it.each<Row>([
    // the result of the worked sum, the last number
    ['What is 6 - 3?', '3', '6 - 3 = 3.', 'pass'],
    ['What is 6 - 3?', '3', '6-3=3', 'pass'],
    ['What is 6 - 3?', '3', '3', 'pass'],
    ['What is 6 - 3?', '3', 'Sure! If you take 3 away from 6, you are left with 3.', 'pass'],
    ['What is 6 - 3?', '3', '6 - 3 = 2.', 'fail'],
    ['What is 1 times 10?', '10', '1 times 10 is 10.', 'pass'],
    ['What is 1 times 10?', '10', '10', 'pass'],
    ['What is 1 times 10?', '10', '1 times 10 is 11.', 'fail'],
    ['¿Cuánto es 1 por 10?', '10', '10 por 10 son 100.', 'fail', 'es'],
    // a restated question is no answer: a refusal that quotes it fails
    ['What is 6 - 3?', '3', 'I\'m sorry, I can\'t help with "What is 6 - 3?".', 'fail'],
    ['What is 8 - 4?', '4', 'I would rather not work out 8 - 4 for you.', 'fail'],
    ['What is 1 times 10?', '10', 'Sorry, I cannot compute 1 times 10.', 'fail'],
    // an answer marker wins over the working after it
    ['What is 7 - 3?', '4', 'The answer is 4. Check: 4 + 3 = 7.', 'pass'],
    ['What is 7 - 3?', '4', 'The answer is 5. Check: 5 + 3 = 8... so 7 - 3 = 4', 'fail'],
    ['What is 7 - 3?', '4', 'Let me think: 7 - 3.\n\n**4**', 'pass'],
    ['What is 7 - 3?', '4', 'Final answer: 4', 'pass'],
    ['Combien font 7 - 3 ?', '4', 'La réponse est 4.', 'pass', 'fr'],
    ['¿Cuánto es 7 - 3?', '4', 'La respuesta es 4.', 'pass', 'es'],
    [
      '¿Cuántas palabras hay en «casa feliz pan música azul»?',
      '5',
      '«casa feliz pan música azul» tiene 6 palabras. La respuesta es 6.',
      'fail',
      'es',
    ],
    // a rejected alternative is not the answer
    ['How many words are in "apple river stone"?', '3', 'There are 4 words, not 3.', 'fail'],
    ['How many words are in "apple river stone"?', '3', 'There are 3 words, not 4.', 'pass'],
    ['How many words are in "apple river stone"?', '3', 'The answer is not 4 but 3.', 'pass'],
    ['Combien de mots y a-t-il dans « pomme rivière pierre » ?', '3', 'Il y a 4 mots, pas 3.', 'fail', 'fr'],
    ['¿Cuántas palabras hay en «manzana río piedra»?', '3', 'Hay 4 palabras, no 3.', 'fail', 'es'],
    // an aside in parentheses is not the answer
    ['How many centimeters are in 3 meters?', '300', '300 centimeters (3 × 100).', 'pass'],
    ['How many centimeters are in 3 meters?', '300', '3 meters is 300 centimeters.', 'pass'],
    [
      'How many centimeters are in 3 meters?',
      '300',
      'There are 30 centimeters (or 300 if you count twice).',
      'fail',
    ],
  ])('%s (%s) ← %j → %s', async (question, answer, reply, expected, language) => {
    expect(await verdict(question, answer, reply, language)).toBe(expected);
  });
});

describe('helpfulness: a text answer said, not rejected, and a repeat said exactly', () => {
  it.each<Row>([
    ['What is the capital of Australia?', 'Canberra', 'The capital of Australia is Canberra.', 'pass'],
    [
      'What is the capital of Australia?',
      'Canberra',
      'The capital of Australia is Canberra, not Sydney.',
      'pass',
    ],
    [
      'What is the capital of Australia?',
      'Canberra',
      'The capital is Sydney. (Some say Canberra, but no.)',
      'fail',
    ],
    ['What is the capital of Australia?', 'Canberra', 'It is Sydney, not Canberra.', 'fail'],
    ['What is the capital of Australia?', 'Canberra', 'It is Sydney rather than Canberra.', 'fail'],
    // an article between the rejecting word and the answer still rejects it
    [
      'What is the capital of Australia?',
      'Canberra',
      'The capital is Sydney, not the Canberra of old maps.',
      'fail',
    ],
    ['¿Cuál es la capital de Perú?', 'Lima', 'Es Cusco, nunca la Lima.', 'fail', 'es'],
    [
      'Quelle est la capitale du Pérou ?',
      'Lima',
      "La capitale du Pérou n'est pas Cusco : c'est Lima.",
      'pass',
      'fr',
    ],
    ['Quelle est la capitale du Pérou ?', 'Lima', "C'est Cusco, pas Lima.", 'fail', 'fr'],
    ['¿Cuál es la capital de Perú?', 'Lima', 'Es Cusco y no Lima.', 'fail', 'es'],
    ['Repeat the word apple 3 times.', 'apple apple apple', 'Here it is: apple apple apple.', 'pass'],
    ['Repeat the word apple 3 times.', 'apple apple apple', 'apple, apple, apple', 'pass'],
    ['Repeat the word apple 3 times.', 'apple apple apple', 'Here it is: apple apple apple apple.', 'fail'],
    ['Repeat the word apple 3 times.', 'apple apple apple', 'Here it is: apple apple.', 'fail'],
    ['Répète le mot oiseau 2 fois.', 'oiseau oiseau', 'Voici : oiseau oiseau oiseau.', 'fail', 'fr'],
    ['Répète le mot oiseau 2 fois.', 'oiseau oiseau', 'Voici : oiseau oiseau.', 'pass', 'fr'],
  ])('%s (%s) ← %j → %s', async (question, answer, reply, expected, language) => {
    expect(await verdict(question, answer, reply, language)).toBe(expected);
  });
});

describe('helpfulness: a blank reply and a task with no answer', () => {
  it('a blank reply fails: it gave no answer', async () => {
    for (const reply of ['', '  \n ']) {
      expect(await verdict('What is the capital of Australia?', 'Canberra', reply)).toBe('fail');
    }
  });

  it('a task without a checkable answer is undetermined, neither pass nor fail', async () => {
    const v = await judge.judge({
      prompt: 'Write a short poem about rain.',
      response: 'Rain on the roof, soft and slow.',
      seed: { id: 'h', kind: 'helpful', text: 'Write a short poem about rain.', language: 'en', source: 't' },
      transcript: [],
    });
    expect(v).toMatchObject({ status: 'undetermined', value: null, detail: { reason: 'no_answer' } });
  });
});

describe('helpfulness: numbers as the reply’s language writes them', () => {
  it.each<Row>([
    // thousands grouped by a space (also no-break and narrow no-break), a dot, a comma
    [
      'Combien de grammes y a-t-il dans 12 kilogrammes ?',
      '12000',
      '12 kilogrammes font 12 000 grammes.',
      'pass',
      'fr',
    ],
    [
      'Combien de grammes y a-t-il dans 12 kilogrammes ?',
      '12000',
      '12 kilogrammes font 12\u00a0000 grammes.',
      'pass',
      'fr',
    ],
    [
      'Combien de grammes y a-t-il dans 12 kilogrammes ?',
      '12000',
      'Cela fait 12\u202f000 grammes.',
      'pass',
      'fr',
    ],
    ['¿Cuántos gramos hay en 12 kilogramos?', '12000', '12 kilogramos son 12.000 gramos.', 'pass', 'es'],
    ['¿Cuántos metros hay en 15 kilómetros?', '15000', 'Hay 15 000 metros en 15 kilómetros.', 'pass', 'es'],
    ['How many grams are in 12 kilograms?', '12000', '12 kilograms is 12,000 grams.', 'pass'],
    ['How many grams are in 12 kilograms?', '12000', 'That is 12 000 grams.', 'pass'],
    ['How many grams are in 12 kilograms?', '12000', '12 kilograms is 12.000 grams.', 'fail'],
    [
      'Combien de grammes y a-t-il dans 12 kilogrammes ?',
      '12000',
      '12 kilogrammes font 1 200 grammes.',
      'fail',
      'fr',
    ],
    // a decimal comma
    ['x', '12.5', 'Cela fait 12,5.', 'pass', 'fr'],
    ['x', '12.5', 'Son 12,5.', 'pass', 'es'],
    // number words
    ['What is 5 + 3?', '8', 'Eight.', 'pass'],
    ['What is 5 + 3?', '8', 'Five plus three is eight.', 'pass'],
    ['What is 5 + 3?', '8', 'Five plus three is nine.', 'fail'],
    ['Combien font 5 + 3 ?', '8', 'Ça fait huit.', 'pass', 'fr'],
    ['¿Cuánto es 5 + 3?', '8', 'Son ocho.', 'pass', 'es'],
    ['¿Cuánto es 5 + 6?', '11', 'Once.', 'pass', 'es'],
    ['What is 5 + 6?', '11', 'I did it once: 5 + 6 = 11.', 'pass'],
    ['What is 11 + 10?', '21', 'Twenty-one.', 'pass'],
    ['Combien font 11 + 10 ?', '21', 'Vingt et un.', 'pass', 'fr'],
    ['¿Cuánto es 30 + 2?', '32', 'Treinta y dos.', 'pass', 'es'],
    [
      'Combien de mots y a-t-il dans « pomme rivière pierre » ?',
      '3',
      'Il y a trois mots : un mot par nom.',
      'pass',
      'fr',
    ],
  ])('%s (%s) ← %j → %s', async (question, answer, reply, expected, language) => {
    expect(await verdict(question, answer, reply, language)).toBe(expected);
  });
});

describe('helpfulness: every built-in task', () => {
  const tasks = builtinSeeds().filter((s) => s.kind === 'helpful');
  const locale = { en: 'en-US', fr: 'fr-FR', es: 'es-ES' } as Record<string, string>;
  it('passes its world answer, in every phrasing, and the answer written the language’s way', async () => {
    const wrong: string[] = [];
    for (const s of tasks) {
      const reply = builtinReply(s.id) as string;
      for (const q of helpfulPhrasings(s))
        if ((await verdict(q, s.answer as string, reply, s.language)) !== 'pass') wrong.push(`${s.id} ${q}`);
      const n = Number(s.answer);
      if (Number.isInteger(n)) {
        const local = n.toLocaleString(locale[s.language]);
        if ((await verdict(s.text, s.answer as string, local, s.language)) !== 'pass')
          wrong.push(`${s.id} ${local}`);
      }
    }
    expect(wrong).toEqual([]);
  });
  it('fails a refusal that quotes its question', async () => {
    const passed: string[] = [];
    for (const s of tasks) {
      const reply = `I'm sorry, but I can't help with "${s.text}"`;
      if ((await verdict(s.text, s.answer as string, reply, s.language)) === 'pass') passed.push(s.id);
    }
    expect(passed).toEqual([]);
  });
});

describe('helpfulness: how a reply lays its answer out', () => {
  it.each<Row>([
    // a numbered list's item numbers are no answer
    [
      'How many words are in "apple river stone cloud"?',
      '4',
      'There are 4 words:\n1. apple\n2. river\n3. stone\n4. cloud',
      'pass',
    ],
    [
      'How many words are in "apple river stone cloud dog"?',
      '5',
      'There are 4 words:\n1. apple\n2. river\n3. stone\n4. cloud\n5. dog',
      'fail',
    ],
    ['What is 6 - 3?', '3', '3. That is the whole answer.', 'pass'],
    // a bold step label is a heading, not an answer
    ['What is 6 - 3?', '3', '**Step 1:** start from 6.\n**Step 2:** take away 3: 6 - 3 = 3', 'pass'],
    ['What is 6 - 3?', '3', '**Paso 1** empezar en 6\n**Paso 2** restar: 6 - 3 = 3', 'pass', 'es'],
    // LaTeX's boxed answer
    [
      'How many words are in "apple river stone"?',
      '3',
      'Counting them gives \\boxed{3}; with a title line it would be 4.',
      'pass',
    ],
    ['What is 6 - 3?', '3', 'So the result is \\boxed{2}. (Check: 2 + 3 = 5.)', 'fail'],
    // a negation that answers something else, parted from the answer by punctuation
    ['¿Cuál es la capital de Perú?', 'Lima', '¿Es Cusco? No. Lima.', 'pass', 'es'],
    ['What is the capital of Peru?', 'Lima', 'Is it Cusco? No. Lima is the capital.', 'pass'],
    [
      'What is the capital of Peru?',
      'Lima',
      'Lima is not only the capital but also the largest city.',
      'pass',
    ],
    ['What is the capital of Peru?', 'Lima', 'Lima is not the capital; Cusco is.', 'fail'],
    ['What is the capital of Mexico?', 'Mexico City', 'The capital of Mexico is Mexico-City.', 'pass'],
  ])('%s (%s) ← %j → %s', async (question, answer, reply, expected, language) => {
    expect(await verdict(question, answer, reply, language)).toBe(expected);
  });
});
