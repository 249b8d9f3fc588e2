#!/usr/bin/env node
// Entry point for `attn`. The sources are TypeScript; tsx's loader runs them directly, so a fresh
// clone works after `npm install` without a build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv);
