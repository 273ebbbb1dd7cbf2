/**
 * Fake upstreams that speak enough of the real APIs for the SDKs: OpenAI chat completions
 * (JSON and SSE) and models; Anthropic messages (JSON and SSE). Each records every request it saw.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeUpstream {
  url: string;
  port: number;
  seen: SeenRequest[];
  /** Connections accepted, to show nothing else reached it. */
  connections: number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function start(handler: (req: SeenRequest, res: import('node:http').ServerResponse) => void | Promise<void>): Promise<FakeUpstream> {
  const seen: SeenRequest[] = [];
  const fake = { seen, connections: 0 } as FakeUpstream;
  const server: Server = createServer(async (req, res) => {
    const r: SeenRequest = { method: req.method!, url: req.url!, headers: req.headers, body: await readBody(req) };
    seen.push(r);
    await handler(r, res);
  });
  server.on('connection', () => fake.connections++);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      fake.port = port;
      fake.url = `http://127.0.0.1:${port}`;
      fake.close = () => new Promise((r) => (server.closeAllConnections(), server.close(() => r())));
      resolve(fake);
    });
  });
}

const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

export const REPLY_WORDS = ['Hello', ' from', ' the', ' fake', ' upstream'];

/** OpenAI-compatible: POST {prefix}/chat/completions (stream or not), GET {prefix}/models, POST /echo. */
export function fakeOpenAI(prefix = '/v1'): Promise<FakeUpstream> {
  return start(async (r, res) => {
    const path = r.url.split('?')[0];
    if (r.method === 'GET' && path === `${prefix}/models`) return json(res, 200, { object: 'list', data: [{ id: 'gpt-fake', object: 'model', created: 0, owned_by: 'fake' }] });
    if (r.method === 'POST' && path === `${prefix}/echo`) return json(res, 200, { bytes: Buffer.byteLength(r.body) });
    if (r.method === 'GET' && path === `${prefix}/slow`) {
      // undici checks headers timeouts on a ~1 s clock: be slower than that.
      await new Promise((t) => setTimeout(t, 3000));
      return json(res, 200, { slow: true });
    }
    if (r.method === 'POST' && path === `${prefix}/chat/completions`) {
      const req = JSON.parse(r.body || '{}') as { model?: string; stream?: boolean };
      const base = { id: 'chatcmpl-fake', created: 1_700_000_000, model: req.model ?? 'gpt-fake' };
      if (!req.stream) {
        return json(res, 200, {
          ...base,
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: REPLY_WORDS.join('') }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
        });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }, null));
      for (const w of REPLY_WORDS) {
        res.write(chunk({ content: w }, null));
        await new Promise((t) => setTimeout(t, 5));
      }
      res.write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
      return;
    }
    json(res, 404, { error: { message: `fake upstream: no route ${r.method} ${path}`, type: 'invalid_request_error' } });
  });
}

/** Anthropic-compatible: POST /v1/messages (stream or not). */
export function fakeAnthropic(): Promise<FakeUpstream> {
  return start(async (r, res) => {
    if (r.method !== 'POST' || r.url.split('?')[0] !== '/v1/messages') return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'no route' } });
    const req = JSON.parse(r.body || '{}') as { model?: string; stream?: boolean };
    const message = { id: 'msg_fake', type: 'message', role: 'assistant', model: req.model ?? 'claude-fake', stop_sequence: null };
    if (!req.stream) {
      return json(res, 200, { ...message, content: [{ type: 'text', text: REPLY_WORDS.join('') }], stop_reason: 'end_turn', usage: { input_tokens: 3, output_tokens: 5 } });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const ev = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    ev('message_start', { message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 3, output_tokens: 1 } } });
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    for (const w of REPLY_WORDS) {
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: w } });
      await new Promise((t) => setTimeout(t, 5));
    }
    ev('content_block_stop', { index: 0 });
    ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } });
    ev('message_stop', {});
    res.end();
  });
}
