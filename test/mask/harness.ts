/** Drive a masking stream with chosen chunks, and a fake upstream on 127.0.0.1 that sends them over TCP. */
import { createServer, request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import assert from 'node:assert/strict';
import type { Masker } from '../../gateway/mask/masker.js';
import type { MaskingStream, MaskingStreamOptions } from '../../gateway/mask/stream.js';

export interface Through {
  out: string;
  counts: Record<string, number>;
}

export function open(masker: Masker, options: MaskingStreamOptions): MaskingStream {
  const s = masker.createMaskingStream(options);
  assert.ok(!('blocked' in s), `unexpectedly blocked: ${'blocked' in s ? s.blocked.code : ''}`);
  return s as MaskingStream;
}

export async function collect(source: NodeJS.ReadableStream | Readable, stream: MaskingStream): Promise<Through> {
  const parts: Buffer[] = [];
  await pipeline(source, stream, new Writable({ write: (c: Buffer, _e, done) => (parts.push(c), done()) }));
  return { out: Buffer.concat(parts).toString('utf8'), counts: stream.counts };
}

export function through(masker: Masker, options: MaskingStreamOptions, chunks: Buffer[]): Promise<Through> {
  return collect(Readable.from(chunks), open(masker, options));
}

export function splitAt(body: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const c of [...cuts, body.length]) {
    out.push(body.subarray(at, c));
    at = c;
  }
  return out.filter((b) => b.length > 0);
}

export interface UpstreamRoute {
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A fake upstream: GET /<route>?cuts=3,17,… answers with the route's body written in those pieces, each write
 * waiting for the previous one to be flushed to the socket (with Nagle off), so the client sees them apart.
 */
export class FakeUpstream {
  private server: Server | null = null;
  readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });
  port = 0;
  constructor(private readonly routes: Record<string, UpstreamRoute>) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = this.routes[url.pathname.slice(1)];
      if (!route) return void res.writeHead(404).end();
      const cuts = (url.searchParams.get('cuts') ?? '').split(',').filter(Boolean).map(Number);
      res.socket?.setNoDelay(true);
      res.writeHead(200, route.headers);
      const chunks = splitAt(route.body, cuts);
      const next = (i: number): void => {
        if (i >= chunks.length) return void res.end();
        res.write(chunks[i], () => setImmediate(() => next(i + 1)));
      };
      next(0);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  /** Fetch a route through a masking stream built from the response headers, as the gateway will. */
  fetchMasked(masker: Masker, route: string, cuts: number[], maxBytes = 1 << 20): Promise<Through & { blocked?: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, path: `/${route}?cuts=${cuts.join(',')}`, agent: this.agent }, (res) => {
        const s = masker.createMaskingStream({
          contentType: res.headers['content-type'],
          contentEncoding: res.headers['content-encoding'],
          contentLength: res.headers['content-length'] ? Number(res.headers['content-length']) : null,
          maxBytes,
        });
        if ('blocked' in s) {
          res.resume();
          return resolve({ out: '', counts: {}, blocked: s.blocked.code });
        }
        collect(res, s).then(resolve, reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
