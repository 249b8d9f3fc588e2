import { describe } from "vitest";
import { familyTests, MORE_FAMILIES } from "./exportFamilies.js";

describe("attn export --to pytorch: Transformers with relative positions, adaptive spans and efficient self-attention", () => {
  familyTests(MORE_FAMILIES.slice(10));
});
