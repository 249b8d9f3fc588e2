import { writeFileSync } from "node:fs";
import { packageFile } from "../packageFiles.js";
import { renderConfigDocs } from "./docs.js";

const target = packageFile("docs/config.md");
writeFileSync(target, renderConfigDocs());
process.stdout.write(`wrote ${target}\n`);
