/**
 * Every failure the PostgreSQL path reports, in one table: a stable Chainwarden code, the SQLSTATE the
 * client sees and a message template. docs/postgres.md lists the same codes (a test checks it).
 */
export interface PgErrorSpec {
  sqlstate: string;
  message: string;
}

export const PG_ERRORS = {
  CW_PG_BAD_STARTUP: { sqlstate: '08P01', message: 'invalid startup packet: {detail}' },
  CW_PG_UNSUPPORTED_PROTOCOL: { sqlstate: '0A000', message: 'unsupported frontend protocol {detail}: Chainwarden speaks 3.0' },
  CW_PG_MESSAGE_TOO_LARGE: { sqlstate: '08P01', message: 'message of {detail} bytes exceeds the limit' },
  CW_PG_BAD_MESSAGE: { sqlstate: '08P01', message: 'invalid message: {detail}' },
  CW_PG_UNEXPECTED_MESSAGE: { sqlstate: '08P01', message: 'unexpected message type "{detail}"' },
  CW_PG_AUTH_FAILED: { sqlstate: '28P01', message: 'Chainwarden authentication failed: {detail}' },
  CW_PG_REPLICATION_REFUSED: { sqlstate: '0A000', message: 'replication connections are not proxied by Chainwarden' },
  CW_PG_UPSTREAM_UNAVAILABLE: { sqlstate: '08006', message: 'the upstream database is unavailable: {detail}' },
  CW_PG_UPSTREAM_AUTH: { sqlstate: '08006', message: 'Chainwarden could not authenticate to the upstream database: {detail}' },
  CW_PG_DENIED: { sqlstate: '42501', message: 'Chainwarden denied this statement: {detail}' },
  CW_PG_APPROVAL_DENIED: { sqlstate: '42501', message: 'approval {detail}' },
  CW_PG_APPROVAL_CANCELLED: { sqlstate: '57014', message: 'canceling statement due to user request while it waited for approval {detail}' },
  CW_PG_FASTPATH_REFUSED: { sqlstate: '0A000', message: 'the fastpath function call protocol is not supported: it bypasses SQL, so nothing could classify it' },
  CW_PG_COPY_MASKED: { sqlstate: '42501', message: 'COPY TO STDOUT is refused on a connection whose results are masked: rows would bypass masking; use SELECT' },
  CW_PG_UNPARSABLE: { sqlstate: '42601', message: 'Chainwarden could not parse the statement, so it is denied: {detail}' },
  CW_PG_UNKNOWN_PREPARED: { sqlstate: '26000', message: 'prepared statement "{detail}" was not prepared through Chainwarden' },
  CW_PG_UNKNOWN_STATEMENT: { sqlstate: '26000', message: 'prepared statement "{detail}" does not exist' },
  CW_PG_UNKNOWN_PORTAL: { sqlstate: '34000', message: 'portal "{detail}" does not exist' },
  CW_PG_DUPLICATE_PREPARED: { sqlstate: '42P05', message: 'prepared statement "{detail}" already exists' },
  CW_PG_DUPLICATE_PORTAL: { sqlstate: '42P03', message: 'portal "{detail}" already exists' },
  CW_PG_UNSAFE_SETTING: { sqlstate: '0A000', message: 'the session changed {detail}, which would let statements be read differently than Chainwarden parsed them; the session is closed' },
  CW_PG_AUDIT_FAILED: { sqlstate: '58000', message: 'the audit record could not be written, so the session is closed' },
  CW_PG_CREDENTIAL_REVOKED: { sqlstate: '28000', message: 'the key this session authenticated with is no longer in the policy' },
  CW_PG_TOKEN_EXPIRED: { sqlstate: '28000', message: 'the token this session authenticated with has expired' },
  CW_PG_CONNECTION_REMOVED: { sqlstate: '57P01', message: 'the connection "{detail}" was removed from the policy' },
  CW_PG_SHUTDOWN: { sqlstate: '57P01', message: 'the Chainwarden gateway is shutting down' },
} as const satisfies Record<string, PgErrorSpec>;

export type PgErrorCode = keyof typeof PG_ERRORS;

/** A failure with a stable code; `toFields` gives the ErrorResponse fields for the client. */
export class PgGatewayError extends Error {
  readonly sqlstate: string;
  constructor(
    readonly code: PgErrorCode,
    detail = '',
    readonly extra: { detail?: string; hint?: string; fatal?: boolean } = {},
  ) {
    super(PG_ERRORS[code].message.replace('{detail}', detail));
    this.sqlstate = PG_ERRORS[code].sqlstate;
  }
}
