/**
 * A small strict XML 1.0 well-formedness parser for tests of SVG output (no DTDs, no namespaces
 * resolved): it throws on mismatched or unclosed tags, a raw "<" or a bare "&" in text or
 * attribute values, unknown entities, duplicate attributes, characters XML forbids, and anything
 * but comments and whitespace around the single root element. Entities are decoded.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const SPACE = /\s*/y;
const EQUALS = /\s*=\s*/y;
const CLOSE = /\s*>/y;
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udfff]/u;
const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function parseXml(text: string): XmlElement {
  const bad = FORBIDDEN.exec(text);
  if (bad) throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16)} is not allowed in XML`);
  let i = 0;
  const fail = (msg: string): never => {
    throw new Error(`XML offset ${i}: ${msg}`);
  };
  const skipMisc = (): void => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text.startsWith("<!--", i)) {
        const end = text.indexOf("-->", i + 4);
        if (end < 0) fail("unterminated comment");
        i = end + 3;
      } else return;
    }
  };
  /** Match a sticky regex at the current position (no copies of the rest of the text). */
  const at = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    return re.exec(text)?.[0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;]*);?/g, (m, body: string) => {
      if (!m.endsWith(";")) fail(`bare "&" in ${JSON.stringify(raw)}`);
      if (body in PREDEFINED) return PREDEFINED[body]!;
      const num = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
      if (!num) fail(`unknown entity &${body};`);
      return String.fromCodePoint(num![1] !== undefined ? parseInt(num![1], 16) : Number(num![2]));
    });
  const element = (): XmlElement => {
    if (text[i] !== "<") fail("expected an element");
    i++;
    const name = at(NAME) ?? fail("expected an element name");
    i += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      const ws = at(SPACE)!;
      i += ws.length;
      if (text.startsWith("/>", i)) {
        i += 2;
        return { name, attrs, children: [] };
      }
      if (text[i] === ">") {
        i++;
        break;
      }
      if (ws.length === 0) fail("expected whitespace before an attribute");
      const attr = at(NAME) ?? fail("expected an attribute name");
      i += attr.length;
      const eq = at(EQUALS) ?? fail(`expected "=" after ${attr}`);
      i += eq.length;
      const quote = text[i];
      if (quote !== '"' && quote !== "'") fail(`attribute ${attr}: expected a quoted value`);
      const end = text.indexOf(quote!, i + 1);
      if (end < 0) fail(`attribute ${attr}: unterminated value`);
      const raw = text.slice(i + 1, end);
      if (raw.includes("<")) fail(`attribute ${attr}: raw "<"`);
      if (attr in attrs) fail(`duplicate attribute ${attr}`);
      attrs[attr] = decode(raw);
      i = end + 1;
    }
    const children: (XmlElement | string)[] = [];
    for (;;) {
      if (i >= text.length) fail(`<${name}> is not closed`);
      if (text.startsWith("</", i)) {
        i += 2;
        const close = at(NAME);
        if (close !== name) fail(`</${close}> closes <${name}>`);
        i += name.length;
        const gt = at(CLOSE) ?? fail(`expected ">" after </${name}`);
        i += gt.length;
        return { name, attrs, children };
      }
      if (text.startsWith("<!--", i)) {
        const end = text.indexOf("-->", i + 4);
        if (end < 0) fail("unterminated comment");
        i = end + 3;
      } else if (text[i] === "<") {
        children.push(element());
      } else {
        const end = text.indexOf("<", i);
        const raw = text.slice(i, end < 0 ? text.length : end);
        if (raw.includes(">") && raw.includes("]]>")) fail('"]]>" in text');
        children.push(decode(raw));
        i += raw.length;
      }
    }
  };
  if (text.startsWith("<?xml")) {
    const end = text.indexOf("?>");
    if (end < 0) fail("unterminated XML declaration");
    i = end + 2;
  }
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== text.length) fail("content after the root element");
  return root;
}

/** All elements below (and including) `root` that satisfy `pred`, in document order. */
export function findAll(root: XmlElement, pred: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (pred(e)) out.push(e);
    for (const c of e.children) if (typeof c !== "string") walk(c);
  };
  walk(root);
  return out;
}

/** The element's own text (not that of child elements such as <title>). */
export function ownText(e: XmlElement): string {
  return e.children.filter((c): c is string => typeof c === "string").join("");
}
