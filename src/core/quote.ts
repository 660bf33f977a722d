/**
 * Quoting values read from files in error messages, bounded: a huge or hostile field (a 64 MB
 * manifest entry) must not become a 64 MB error line.
 */

/** The most characters of a value read from a file that a message quotes. */
export const MAX_QUOTED = 80;

/**
 * `value` as JSON (strings in quotes), cut to `MAX_QUOTED` characters plus '…': what a message quotes
 * from a file, so a huge or hostile field cannot become a huge error line.
 */
export function quote(value: unknown, max = MAX_QUOTED): string {
  let text: string;
  try {
    text =
      typeof value === 'string' ? JSON.stringify(value.slice(0, max + 1)) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value); // a cycle or a value too deep to print
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `text` cut to `max` characters plus '…' (for text from elsewhere, such as a parser's message). */
export const clip = (text: string, max = MAX_QUOTED): string => (text.length > max ? `${text.slice(0, max)}…` : text);
