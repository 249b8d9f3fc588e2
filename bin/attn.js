#!/usr/bin/env node
// Entry point for `attn`. The sources are TypeScript; they run from a bundle that is rebuilt
// whenever they change (bin/bundle.js), or through tsx's loader when no bundle can be built, so a
// fresh clone works after `npm install` without a build step. ATTN_BUNDLE=0 forces tsx.
import { loadMain } from "./bundle.js";

const main = await loadMain();
await main(process.argv);
