/**
 * Named diagnostics channels: the hot path publishes, subscribers (the decision log, tests,
 * metrics) listen. Publishing to a channel nobody subscribes to costs a property check.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import type { AuditRecord } from '../store/types.js';

/** One message per finished call, with its audit record. */
export const requestEnd = diagnostics_channel.channel('chainwarden:gateway:request:end');
/** Upstream failures: `{ requestId, connection, code, message }`. */
export const upstreamError = diagnostics_channel.channel('chainwarden:gateway:upstream:error');
/** Unexpected failures inside a stage: `{ requestId, error }`. */
export const internalError = diagnostics_channel.channel('chainwarden:gateway:internal:error');
/** Policy reloads and rejected reloads: `{ ok, file, errors? }`. */
export const policyReload = diagnostics_channel.channel('chainwarden:gateway:policy:reload');
/** Malformed requests refused by the HTTP parser: `{ code, message }`. */
export const clientError = diagnostics_channel.channel('chainwarden:gateway:client:error');

export interface RequestEndMessage {
  record: AuditRecord;
}
