/**
 * The decision log: one line per call on stderr, in a stable greppable format the editor colours:
 *   allow chain=support-bot connection=openai op="POST /v1/chat/completions" status=200 ms=3.2 rule="…" id=…
 * It subscribes to the request-end channel and writes lines once per event-loop turn, so a busy
 * gateway does one write per batch rather than one per call.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { requestEnd, type RequestEndMessage } from './channels.js';
import type { AuditRecord } from '../store/types.js';

export function formatDecisionLine(r: AuditRecord): string {
  const rule = r.rule === null ? '' : ` rule=${quote(r.rule)}`;
  const code = r.error === null ? '' : ` code=${r.error}`;
  return `${r.decision} chain=${r.chain ?? '-'} connection=${r.connection ?? '-'} op=${quote(r.operation)} status=${r.status} ms=${r.latency_ms.toFixed(1)}${rule}${code}${r.flagged ? ' flagged' : ''} id=${r.id}`;
}

function quote(s: string): string {
  return `"${s.replace(/["\\\n\r]/g, (c) => encodeURIComponent(c))}"`;
}

/** Starts writing decision lines to `write`; returns the function that stops it. */
export function subscribeDecisionLog(write: (text: string) => void): () => void {
  let lines: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const text = lines.join('\n') + '\n';
    lines = [];
    write(text);
  };
  const onEnd = (message: unknown) => {
    lines.push(formatDecisionLine((message as RequestEndMessage).record));
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  diagnostics_channel.subscribe(requestEnd.name, onEnd);
  return () => {
    diagnostics_channel.unsubscribe(requestEnd.name, onEnd);
    if (lines.length) flush();
  };
}
