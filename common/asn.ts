/** AS numbers as people write them: `AS64500`, `as64500` or `64500` (asplain, RFC 5396). */

export const MAX_ASN = 4294967295;

const FORM = /^(?:AS)?(\d{1,10})$/i;

/** True when the text has the form of an AS number (whatever its value). */
export const hasAsnForm = (text: string): boolean => FORM.test(text.trim());

/** The AS number, or null when the text is not one or is out of range (0..4294967295). */
export function parseAsn(text: string): number | null {
  const m = FORM.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return n <= MAX_ASN ? n : null;
}
