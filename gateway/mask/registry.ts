/** Every masking detector, in one table (ESLint-rule style). Names must equal DETECTOR_NAMES (a test checks). */
import { creditCard } from './detectors/credit-card.js';
import { email } from './detectors/email.js';
import { iban } from './detectors/iban.js';
import { phone } from './detectors/phone.js';
import { regex } from './detectors/regex.js';
import { secret } from './detectors/secret.js';
import { usSsn } from './detectors/us-ssn.js';
import type { DetectorName } from './names.js';
import type { Detector } from './types.js';

export const DETECTORS: Readonly<Record<DetectorName, Detector>> = {
  credit_card: creditCard,
  email,
  iban,
  phone,
  regex,
  secret,
  us_ssn: usSsn,
};
