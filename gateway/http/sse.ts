/**
 * Server-sent events pass through chunk by chunk: the gateway writes each upstream chunk as it
 * arrives and sends the headers at once, so the caller's time to first token is the upstream's.
 */
const EVENT_STREAM = 'text/event-stream';

/** Whether the flat response headers announce an event stream. */
export function isEventStream(headers: readonly string[]): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === 'content-type') return headers[i + 1]!.toLowerCase().startsWith(EVENT_STREAM);
  }
  return false;
}

/** Extra response headers for a stream: tell buffering proxies in front of us not to hold it. */
export function streamHeaders(headers: string[]): string[] {
  headers.push('x-accel-buffering', 'no');
  return headers;
}
