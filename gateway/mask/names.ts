/**
 * Names of the masking detectors. The policy validator checks `detector:` against this list;
 * the detector registry (gateway/mask/registry.ts) must define exactly these, and a test says so.
 */
export const DETECTOR_NAMES = ['credit_card', 'us_ssn', 'iban', 'email', 'phone', 'secret', 'regex'] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];
