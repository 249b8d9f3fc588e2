import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { UserError } from "../../errors.js";
import { jsonError, type ApiRequest, type ApiResponse } from "./handler.js";

export interface ListenOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Bodies over this many bytes are refused with 413 without being read into memory. */
  bodyLimit: number;
}

/**
 * A node:http server around a request handler. It reads each body up to the limit, answers, and
 * survives anything a client sends: a body too large, a connection that breaks mid-request. Bound
 * to a loopback address, it answers only requests whose Host is a loopback name (403 otherwise).
 * Resolves once listening; a port in use or a host that cannot be bound is a UserError.
 */
export function startHttpServer(handle: (req: ApiRequest) => ApiResponse, o: ListenOptions): Promise<Server> {
  const guardHost = LOOPBACK.has(o.host);
  const server = createServer((req, res) => {
    // DNS rebinding: a web page elsewhere could point its own name at 127.0.0.1 and read the answers.
    if (guardHost && !LOOPBACK.has(hostnameOf(req.headers.host))) {
      req.resume();
      send(res, jsonError(403, `Host "${req.headers.host ?? ""}": this server answers only requests addressed to localhost or 127.0.0.1`));
      return;
    }
    readBody(req, o.bodyLimit).then(
      (body) => send(res, body === null ? jsonError(413, `the request body is over ${o.bodyLimit} bytes`) : handle({ method: req.method ?? "GET", url: req.url ?? "/", body })),
      () => res.destroy(),
    );
  });
  // A client that sends garbage instead of HTTP gets a 400 from node; nothing reaches the handler.
  server.on("clientError", (_err, socket) => socket.writable && socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n"));
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") reject(new UserError(`--port ${o.port}: the port is in use on ${o.host}; choose another one, or --port 0 for any free port`));
      else if (err.code === "EACCES") reject(new UserError(`--port ${o.port}: not allowed to listen on this port on ${o.host} (ports below 1024 need privileges); choose another one`));
      else if (err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND") reject(new UserError(`--host ${o.host}: not an address of this machine`));
      else reject(err);
    });
    server.listen(o.port, o.host, () => resolve(server));
  });
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** "127.0.0.1:8080" → "127.0.0.1", "[::1]:8080" → "::1". */
function hostnameOf(header: string | undefined): string {
  if (!header) return "";
  const m = /^\[([^\]]*)\]|^([^:]*)/.exec(header);
  return (m?.[1] ?? m?.[2] ?? "").toLowerCase();
}

/** The port the server listens on (the chosen one with --port 0). */
export function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** The body as UTF-8 text, or null when it is over `limit` bytes (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > limit;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, r: ApiResponse): void {
  if (res.destroyed) return;
  res.writeHead(r.status, { ...r.headers, "content-length": Buffer.byteLength(r.body) });
  res.end(r.body);
}
