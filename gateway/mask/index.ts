/** Response masking: detectors, JSON and stream masking, PostgreSQL cells. See docs/masking.md. */
export { compileMasker, Masker, type MaskTextResult, type MaskJsonResult, type ResultMasker } from './masker.js';
export { MaskingStream, type MaskingStreamOptions, type MaskingStreamResult } from './stream.js';
export { MaskError, MASK_ERRORS, type MaskErrorCode, type MaskBlock } from './errors.js';
export { DETECTORS } from './registry.js';
export { DETECTOR_NAMES, type DetectorName } from './names.js';
export type { ColumnInfo } from './cells.js';
export type { MaskCounts, Span, Detector, DetectorInstance } from './types.js';
