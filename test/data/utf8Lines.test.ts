import { describe, expect, it } from "vitest";
import { decodeUtf8Lines } from "../../src/data/readers/lines.js";
import { UserError } from "../../src/errors.js";

describe("decodeUtf8Lines (translate/dump-attention input, config files)", () => {
  it("splits like the data readers: BOM dropped, CRLF accepted, a final newline ends the last line", () => {
    expect(decodeUtf8Lines(Buffer.from("\uFEFFa b\r\nc\n\nd", "utf8"), "in.txt")).toEqual(["a b", "c", "", "d"]);
    expect(decodeUtf8Lines(Buffer.from("x\n", "utf8"), "in.txt")).toEqual(["x"]);
    expect(decodeUtf8Lines(new Uint8Array(0), "in.txt")).toEqual([]);
    // Only a BOM at the very start is dropped.
    expect(decodeUtf8Lines(Buffer.from("a\n\uFEFFb\n", "utf8"), "in.txt")).toEqual(["a", "\uFEFFb"]);
  });

  it("names the line with bytes that are not UTF-8", () => {
    let err: unknown;
    try {
      decodeUtf8Lines(Buffer.from("ok\nfine\nd\xe9j\xe0\n", "latin1"), "<stdin>");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe("<stdin>:3: invalid UTF-8; expected UTF-8 text (convert other encodings, e.g. iconv -f latin1 -t utf-8)");
  });
});
