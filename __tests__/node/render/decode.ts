/** Decoding checks for the pictures tests: a PNG's signature and IHDR size, an SVG's well-formedness and texts. */
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
export function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(b.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** The text content of every <text> element of a well-formed SVG. */
export function svgTexts(file: string): string[] {
  const xml = readFileSync(file, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  const texts: string[] = [];
  const walk = (node: unknown, name = ''): void => {
    if (Array.isArray(node)) node.forEach((n) => walk(n, name));
    else if (typeof node === 'object' && node !== null) for (const [k, v] of Object.entries(node)) walk(v, k);
    else if (name === 'text' || name === '#text') texts.push(String(node));
  };
  walk(new XMLParser({ ignoreAttributes: true }).parse(xml));
  return texts;
}
