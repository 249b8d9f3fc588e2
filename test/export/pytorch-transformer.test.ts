import { describe } from "vitest";
import { FAMILIES, familyTests } from "./exportFamilies.js";

describe("attn export --to pytorch: Transformers", () => {
  familyTests(FAMILIES.slice(10));
});
