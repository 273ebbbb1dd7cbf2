/** JSON string literals of streamed events: read and written by hand where that is exact, else by JSON. */

/**
 * The value of a JSON string literal (quotes included) that has no escape, no quote and no control character
 * inside: the characters between the quotes, exactly what JSON.parse returns. null when it has any of them.
 */
export function plainLiteralValue(literal: string): string | null {
  return plainValueAt(literal, 0, literal.length);
}

/** plainLiteralValue of text[start, end) (the literal, quotes included), without slicing it out first. */
export function plainValueAt(text: string, start: number, end: number): string | null {
  for (let i = start + 1; i < end - 1; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 92 || c < 32) return null;
  }
  return text.slice(start + 1, end - 1);
}

/**
 * JSON.stringify of a string, with the common case (nothing to escape) built by hand: a call into JSON.stringify
 * costs more than the check for a token-sized piece.
 */
export function jsonString(value: string): string {
  return jsonVerbatim(value) ? `"${value}"` : JSON.stringify(value);
}

/** jsonVerbatim, and ASCII only (so its characters are its UTF-8 bytes). */
export function asciiVerbatim(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34 || c === 92 || c < 32 || c > 127) return false;
  }
  return true;
}

/** Whether JSON.stringify(value) is value between quotes: no quote, backslash, control character or surrogate. */
export function jsonVerbatim(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // Surrogates take the full path too: a lone one is escaped.
    if (c === 34 || c === 92 || c < 32 || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/** JSON.parse of a literal that should be one string; null when it is not valid JSON or not a string. */
export function parsedStringLiteral(literal: string): string | null {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** A flat copy of a string (not a slice of the chunk it was cut from): compares fastest, and pins nothing. */
export function flatCopy(s: string): string {
  return s.length === 0 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
