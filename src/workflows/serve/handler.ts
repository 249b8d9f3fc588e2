import { ApiError } from "./apiError.js";
import { exploreSentence } from "./explore.js";
import type { ServedModel } from "./servedModels.js";
import { parseTranslateRequest } from "./translateRequest.js";

/** What the handler reads of a request: the server has already read the (size-limited) body. */
export interface ApiRequest {
  method: string;
  /** The request target, e.g. "/api/models?x=1" (the query is ignored). */
  url: string;
  body: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The page may load nothing but itself and talk only to this server: a second guard, besides
 * the page having no external reference, that nothing reaches the network.
 */
const PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

const ROUTES: Record<string, string> = { "/": "GET", "/index.html": "GET", "/api/models": "GET", "/api/translate": "POST" };

/**
 * Routes a request to its answer; never throws. Refused requests get `{ "error": one line }`
 * with 400, 404, 405 or 413; anything unexpected a 500 whose body names no internals (the stack
 * goes to `log`, the terminal that started the server).
 */
export function createHandler(models: readonly ServedModel[], page: string, log: (message: string) => void = (m) => process.stderr.write(m + "\n")): (req: ApiRequest) => ApiResponse {
  const byId = new Map(models.map((m) => [m.id, m]));
  const list = { models: models.map((m) => ({ id: m.id, path: m.path, step: m.step, family: m.family })) };
  return (req) => {
    const path = req.url.split("?")[0] ?? "/";
    try {
      const allowed = ROUTES[path];
      if (allowed === undefined) throw new ApiError(404, `no such page: ${req.method} ${path}; the explorer serves GET /, GET /api/models and POST /api/translate`);
      if (req.method !== allowed) return { ...jsonError(405, `${path} takes ${allowed}, not ${req.method}`), headers: { ...JSON_HEADERS, allow: allowed } };
      if (path === "/api/models") return json(200, list);
      if (path === "/api/translate") {
        const r = parseTranslateRequest(req.body);
        const served = byId.get(r.model);
        if (!served) throw new ApiError(404, `unknown model "${r.model}"; served: ${[...byId.keys()].join(", ")}`);
        return json(200, exploreSentence(served, r));
      }
      return { status: 200, headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": PAGE_CSP, ...COMMON_HEADERS }, body: page };
    } catch (err) {
      if (err instanceof ApiError) return jsonError(err.status, err.message);
      log(`attn serve: internal error on ${req.method} ${path} (a bug in attn, please report it):\n${(err as Error)?.stack ?? String(err)}`);
      return jsonError(500, "internal error in attn while answering this request; the server keeps running (details in its terminal)");
    }
  };
}

const COMMON_HEADERS = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", ...COMMON_HEADERS };

function json(status: number, value: unknown): ApiResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(value) };
}

export function jsonError(status: number, message: string): ApiResponse {
  return json(status, { error: message });
}
