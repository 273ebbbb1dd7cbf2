/** Generators of valid values and near misses for the detector property tests. */
import { IBAN_LENGTHS, ibanMod97, luhnCheckDigit, luhnValid } from '../../gateway/mask/checksums.js';
import { ALNUM, type Rng } from './random.js';

const PAN_PREFIXES: Array<[string, number]> = [['4', 16], ['4', 13], ['4', 19], ['51', 16], ['55', 16], ['2221', 16], ['34', 15], ['37', 15], ['6011', 16], ['35', 16], ['62', 18]];

/** A Luhn-valid PAN of a real issuer prefix and length, as plain digits. */
export function validPan(r: Rng): string {
  const [prefix, len] = r.pick(PAN_PREFIXES);
  let body = prefix + r.digits(len - prefix.length - 1);
  if (/^0+$/.test(body)) body = '4' + body.slice(1);
  return body + luhnCheckDigit(body);
}

/** The same PAN written as a person would: plain, 4-grouped with spaces or dashes, Amex 4-6-5. */
export function formatPan(r: Rng, pan: string): string {
  const style = r.int(0, 2);
  if (style === 0) return pan;
  const sep = r.pick([' ', '-']);
  if (pan.length === 15 && style === 2) return [pan.slice(0, 4), pan.slice(4, 10), pan.slice(10)].join(sep);
  return pan.match(/.{1,4}/g)!.join(sep);
}

/** Same length, one digit changed so the Luhn check fails. */
export function brokenPan(r: Rng, pan: string): string {
  for (;;) {
    const i = r.int(0, pan.length - 1);
    const d = String((Number(pan[i]) + r.int(1, 9)) % 10);
    const out = pan.slice(0, i) + d + pan.slice(i + 1);
    if (!luhnValid(out)) return out;
  }
}

/** Digits that fail the Luhn check (so they are not a card number by any reading). */
export function nonLuhnDigits(r: Rng, n: number): string {
  for (;;) {
    const s = String(r.int(1, 9)) + r.digits(n - 1);
    if (!luhnValid(s)) return s;
  }
}

export const IBAN_COUNTRIES = ['DE', 'GB', 'FR', 'NL', 'ES', 'IT', 'NO', 'CH', 'BE', 'PL', 'AT', 'SE'];

export function validIban(r: Rng, country: string): string {
  const len = IBAN_LENGTHS[country]!;
  // GB and NL bank codes are letters; elsewhere digits suffice.
  const bban = country === 'GB' || country === 'NL' ? r.chars(4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') + r.digits(len - 8) : r.digits(len - 4);
  const check = 98 - ibanMod97(country + '00' + bban);
  return country + String(check).padStart(2, '0') + bban;
}

export function printIban(iban: string): string {
  return iban.match(/.{1,4}/g)!.join(' ');
}

/** One character of the BBAN or check digits substituted: mod-97 catches every single substitution. */
export function brokenIban(r: Rng, iban: string): string {
  const i = r.int(2, iban.length - 1);
  const c = iban[i]!;
  const next = /\d/.test(c) ? String((Number(c) + r.int(1, 9)) % 10) : c === 'Z' ? 'A' : String.fromCharCode(c.charCodeAt(0) + 1);
  return iban.slice(0, i) + next + iban.slice(i + 1);
}

export function validSsn(r: Rng, sep: string): string {
  let area: number;
  do area = r.int(1, 899);
  while (area === 666);
  return [String(area).padStart(3, '0'), String(r.int(1, 99)).padStart(2, '0'), String(r.int(1, 9999)).padStart(4, '0')].join(sep);
}

export function invalidSsn(r: Rng): string {
  const area = r.pick(['000', '666', String(r.int(900, 999))]);
  const kind = r.int(0, 2);
  if (kind === 0) return `${area}-${String(r.int(1, 99)).padStart(2, '0')}-${String(r.int(1, 9999)).padStart(4, '0')}`;
  if (kind === 1) return `${String(r.int(1, 665)).padStart(3, '0')}-00-${String(r.int(1, 9999)).padStart(4, '0')}`;
  return `${String(r.int(1, 665)).padStart(3, '0')}-${String(r.int(1, 99)).padStart(2, '0')}-0000`;
}

export function validEmail(r: Rng): string {
  const local = r.chars(1, 'abcdefghijklmnopqrstuvwxyz') + r.chars(r.int(0, 12), 'abcdefghijklmnopqrstuvwxyz0123456789._+-').replace(/\.+$/, '');
  const domain = r.chars(r.int(1, 10), 'abcdefghijklmnopqrstuvwxyz0123456789') + '.' + r.pick(['com', 'org', 'io', 'co.uk', 'de', 'example']);
  return `${local}@${domain}`;
}

export function validPhone(r: Rng): string {
  const area = `${r.int(2, 9)}${r.digits(2)}`;
  const exchange = `${r.int(2, 9)}${r.digits(2)}`;
  const line = r.digits(4);
  switch (r.int(0, 4)) {
    case 0: return `(${area}) ${exchange}-${line}`;
    case 1: return `${area}-${exchange}-${line}`;
    case 2: return `${area}.${exchange}.${line}`;
    case 3: return `+1${area}${exchange}${line}`;
    default: return `+${r.int(2, 9)}${r.digits(1)} ${r.digits(3)} ${r.digits(3)} ${r.digits(3)}`;
  }
}

export function phoneNearMiss(r: Rng): string {
  switch (r.int(0, 3)) {
    case 0: return `${r.int(1, 9)}${r.digits(9)}`; // a plain long number
    case 1: return `${r.int(1990, 2030)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`; // a date
    case 2: return `${r.int(0, 20)}.${r.int(0, 99)}.${r.int(0, 999)}`; // a version
    default: return `${r.int(1, 28)}/${r.int(1, 12)}/${r.int(1990, 2030)}`;
  }
}

const KEY_MAKERS: Array<(r: Rng) => string> = [
  (r) => 'sk-' + r.chars(48, ALNUM),
  (r) => 'sk-proj-' + r.chars(40, ALNUM + '_-'),
  (r) => 'sk-ant-api03-' + r.chars(60, ALNUM + '_-'),
  (r) => 'ghp_' + r.chars(36, ALNUM),
  (r) => 'gho_' + r.chars(36, ALNUM),
  (r) => 'github_pat_' + r.chars(60, ALNUM + '_'),
  (r) => 'xoxb-' + r.digits(12) + '-' + r.chars(24, ALNUM),
  (r) => 'xoxp-' + r.digits(12) + '-' + r.chars(24, ALNUM),
  (r) => 'AKIA' + r.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
  (r) => 'ASIA' + r.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
  (r) => 'AIza' + r.chars(35, ALNUM + '_-'),
  (r) => 'tvly-' + r.chars(32, ALNUM),
  (r) => 'glpat-' + r.chars(20, ALNUM + '_-'),
  (r) => 'eyJ' + r.chars(30, ALNUM) + '.eyJ' + r.chars(60, ALNUM) + '.' + r.chars(43, ALNUM + '_-'),
];

export function validKey(r: Rng): string {
  return r.pick(KEY_MAKERS)(r);
}

const WORDS = ['the', 'order', 'shipped', 'yesterday', 'customer', 'asked', 'about', 'refund', 'policy', 'and', 'delivery', 'window', 'please', 'confirm'];
export function prose(r: Rng, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(r.pick(WORDS));
  return out.join(' ');
}
