/**
 * Every way masking can refuse, in one table with stable codes. Messages never carry body content: they are
 * written into audit records and logs.
 */
export const MASK_ERRORS = {
  CW_MASK_SPEC_INVALID: 'a mask entry cannot be compiled',
  CW_MASK_ENCODING_UNSUPPORTED: 'the response content-encoding has no decoder, so its text cannot be scanned',
  CW_MASK_CHARSET_UNSUPPORTED: 'the response charset is not UTF-8, so its text cannot be scanned',
  CW_MASK_CONTENT_TYPE_UNSUPPORTED: 'the response content-type is not text, so it cannot be scanned',
  CW_MASK_TOO_LARGE: 'the response is larger than the masking size bound',
  CW_MASK_EVENT_TOO_LARGE: 'one stream event is larger than the masking event bound',
  CW_MASK_INVALID_UTF8: 'the response bytes are not valid UTF-8',
  CW_MASK_DECODE_FAILED: 'the compressed response could not be decoded',
} as const;

export type MaskErrorCode = keyof typeof MASK_ERRORS;

/** Why a response was blocked: what the gateway puts into the audit record and the 502 body. */
export interface MaskBlock {
  code: MaskErrorCode;
  message: string;
}

export class MaskError extends Error {
  readonly code: MaskErrorCode;
  constructor(code: MaskErrorCode, detail?: string) {
    super(detail ? `${MASK_ERRORS[code]} (${detail})` : MASK_ERRORS[code]);
    this.name = 'MaskError';
    this.code = code;
  }
  toBlock(): MaskBlock {
    return { code: this.code, message: this.message };
  }
}

export function blockOf(code: MaskErrorCode, detail?: string): MaskBlock {
  return new MaskError(code, detail).toBlock();
}
