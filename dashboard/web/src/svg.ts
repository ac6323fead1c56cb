/** SVG elements for the charts and the map; presentation attributes only (the CSP refuses inline style attributes). */
export const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgEl(tag: string, attrs: Record<string, string | number | null | undefined> = {}, ...children: Array<SVGElement | string | null | undefined | false>): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.append(c);
  return el;
}

/** A `<title>` child: the tooltip, and what a screen reader reads for the shape. */
export const tip = (text: string): SVGElement => svgEl('title', {}, text);
