/** Upstream response bodies with planted sensitive values, in the shapes real providers send. */
import type { MaskSpec } from '../../gateway/policy/types.js';
import type { Rng } from './random.js';

export const PLANTED = {
  pan: '4111 1111 1111 1111',
  panPlain: '5555555555554444',
  amex: '3782 822463 10005',
  ssn: '123-45-6789',
  email: 'john.doe@example.com',
  iban: 'DE89 3704 0044 0532 0130 00',
  phone: '+1 415 555 2671',
  openaiKey: 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0',
  githubToken: 'ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0aB12',
  awsKey: 'AKIAIOSFODNN7EXAMPLE',
};

/** Substrings that must never reach a reader (the distinctive middle of each planted value). */
export const MUST_NOT_APPEAR = ['1111 1111 1111', '55555555', '822463', '123-45', 'john.doe', '3704 0044 0532', '415 555', 'Ab3dEf6hIj9kLm2nOp5q', 'IOSFODNN7'];

export const ALL_DETECTORS: MaskSpec[] = (['credit_card', 'us_ssn', 'iban', 'email', 'phone', 'secret'] as const).map((detector) => ({ detector, replace: 'partial' }));

export const ASSISTANT_TEXT =
  `Sure! The card on file is ${PLANTED.pan} (backup ${PLANTED.panPlain}, corporate ${PLANTED.amex}). ` +
  `Your SSN ${PLANTED.ssn} and email ${PLANTED.email} are verified; refunds go to ${PLANTED.iban}. ` +
  `Call ${PLANTED.phone} if needed. Debug: OPENAI_API_KEY=${PLANTED.openaiKey}, token ${PLANTED.githubToken}, aws ${PLANTED.awsKey}. ` +
  `Released on 2024-01-15 in v1.2.3 for order 123456789012.`;

/** A shorter text with one value of each kind, for tests that split a stream at every byte offset. */
export const COMPACT_TEXT =
  `Card ${PLANTED.pan}, SSN ${PLANTED.ssn}, mail ${PLANTED.email}, IBAN ${PLANTED.iban}, tel ${PLANTED.phone}, key ${PLANTED.openaiKey} ok.`;

export function chatCompletionJson(): string {
  return JSON.stringify({
    id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    object: 'chat.completion',
    created: 1727000000,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', content: ASSISTANT_TEXT, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 120, completion_tokens: 80, total_tokens: 200 },
    card_number: 4111111111111111,
  });
}

/** Cut text into pieces of 1–maxPiece characters, as token streams do. */
export function pieces(text: string, r: Rng, maxPiece = 6): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = r.int(1, maxPiece);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

export function openAiSse(parts: string[], withEnd = true): string {
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1727000000, model: 'gpt-4o', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  let s = chunk({ role: 'assistant', content: '' }, null);
  for (const p of parts) s += chunk({ content: p }, null);
  if (withEnd) s += chunk({}, 'stop') + 'data: [DONE]\n\n';
  return s;
}

export function anthropicSse(parts: string[]): string {
  const ev = (type: string, body: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
  let s = ev('message_start', { message: { id: 'msg_01', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-5', usage: { input_tokens: 10, output_tokens: 1 } } });
  s += ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  parts.forEach((p, i) => {
    s += ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } });
    if (i % 7 === 3) s += ev('ping', {});
  });
  s += ev('content_block_stop', { index: 0 });
  s += ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 80 } });
  s += ev('message_stop', {});
  return s;
}

export function ollamaNdjson(parts: string[]): string {
  let s = '';
  for (const p of parts) s += JSON.stringify({ model: 'llama3', created_at: '2024-01-15T00:00:00Z', message: { role: 'assistant', content: p }, done: false }) + '\n';
  return s + JSON.stringify({ model: 'llama3', message: { role: 'assistant', content: '' }, done: true, eval_count: 80 }) + '\n';
}

/** The text a user reads from a masked stream: the streamed fields concatenated. */
export function readText(kind: 'openai' | 'anthropic' | 'ollama', body: string): string {
  let text = '';
  if (kind === 'ollama') {
    for (const line of body.split('\n')) if (line.trim()) text += (JSON.parse(line) as { message?: { content?: string } }).message?.content ?? '';
    return text;
  }
  for (const block of body.split('\n\n')) {
    const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
    if (!data || data === '[DONE]') continue;
    const ev = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }>; delta?: { text?: string } };
    text += kind === 'openai' ? ev.choices?.[0]?.delta?.content ?? '' : ev.delta?.text ?? '';
  }
  return text;
}
