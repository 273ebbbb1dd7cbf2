/**
 * Edge rules for number-like detectors: a match must not be glued to a word, and must not be the middle
 * of a longer sequence of digit groups using the same separator ("12-123-45-6789" is not an SSN).
 */
import { isDigit, isWord } from '../shapes.js';

export function cleanStart(text: string, start: number, sep: string): boolean {
  if (start === 0) return true;
  const c = text.charCodeAt(start - 1);
  if (isWord(c)) return false;
  if (sep !== '' && text[start - 1] === sep && start >= 2 && isDigit(text.charCodeAt(start - 2))) return false;
  return true;
}

export function cleanEnd(text: string, end: number, sep: string): boolean {
  if (end >= text.length) return true;
  const c = text.charCodeAt(end);
  if (isWord(c)) return false;
  if (sep !== '' && text[end] === sep && end + 1 < text.length && isDigit(text.charCodeAt(end + 1))) return false;
  return true;
}
