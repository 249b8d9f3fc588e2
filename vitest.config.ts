import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.mjs"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores on CI: keep workers bounded so CPU-heavy learning tests do not starve each other.
    maxWorkers: 2,
    // Arena memory released by a reset is filled with NaN, so a tensor used after its step's
    // arena was reset shows up as NaN in a test instead of as silently stale numbers.
    // One kernel thread per test process: two test workers already fill the two cores; the
    // conformance tests run threads 1, 2 and 3 explicitly (results are the same bits for any count).
    env: { ATTN_ARENA_POISON: "1", ATTN_THREADS: "1" },
  },
});
