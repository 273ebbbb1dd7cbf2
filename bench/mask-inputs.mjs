/**
 * The inputs of bench/mask.ts for the .mjs benchmarks that compare two builds: the same generator and seed, so
 * every build reads the same bytes. Call in the order bench/mask.ts generates (the generator is shared state).
 */
let seed = 42;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
};
const pick = (a) => a[Math.floor(rand() * a.length)];
const WORDS = 'the a to of and your order was shipped on 2024-01-15 please confirm delivery address refund policy allows returns within 30 days version 1.2.3 customer support ticket number 48213 thanks for waiting we have updated account settings'.split(' ');
const PII = ['4111 1111 1111 1111', '123-45-6789', 'jane.roe@example.com', 'DE89 3704 0044 0532 0130 00', '+1 415 555 2671', 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0', '5555555555554444'];
const prose = (words, rate) => Array.from({ length: words }, () => (rand() < rate ? pick(PII) : pick(WORDS))).join(' ');
export const completion = (i, words) => ({
  id: `chatcmpl-${String(1000000 + i)}AbCdEfGhIjKlMnOpQrStUv`, object: 'chat.completion', created: 1727000000 + i, model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: prose(words, 0.01), refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 120, completion_tokens: words, total_tokens: 120 + words },
});
export function jsonOfSize(bytes) {
  const data = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const c = completion(i, 60);
    size += JSON.stringify(c).length + 1;
    data.push(c);
  }
  return JSON.stringify({ object: 'list', data });
}
export function sseOfSize(bytes) {
  const text = prose(Math.ceil(bytes / 40), 0.01);
  let s = '';
  for (let i = 0; s.length < bytes; ) {
    const n = 1 + Math.floor(rand() * 6);
    const piece = text.slice(i, i + n);
    i = (i + n) % (text.length - 8);
    s += `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1727000000, model: 'gpt-4o', choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }] })}\n\n`;
  }
  return s + 'data: [DONE]\n\n';
}

