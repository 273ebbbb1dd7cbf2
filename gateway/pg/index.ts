/** The PostgreSQL path of the gateway. */
export { startPostgresListeners, type PostgresListeners } from './listener.js';
export type { PgHooks, PgAuditRecord, ApprovalSummary, ApprovalOutcome, MaskColumn, MaskResult } from './hooks.js';
export { analyze, loadParser, type StatementInfo, type SqlOp, type Analysis } from './classify.js';
export { StatementCache } from './statement-cache.js';
export { PG_ERRORS, PgGatewayError, type PgErrorCode } from './errors.js';
export { approvalsFromService } from './approval-service.js';
