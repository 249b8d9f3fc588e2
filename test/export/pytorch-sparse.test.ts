import { describe } from "vitest";
import { familyTests, MORE_FAMILIES } from "./exportFamilies.js";

describe("attn export --to pytorch: coverage, copy attention, α-entmax and the multihead score's sparse normalisers", () => {
  familyTests(MORE_FAMILIES.slice(0, 8));
});
