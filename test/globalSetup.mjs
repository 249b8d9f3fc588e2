// Builds the CLI bundle (bin/bundle.js) once before the test files start, so the many CLI tests
// that spawn `node bin/attn.js` run the current sources without each rebuilding it at once.
import { buildBundle, bundleIsFresh } from "../bin/bundle.js";

export default async function setup() {
  try {
    if (!bundleIsFresh()) await buildBundle();
  } catch {
    // Sources that do not build: bin/attn.js falls back to tsx, and the tests report the error.
  }
}
