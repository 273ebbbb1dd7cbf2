/**
 * Bookkeeping for responses the upstream still owes. Every message the gateway sends that the upstream
 * answers becomes a Unit, in order; the upstream's replies are matched to the oldest unit. After an
 * error in the extended protocol the upstream skips to the next Sync, and so do the units.
 */
import type { Decision } from '../policy/index.js';
import type { StatementInfo } from './classify.js';
import type { PgGatewayError } from './errors.js';
import type { MaskPlan } from './masking.js';
import type { MaskSpec } from '../policy/index.js';

/** One statement execution, followed until it completes, for the audit record. */
export interface Run {
  info: StatementInfo | null;
  decision: Decision | null;
  start: number;
  upstreamStart: number | null;
  bytesIn: number;
  bytesOut: number;
  rowsSeen: number;
  masked: Record<string, number>;
  estimatedRows: number | null;
  approvalId: string | null;
  approver: string | null;
  audited: boolean;
  specs: MaskSpec[];
  /** Set when the statement could not be parsed: the audit shows its size, never its text. */
  unparsable?: number;
}

export interface StatementState {
  name: string;
  /** The name the upstream knows it by: fresh for every Parse. */
  upstream: string;
  text: string;
  paramTypes: number[];
  info: StatementInfo | null;
  specs: MaskSpec[];
  /** The RowDescription body from a Describe, decoded only when masking needs it. */
  rowDescBody?: Buffer;
}

export interface PortalState {
  name: string;
  upstream: string;
  stmt: StatementState | undefined;
  resultFormats: number[];
  paramFormats: number[];
  params: Array<Buffer | null>;
  described: boolean;
  rowDescBody?: Buffer;
}

/** Where an internal unit's results go: never to the client unless `forwardError`. */
export interface InternalSink {
  firstColumn: string[];
  error: Buffer | null;
  forwardError: boolean;
  done(): void;
}

export type UnitKind = 'parse' | 'bind' | 'describe' | 'execute' | 'close' | 'sync' | 'query';

export interface Unit {
  kind: UnitKind;
  batch: number;
  internal?: InternalSink;
  /** The upstream's error for this unit is replaced by this one (a denied statement). */
  substitute?: PgGatewayError;
  run?: Run;
  runs?: Run[];
  runIndex?: number;
  plan?: MaskPlan | null;
  planned?: boolean;
  describe?: { stmt?: StatementState; portal?: PortalState };
  portal?: PortalState;
}

export function newRun(info: StatementInfo | null, bytesIn: number): Run {
  return {
    info, decision: null, start: Date.now(), upstreamStart: null, bytesIn, bytesOut: 0, rowsSeen: 0, masked: {},
    estimatedRows: null, approvalId: null, approver: null, audited: false, specs: [],
  };
}
