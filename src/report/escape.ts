// The one escape function. Every piece of text that reaches an HTML page, an SVG, a JUnit XML file or a
// Markdown table goes through `escapeHtml`: model and attacker text is adversarial input, and a
// transcript holding `<script>` or an `onerror=` attribute must render as text, never as markup.

import { INVISIBLE_CHAR } from '../core/index.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

// What XML 1.0 forbids (its Char production): every control character except tab, newline and
// carriage return, and the noncharacters U+FFFE and U+FFFF. Dropped so JUnit and the SVG charts stay
// parseable: one U+FFFF in a category name made each chart that names it an image the browser refused.
// (A lone surrogate needs nothing: writing the text as UTF-8 makes it U+FFFD.)
const XML_INVALID = /[^\P{Cc}\t\n\r]|[\uFFFE\uFFFF]/gu;

// Invisible characters (core's INVISIBLE_CHAR: a right-to-left override reorders the rest of its
// line and could make a transcript read other than it is; tag characters spell a hidden sentence)
// are each shown as a visible `⟨U+202E⟩`.
const INVISIBLE = new RegExp(INVISIBLE_CHAR, 'gu');

/** Text with every invisible or bidi-control character shown as `⟨U+XXXX⟩`. */
export function showInvisible(text: string): string {
  return text.replace(
    INVISIBLE,
    (c) => `⟨U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}⟩`,
  );
}

/** Text with the characters XML 1.0 forbids dropped, and each carriage return a newline (for markup a
 * library wrote, such as an SVG, and inside escapeHtml). HTML and XML parsers read a CR as a newline
 * anyway; a report printed on a terminal (--out -) must not carry one, which goes back to the start
 * of the line and writes over it. */
export function dropXmlInvalid(text: string): string {
  return text.replace(XML_INVALID, '').replace(/\r\n?/g, '\n');
}

/** Escape text for HTML/XML element content and quoted attribute values: markup characters as
 * entities, XML-invalid characters dropped, carriage returns as newlines, invisible and bidi-control
 * characters made visible. */
export function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return showInvisible(dropXmlInvalid(text)).replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

/** Escape text for one Markdown table cell: HTML-escaped, pipes and newlines neutralised. */
export function escapeMarkdownCell(value: unknown): string {
  return (
    escapeHtml(value)
      .replace(/([\\*_[\]()!~|])/g, '\\$1')
      // (not the # of an entity escapeHtml wrote: `&\#39;` renders as the text "&#39;")
      .replace(/(?<!&)#/g, '\\#')
      // (escapeHtml made every carriage return a newline: a lone one ends a line in CommonMark too)
      .replace(/\n/g, ' ')
  );
}
