/**
 * Sends an authorised call to its upstream through the connection's undici Pool and streams the
 * answer back. Uses the dispatcher's handler lifecycle directly (onConnect → onHeaders → onData* →
 * onComplete | onError): no intermediate streams, backpressure both ways (the caller's request
 * stream feeds the upstream; a full caller socket pauses the upstream until it drains).
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { ErrorCode } from '../errors.js';
import { upstreamError } from './channels.js';
import type { Exchange } from './exchange.js';
import { downstreamHeaders, upstreamHeaders } from './headers.js';
import { isEventStream, streamHeaders } from './sse.js';

const NO_BODY = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

export function forward(ex: Exchange): void {
  const req = ex.req;
  if (ex.prefetched) return dispatch(ex, ex.prefetched);
  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  const hasBody = chunked || (length !== undefined && length !== '0') || !NO_BODY.has(req.method!);
  if (length !== undefined) ex.bytesIn = Number(length) || 0;
  if (hasBody && !chunked && ex.bytesIn > 0 && ex.bytesIn <= SMALL_BODY) return collectSmall(ex, (body) => dispatch(ex, body));
  dispatch(ex, hasBody ? (chunked ? Readable.from(counted(ex), { objectMode: false }) : req) : null);
}

/**
 * Bodies up to this size are gathered before dispatch so the upstream gets headers and body in
 * one write (SDK calls are mostly a few KB); bigger and chunked bodies stream with backpressure.
 */
const SMALL_BODY = 64 * 1024;
/** The most response bytes masking scans; a larger masked response is refused rather than passed unscanned. */
const MASK_MAX_BYTES = 32 * 1024 * 1024;

