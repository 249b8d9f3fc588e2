/**
 * Text and attribute values for XML (SVG) output: the five markup characters as entities, and the
 * characters XML 1.0 forbids (C0 controls other than tab and line breaks, U+FFFE/U+FFFF, lone
 * surrogates) replaced by U+FFFD, so any token makes a well-formed document.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udfff]/gu, "\ufffd")
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
