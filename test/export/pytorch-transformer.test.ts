import { describe } from "vitest";
import { FAMILIES, familyTests, MORE_FAMILIES } from "./exportFamilies.js";

describe("attn export --to pytorch: Transformers", () => {
  familyTests([...FAMILIES.slice(10), ...MORE_FAMILIES.slice(8, 10)]);
});
