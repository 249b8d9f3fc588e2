import { describe } from "vitest";
import { FAMILIES, familyTests, refusalTest } from "./exportFamilies.js";

describe("attn export --to pytorch: recurrent models (1)", () => {
  refusalTest();
  familyTests(FAMILIES.slice(0, 5));
});
