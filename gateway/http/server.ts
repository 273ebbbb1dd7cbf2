/**
 * The data-plane listener: node:http with strict parsing. Malformed requests (bad or oversized
 * headers, Content-Length together with Transfer-Encoding, CONNECT) are answered with a coded JSON
 * error on the raw socket and never reach the pipeline. Tracks calls in flight so shutdown can drain.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody, GATEWAY_ERRORS, type ErrorCode } from '../errors.js';
import { clientError } from './channels.js';
import { Exchange, type ExchangeEnv } from './exchange.js';
import type { Runtime } from './runtime.js';

export interface DataPlane {
  server: Server;
  /** Calls not yet finished. */
  readonly inFlight: number;
  /** Stops accepting, lets calls in flight finish for up to `drainMs`, then cuts the rest. */
  drain(drainMs: number): Promise<{ drained: boolean; cut: number }>;
}

export function createDataPlane(options: {
  runtime: () => Runtime;
  env: ExchangeEnv;
  handle: (ex: Exchange) => void;
  maxHeaderSize?: number;
}): DataPlane {
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | null = null;
  const server = createServer({ maxHeaderSize: options.maxHeaderSize ?? 16 * 1024, requireHostHeader: false, headersTimeout: 30_000, requestTimeout: 0 });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0 && idle) idle();
    });
    const ex = new Exchange(req, res, options.runtime(), options.env);
    if (draining) {
      res.shouldKeepAlive = false;
      return ex.fail('CW_ERR_SHUTTING_DOWN');
    }
    if (!options.env.writer.healthy && !options.env.failOpen) return ex.fail('CW_ERR_AUDIT_UNAVAILABLE');
    options.handle(ex);
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const code: ErrorCode = err.code === 'HPE_HEADER_OVERFLOW' ? 'CW_ERR_HEADERS_TOO_LARGE' : 'CW_ERR_BAD_REQUEST';
    if (clientError.hasSubscribers) clientError.publish({ code, parserCode: err.code });
    rawError(socket, code, parserReason(err));
  });

  server.on('connect', (_req: IncomingMessage, socket: Duplex) => rawError(socket, 'CW_ERR_METHOD_NOT_ALLOWED', 'CONNECT tunnels are not offered'));

  return {
    server,
    get inFlight() {
      return inFlight;
    },
    async drain(drainMs) {
      draining = true;
      server.close();
      server.closeIdleConnections();
      let drained = inFlight === 0;
      if (!drained) {
        drained = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), drainMs);
          idle = () => (clearTimeout(timer), resolve(true));
        });
      }
      const cut = inFlight;
      server.closeAllConnections();
      return { drained, cut };
    },
  };
}

/** Answers on a socket the HTTP parser gave up on, then closes it. */
function rawError(socket: Duplex, code: ErrorCode, detail: string): void {
  if (!socket.writable) return void socket.destroy();
  const spec = GATEWAY_ERRORS[code];
  const body = errorBody(code, '-', detail);
  socket.end(`HTTP/1.1 ${spec.status} ${reasonPhrase(spec.status)}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

function reasonPhrase(status: number): string {
  return ({ 400: 'Bad Request', 405: 'Method Not Allowed', 431: 'Request Header Fields Too Large' } as Record<number, string>)[status] ?? 'Error';
}

/** The parser's reason in words, without echoing the offending bytes. */
function parserReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'the header section exceeds the limit';
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return 'Content-Length and Transfer-Encoding must not both be sent';
    case 'HPE_INVALID_HEADER_TOKEN':
      return 'a header name contains an invalid character';
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return 'the Transfer-Encoding is not valid';
    case 'HPE_INVALID_CONTENT_LENGTH':
      return 'the Content-Length is not valid';
    default:
      return `the request cannot be parsed (${err.code ?? 'unknown'})`;
  }
}
