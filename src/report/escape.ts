// The one escape function. Every piece of text that reaches an HTML page, an SVG, a JUnit XML file or a
// Markdown table goes through `escapeHtml`: model and attacker text is adversarial input, and a
// transcript holding `<script>` or an `onerror=` attribute must render as text, never as markup.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

// Control characters other than tab/newline are invalid in XML 1.0: dropped so JUnit stays parseable.
// (Every Unicode control character except tab, newline and carriage return.)
const XML_INVALID = /[^\P{Cc}\t\n\r]/gu;

/** Text with the characters XML 1.0 forbids dropped (for markup a library wrote, such as an SVG). */
export function dropXmlInvalid(text: string): string {
  return text.replace(XML_INVALID, '');
}

/** Escape text for HTML/XML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return text.replace(XML_INVALID, '').replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

/** Escape text for one Markdown table cell: HTML-escaped, pipes and newlines neutralised. */
export function escapeMarkdownCell(value: unknown): string {
  return (
    escapeHtml(value)
      .replace(/([\\*_[\]()!~|])/g, '\\$1')
      // (not the # of an entity escapeHtml wrote: `&\#39;` renders as the text "&#39;")
      .replace(/(?<!&)#/g, '\\#')
      .replace(/\r?\n/g, ' ')
  );
}