function collectSmall(ex: Exchange, then: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  ex.req.on('data', (c: Buffer) => {
    chunks.push(c);
    size += c.length;
  });
  let ended = false;
  ex.req.once('end', () => {
    ended = true;
    then(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  });
  ex.req.once('error', () => undefined);
  ex.res.once('close', () => {
    if (ended || ex.settled) return;
    // The caller went away mid-body: nothing was sent upstream; record it.
    ex.error = 'CW_ERR_CALLER_CLOSED';
    ex.status = 499;
    ex.settle(() => undefined);
  });
}

function dispatch(ex: Exchange, body: Buffer | Readable | null): void {
  const u = ex.upstream!;
  const req = ex.req;
  const handler = new ForwardHandler(ex);
  ex.res.once('close', () => handler.callerClosed());
  ex.upstreamStart = performance.now();
  u.pool.dispatch(
    {
      path: u.basePath + ex.path + ex.query,
      method: req.method as Dispatcher.HttpMethod,
      headers: upstreamHeaders(req.rawHeaders, u.inject, req.headers['content-length']),
      body,
      headersTimeout: u.headersTimeout,
      bodyTimeout: u.bodyTimeout,
    },
    handler,
  );
}

/** undici's dispatch handler for one call. */
class ForwardHandler implements Dispatcher.DispatchHandler {
  private abort: ((err?: Error) => void) | null = null;
  private resume: (() => void) | null = null;
  private waitingForDrain = false;
  private done = false;
  /** The declared response length, or -1 (chunked). */
  private expected = -1;
  /**
   * With a declared length, the caller sees the call complete at its last byte, so that chunk is
   * held back until the audit record is durable; a chunked answer completes only at res.end().
   */
  private held: Buffer | undefined;
  private readonly onDrain = () => {
    this.waitingForDrain = false;
    this.resume?.();
  };

  constructor(private readonly ex: Exchange) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, _statusText: string): boolean {
    const ex = this.ex;
    ex.status = statusCode;
    this.resume = resume;
    if (ex.masker && !ex.transform && !this.startMasking(rawHeaders)) return false;
    const transform = ex.transform;
    let headers = downstreamHeaders(rawHeaders, transform !== null, ex.masker !== null);
    const stream = isEventStream(headers);
    if (stream) headers = streamHeaders(headers);
    headers.push('x-chainwarden-request-id', ex.id);
    if (!transform) this.expected = declaredLength(headers);
    ex.res.writeHead(statusCode, headers);
    if (stream) ex.res.flushHeaders();
    if (transform) {
      transform.on('data', (c: Buffer) => {
        if (!ex.res.write(c)) transform.pause(), ex.res.once('drain', () => transform.resume());
      });
      transform.on('drain', this.onDrain);
    }
    return true;
  }

  /**
   * Chooses the masking stream now that the content type and encoding are known. A body that
   * cannot be scanned safely is refused (fail closed): the upstream call is aborted and the caller
   * gets a coded 502, never the unmasked bytes.
   */
  private startMasking(rawHeaders: Buffer[]): boolean {
    const ex = this.ex;
    const header = (name: string): string | null => {
      for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toString('latin1').toLowerCase() === name) return rawHeaders[i + 1]!.toString('latin1');
      return null;
    };
    const length = header('content-length');
    const stream = ex.masker!.createMaskingStream({ contentType: header('content-type'), contentEncoding: header('content-encoding'), contentLength: length === null ? null : Number(length), maxBytes: MASK_MAX_BYTES });
    if ('blocked' in stream) {
      this.done = true;
      ex.maskError = stream.blocked.code;
      ex.fail('CW_ERR_MASKING_BLOCKED', stream.blocked.message);
      this.abort?.(new Error('masking refused the response'));
      return false;
    }
    stream.once('error', (e: Error & { code?: string }) => {
      // Part of the answer may be out: cut it, so the caller sees a failure rather than unmasked or short data.
      ex.maskError = e.code ?? 'CW_MASK_FAILED';
      ex.error = 'CW_ERR_MASKING_BLOCKED';
      this.done = true;
      this.abort?.(e);
      ex.settle(() => ex.res.destroy());
    });
    ex.transform = stream;
    return true;
  }

  onData(chunk: Buffer): boolean {
    const ex = this.ex;
    ex.bytesOut += chunk.length;
    if (this.expected >= 0 && ex.bytesOut >= this.expected) {
      this.held = chunk;
      return true;
    }
    const ok = ex.transform ? ex.transform.write(chunk) : ex.res.write(chunk);
    if (ok) return true;
    if (!this.waitingForDrain) {
      this.waitingForDrain = true;
      if (!ex.transform) ex.res.once('drain', this.onDrain);
    }
    return false;
  }

  onComplete(_trailers: string[] | null): void {
    this.done = true;
    const ex = this.ex;
    ex.upstreamMs = performance.now() - ex.upstreamStart;
    const t = ex.transform;
    if (t) {
      t.once('end', () => ex.settle(() => ex.res.end()));
      t.end();
      return;
    }
    ex.settle(() => ex.res.end(this.held));
  }

  onError(err: Error): void {
    this.done = true;
    const ex = this.ex;
    ex.upstreamMs = performance.now() - ex.upstreamStart;
    if (ex.settled) return; // the caller went away first; already recorded
    const code = upstreamCode(err);
    if (upstreamError.hasSubscribers) upstreamError.publish({ requestId: ex.id, connection: ex.connection, code, message: err.message });
    if (ex.res.headersSent) {
      // Part of the answer is out: cut the stream so the caller sees a failure, not a short body.
      ex.error = code;
      ex.settle(() => ex.res.destroy());
      return;
    }
    ex.fail(code, describe(err));
  }

  /** The caller's socket closed: stop the upstream call if it is still running. */
  callerClosed(): void {
    if (this.done || this.ex.res.writableFinished) return;
    this.done = true;
    const ex = this.ex;
    if (!ex.settled) {
      ex.error = 'CW_ERR_CALLER_CLOSED';
      ex.status = ex.status || 499;
      ex.settle(() => undefined);
    }
    this.abort?.(new Error('the caller closed the connection'));
  }
}

/** A body of unknown length, counted as the upstream consumes it (a listener added now would start the flow too early). */
async function* counted(ex: Exchange): AsyncGenerator<Buffer> {
  for await (const chunk of ex.req as AsyncIterable<Buffer>) {
    ex.bytesIn += chunk.length;
    yield chunk;
  }
}

function declaredLength(headers: readonly string[]): number {
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === 'content-length') return Number(headers[i + 1]);
  return -1;
}

function upstreamCode(err: Error): ErrorCode {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'CW_ERR_UPSTREAM_TIMEOUT';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'CW_ERR_UPSTREAM_CONNECT';
  return 'CW_ERR_UPSTREAM';
}

/** A short, credential-free reason: the error code only (messages can echo hosts or headers). */
function describe(err: Error): string {
  const code = (err as { code?: string }).code;
  return code ? `${code}` : 'upstream failure';
}
