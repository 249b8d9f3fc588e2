import { UserError } from "../../errors.js";
import { explorerHtml } from "../../viz/explorer/page.js";
import { createHandler } from "./handler.js";
import { boundPort, startHttpServer } from "./httpServer.js";
import { loadServedModels } from "./servedModels.js";
import { LIMITS } from "./translateRequest.js";

export interface ServeOptions {
  /** Run folders or checkpoint folders, one model each, shown side by side. */
  checkpoint: string[];
  host: string;
  port: number;
}

/**
 * `attn serve`: the attention explorer on http://host:port/ until Ctrl-C or SIGTERM, which close
 * the server and return. Everything the page needs is served from here; it loads nothing else.
 */
export async function runServe(o: ServeOptions): Promise<void> {
  if (o.checkpoint.length === 0) throw new UserError("serve: give at least one --checkpoint <run folder>");
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new UserError(`--port ${o.port}: expected an integer from 0 to 65535 (0: any free port)`);
  const models = loadServedModels(o.checkpoint);
  const handler = createHandler(models, explorerHtml({ maxBeam: LIMITS.beam }));
  const server = await startHttpServer(handler, { host: o.host, port: o.port, bodyLimit: LIMITS.bodyBytes });
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  process.stdout.write(`attn serve: http://${host}:${boundPort(server)}/ (${models.length} checkpoint${models.length === 1 ? "" : "s"}; Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      server.close(() => resolve());
      // Idle keep-alive connections of a browser would hold close() open.
      server.closeAllConnections();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
