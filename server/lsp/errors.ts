/** The language server's errors, one table with stable codes (returned in ResponseError.data.code and shown to the user). */
import { ErrorCodes, ResponseError } from 'vscode-languageserver';

export const LSP_ERRORS = {
  CW_LSP_BAD_ARGUMENTS: { status: ErrorCodes.InvalidParams, message: 'invalid command arguments' },
  CW_LSP_NOT_IN_WORKSPACE: { status: ErrorCodes.InvalidParams, message: 'the file is not in a workspace folder with a chainwarden.yaml' },
  CW_LSP_NO_POLICY: { status: ErrorCodes.InvalidRequest, message: 'no valid chainwarden.yaml is loaded for this folder' },
  CW_LSP_UNKNOWN_COMMAND: { status: ErrorCodes.MethodNotFound, message: 'unknown command' },
  CW_LSP_REQUEST_FAILED: { status: ErrorCodes.InternalError, message: 'the access request failed' },
} as const;

export type LspErrorCode = keyof typeof LSP_ERRORS;

export function lspError(code: LspErrorCode, detail?: string): ResponseError<{ code: LspErrorCode }> {
  const e = LSP_ERRORS[code];
  return new ResponseError(e.status, detail ? `${e.message}: ${detail}` : e.message, { code });
}
