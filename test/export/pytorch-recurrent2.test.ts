import { describe } from "vitest";
import { FAMILIES, familyTests } from "./exportFamilies.js";

describe("attn export --to pytorch: recurrent and hybrid models (2)", () => {
  familyTests(FAMILIES.slice(5, 10));
});
