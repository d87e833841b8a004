// XML text escaping for the SVG writers (graph drawings, charts).

/** Escapes text for XML content and attribute values; drops control characters XML 1.0 forbids. @example `escapeXml("a < b") // "a &lt; b"` */
export function escapeXml(s: string): string {
  let clean = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    // XML 1.0 allows tab, newline and carriage return among the control characters, and no U+FFFE/U+FFFF.
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) continue;
    clean += ch;
  }
  return clean
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
