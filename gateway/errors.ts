/**
 * Every error the gateway answers with, in one table: a stable code, the HTTP status and the
 * `type` an SDK shows. docs/errors.md documents each code; a test fails when one is missing there.
 */
export interface ErrorSpec {
  status: number;
  type: string;
  message: string;
}

export const GATEWAY_ERRORS = {
  CW_ERR_BAD_REQUEST: { status: 400, type: 'invalid_request', message: 'the request is malformed' },
  CW_ERR_BAD_PATH: { status: 400, type: 'invalid_request', message: 'the request path is not allowed' },
  CW_ERR_ABSOLUTE_FORM: { status: 400, type: 'invalid_request', message: 'absolute-form request targets are not accepted; send a path' },
  CW_ERR_METHOD_NOT_ALLOWED: { status: 405, type: 'invalid_request', message: 'this HTTP method is not forwarded' },
  CW_ERR_HEADERS_TOO_LARGE: { status: 431, type: 'invalid_request', message: 'the request headers are too large' },
  CW_ERR_UNKNOWN_CONNECTION: { status: 404, type: 'not_found', message: 'no such connection' },
  CW_ERR_CONNECTION_NOT_HTTP: { status: 404, type: 'not_found', message: 'this connection is not served on the HTTP listener' },
  CW_ERR_MISSING_CREDENTIAL: { status: 401, type: 'authentication_error', message: 'no Chainwarden key or token was presented' },
  CW_ERR_INVALID_CREDENTIAL: { status: 401, type: 'authentication_error', message: 'the presented key or token is not valid' },
  CW_ERR_EXPIRED_TOKEN: { status: 401, type: 'authentication_error', message: 'the presented token has expired' },
  CW_ERR_IDP_UNAVAILABLE: { status: 503, type: 'authentication_error', message: 'the identity provider cannot be reached to verify the token' },
  CW_ERR_DENIED: { status: 403, type: 'chainwarden_denied', message: 'the policy denies this call' },
  CW_ERR_APPROVAL_REQUIRED: { status: 403, type: 'approval_required', message: 'this call needs approval' },
  CW_ERR_APPROVAL_DENIED: { status: 403, type: 'approval_denied', message: 'an approver denied this call' },
  CW_ERR_APPROVAL_TIMEOUT: { status: 403, type: 'approval_timeout', message: 'nobody approved this call in time' },
  CW_ERR_MASKING_BLOCKED: { status: 502, type: 'masking_failed', message: 'the response cannot be scanned for sensitive data, so it is not passed on' },
  CW_ERR_UPSTREAM_CONNECT: { status: 502, type: 'upstream_error', message: 'the upstream cannot be reached' },
  CW_ERR_UPSTREAM_TIMEOUT: { status: 504, type: 'upstream_error', message: 'the upstream did not answer in time' },
  CW_ERR_UPSTREAM: { status: 502, type: 'upstream_error', message: 'the upstream failed' },
  CW_ERR_CALLER_CLOSED: { status: 499, type: 'client_closed', message: 'the caller closed the connection before the answer was complete (recorded, never sent)' },
  CW_ERR_INTERNAL: { status: 500, type: 'internal_error', message: 'the gateway failed to handle the call' },
  CW_ERR_AUDIT_UNAVAILABLE: { status: 503, type: 'service_unavailable', message: 'the audit store cannot write; calls are refused until it can' },
  CW_ERR_SHUTTING_DOWN: { status: 503, type: 'service_unavailable', message: 'the gateway is shutting down' },
  CW_ERR_ADMIN_UNAUTHORIZED: { status: 401, type: 'authentication_error', message: 'the admin API needs "Authorization: Bearer <gateway.adminToken>"' },
  CW_ERR_ADMIN_NOT_FOUND: { status: 404, type: 'not_found', message: 'no such admin route' },
  CW_ERR_ADMIN_FORBIDDEN: { status: 403, type: 'permission_error', message: 'this token may not use the admin API' },
  CW_ERR_ADMIN_BAD_BODY: { status: 400, type: 'invalid_request', message: 'the request body is malformed' },
  CW_ERR_ADMIN_METHOD: { status: 405, type: 'invalid_request', message: 'this method is not supported on this admin route' },
  CW_ERR_SELF_APPROVAL: { status: 403, type: 'permission_error', message: 'nobody may answer their own request' },
  CW_ERR_NOT_APPROVER: { status: 403, type: 'permission_error', message: 'only the rule\'s approvers may answer' },
  CW_ERR_ALREADY_DECIDED: { status: 409, type: 'conflict', message: 'this approval was already answered' },
  CW_ERR_APPROVAL_EXPIRED: { status: 409, type: 'conflict', message: 'this approval expired' },
  CW_ERR_TTL_EXCEEDED: { status: 400, type: 'invalid_request', message: 'the grant would last longer than the rule allows' },
  CW_ERR_REASON_REQUIRED: { status: 400, type: 'invalid_request', message: 'a denial needs a reason' },
  CW_ERR_APPROVAL_NOT_FOUND: { status: 404, type: 'not_found', message: 'no such approval or request' },
  CW_ERR_GRANT_NOT_FOUND: { status: 404, type: 'not_found', message: 'no such active grant' },
  CW_ERR_UNKNOWN_CONNECTION_ADMIN: { status: 400, type: 'invalid_request', message: 'no such connection in the policy' },
  CW_ERR_BAD_OPERATION: { status: 400, type: 'invalid_request', message: 'the operation does not parse for this connection' },
  CW_ERR_ADMIN_BAD_QUERY: { status: 400, type: 'invalid_request', message: 'the query is malformed' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof GATEWAY_ERRORS;

export interface ErrorBody {
  type: 'error';
  error: { type: string; code: ErrorCode; message: string; rule: string | null; request_id: string };
}

/**
 * The JSON body of an error answer. `type: "error"` plus `error.message` is the shape both the
 * OpenAI and the Anthropic SDKs read, so LangChain surfaces our message instead of a bare status.
 */
export function errorBody(code: ErrorCode, requestId: string, detail?: string, rule: string | null = null): string {
  const spec = GATEWAY_ERRORS[code];
  const body: ErrorBody = {
    type: 'error',
    error: { type: spec.type, code, message: detail ? `${spec.message}: ${detail}` : spec.message, rule, request_id: requestId },
  };
  return JSON.stringify(body);
}

export function statusOf(code: ErrorCode): number {
  return GATEWAY_ERRORS[code].status;
}
