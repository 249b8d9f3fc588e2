import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyOverrides, readConfigJson } from "../../src/config/load.js";
import { tempFolder } from "../cli/fixture.js";
import { userErrorOf } from "../helpers/userErrors.js";

const root = tempFolder("config-file");

function file(name: string, content: string | Buffer): string {
  const path = join(root, name);
  writeFileSync(path, content);
  return path;
}

const userError = (fn: () => unknown) => userErrorOf(fn).message;

describe("readConfigJson: encodings", () => {
  it("accepts a UTF-8 BOM and CRLF line endings, as data files do", () => {
    expect(readConfigJson(file("bom.json", '\uFEFF{\r\n  "name": "café"\r\n}\r\n'))).toEqual({ name: "café" });
  });

  it("keeps line:column of a syntax error right after a BOM", () => {
    expect(userError(() => readConfigJson(file("bom-bad.json", '\uFEFF{\n  "a": 1,\n  b: 2\n}\n')))).toMatch(/bom-bad\.json:3:3: invalid JSON \(Expected double-quoted property name\)$/);
  });

  it("keeps a parser message that quotes several lines on one line", () => {
    expect(userError(() => readConfigJson(file("bracket.json", '{\n  "a": 1,\n  "b": ]\n}\n')))).toMatch(/bracket\.json: invalid JSON \(Unexpected token/);
  });

  it("refuses bytes that are not UTF-8, naming file:line", () => {
    const latin1 = file("latin1.json", Buffer.from('{\n  "name": "caf\xe9"\n}\n', "latin1"));
    expect(userError(() => readConfigJson(latin1))).toBe(`${latin1}:2: invalid UTF-8; expected UTF-8 text (convert other encodings, e.g. iconv -f latin1 -t utf-8)`);
  });

  it("names a folder given as the config file", () => {
    expect(userError(() => readConfigJson(root))).toBe(`${root}: cannot read the config file: is a folder, expected a file (EISDIR)`);
  });
});

describe("applyOverrides: keys that would reach Object.prototype", () => {
  for (const set of ["__proto__.polluted=1", "constructor.prototype.polluted=1", "training.__proto__.polluted=1", "model.prototype=1", "__proto__=1"]) {
    it(`refuses --set ${set} and leaves every object as it was`, () => {
      const key = set.split("=")[0]!.split(".").find((k) => ["__proto__", "constructor", "prototype"].includes(k))!;
      expect(userError(() => applyOverrides({ training: {} }, [set]))).toBe(`--set ${set}: "${key}" is not a config key (__proto__, constructor, prototype are refused); see docs/config.md`);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty("polluted");
    });
  }

  it("does not follow inherited properties such as toString", () => {
    const out = applyOverrides({}, ["toString.x=1"]) as Record<string, unknown>;
    expect(Object.hasOwn(out, "toString")).toBe(true);
    expect(out.toString).toEqual({ x: 1 });
    expect(typeof ({} as { toString: unknown }).toString).toBe("function");
  });
});
