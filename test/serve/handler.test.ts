/**
 * The explorer's request handling on a tiny trained checkpoint, without a socket (createHandler)
 * and through node:http (startHttpServer): every bad request gets one JSON line with its status
 * and the next good request still works.
 */
import { request } from "node:http";
import type { Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { createHandler, type ApiRequest } from "../../src/workflows/serve/handler.js";
import { boundPort, startHttpServer } from "../../src/workflows/serve/httpServer.js";
import { loadServedModels, type ServedModel } from "../../src/workflows/serve/servedModels.js";
import { LIMITS } from "../../src/workflows/serve/translateRequest.js";
import { tempFolder, trainTiny, writeTinyTask } from "../cli/fixture.js";

describe("attn serve request handling", () => {
  const dir = tempFolder("serve-handler");
  let served: ServedModel;
  let handle: (req: ApiRequest) => { status: number; headers: Record<string, string>; body: string };
  const logged: string[] = [];
  const post = (body: unknown) => handle({ method: "POST", url: "/api/translate", body: typeof body === "string" ? body : JSON.stringify(body) });
  const error = (r: { status: number; body: string }) => [r.status, (JSON.parse(r.body) as { error: string }).error] as const;

  beforeAll(async () => {
    const run = join(dir, "run");
    await trainTiny(writeTinyTask(dir, { training: { maxSteps: 10 } }), run);
    served = loadServedModels([run])[0]!;
    // A model whose encoder fails like a bug would: the handler must answer 500 without the stack.
    const brokenModel = Object.create(served.model) as ServedModel["model"];
    brokenModel.encodeBatch = () => {
      throw new Error("boom at src/secret.ts:1");
    };
    // A copy whose config has learned positions for 4 tokens: the length check of translate applies.
    const short = { ...served.config, model: { ...served.config.model, encoder: { ...served.config.model.encoder, type: "transformer" as const }, transformer: { ...served.config.model.transformer, positions: "learned" as const, maxPositions: 5 } } };
    handle = createHandler([served, { ...served, id: "broken", model: brokenModel }, { ...served, id: "short", config: short }], "<!DOCTYPE html><p>page</p>", (m) => logged.push(m));
  }, 60_000);

  it("answers a good request with the translation and maps labelled by their tokens", () => {
    const r = post({ model: "run", text: "a b c", beam: 2, nbest: 2 });
    expect(r.status, r.body).toBe(200);
    const x = JSON.parse(r.body);
    expect(x.sourceTokens).toEqual(["a", "b", "c", "</s>"]);
    expect(x.nbest).toHaveLength(2);
    const cross = x.maps.find((m: { kind: string }) => m.kind === "cross");
    expect(cross.rows).toEqual(x.targetTokens);
    expect(cross.cols).toEqual(x.sourceTokens);
    expect(cross.weights).toHaveLength(x.targetTokens.length);
    for (const row of cross.weights) expect(row.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
    expect(cross.support).toBe(4);
    expect(x.family).toMatchObject({ decoder: "bahdanau", encoder: "gru", heads: 1 });
  });

  it("refuses bad requests with one JSON line, the right status and no stack", () => {
    const cases: [ReturnType<typeof post>, number, RegExp][] = [
      [post("{not json"), 400, /^the body is not JSON/],
      [post("[1]"), 400, /must be a JSON object/],
      [post({ text: "a" }), 400, /field "model"/],
      [post({ model: "run" }), 400, /field "text": expected a string/],
      [post({ model: "run", text: "  " }), 400, /the sentence is empty/],
      [post({ model: "run", text: "a", beam: 0 }), 400, /field "beam": expected an integer from 1 to 16; got 0/],
      [post({ model: "run", text: "a", nbest: 2.5 }), 400, /field "nbest"/],
      [post({ model: "run", text: "a", temperature: 1 }), 400, /unknown field "temperature"/],
      [post({ model: "nope", text: "a" }), 404, /^unknown model "nope"; served: run, broken, short$/],
      [post({ model: "run", text: "a ".repeat(600) }), 413, /1200 characters; the explorer takes at most 1000/],
      [post({ model: "run", text: "a ".repeat(LIMITS.sourceTokens + 1) }), 413, /201 source tokens; the explorer takes at most 200/],
      [post({ model: "short", text: "a b c d e" }), 413, /^model "short": the source has 5 tokens, but this model reads at most 4 \(learned positions, model.transformer.maxPositions 5/],
      [handle({ method: "GET", url: "/api/translate", body: "" }), 405, /^\/api\/translate takes POST, not GET$/],
      [handle({ method: "DELETE", url: "/", body: "" }), 405, /takes GET/],
      [handle({ method: "GET", url: "/etc/passwd", body: "" }), 404, /^no such page: GET \/etc\/passwd/],
      [post({ model: "broken", text: "a b" }), 500, /^internal error in attn while answering this request/],
    ];
    for (const [r, status, message] of cases) {
      const [got, text] = error(r);
      expect([got, text]).toEqual([status, expect.stringMatching(message)]);
      expect(text).not.toContain("\n");
      expect(text).not.toMatch(/secret|at .*\.ts/);
      expect(r.headers["content-type"]).toBe("application/json; charset=utf-8");
    }
    expect(handle({ method: "GET", url: "/api/translate", body: "" }).headers.allow).toBe("POST");
    // The stack of the 500 went to the server's log, not to the client.
    expect(logged.join("\n")).toContain("boom at src/secret.ts:1");
    // And the server still answers.
    expect(post({ model: "run", text: "b a" }).status).toBe(200);
  });

  it("serves the page with a policy that forbids loading anything from elsewhere, and lists the models", () => {
    const page = handle({ method: "GET", url: "/?x=1", body: "" });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toMatch(/default-src 'none'.*connect-src 'self'/);
    const models = JSON.parse(handle({ method: "GET", url: "/api/models", body: "" }).body);
    expect(models.models.map((m: { id: string }) => m.id)).toEqual(["run", "broken", "short"]);
  });

  describe("over HTTP", () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = await startHttpServer(handle, { host: "127.0.0.1", port: 0, bodyLimit: LIMITS.bodyBytes });
      port = boundPort(server);
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const send = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, method, path, headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers } }, (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (d: string) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on("error", reject);
        req.end(body);
      });

    it("refuses a body over the limit without reading it into memory, then answers the next request", async () => {
      const big = Buffer.alloc(LIMITS.bodyBytes + 1, "a");
      expect(await send("POST", "/api/translate", big)).toEqual({ status: 413, body: JSON.stringify({ error: `the request body is over ${LIMITS.bodyBytes} bytes` }) });
      expect((await send("POST", "/api/translate", "{")).status).toBe(400);
      const ok = await send("POST", "/api/translate", JSON.stringify({ model: "run", text: "a b" }));
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body).sourceTokens).toEqual(["a", "b", "</s>"]);
    });

    it("answers only requests addressed to a loopback name (DNS rebinding)", async () => {
      expect(await send("GET", "/api/models", undefined, { host: "evil.example:80" })).toEqual({ status: 403, body: JSON.stringify({ error: 'Host "evil.example:80": this server answers only requests addressed to localhost or 127.0.0.1' }) });
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, "[::1]"]) expect((await send("GET", "/api/models", undefined, { host })).status).toBe(200);
    });

    it("a port in use is a UserError naming it", async () => {
      const err = await startHttpServer(handle, { host: "127.0.0.1", port, bodyLimit: 10 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toBe(`--port ${port}: the port is in use on 127.0.0.1; choose another one, or --port 0 for any free port`);
    });
  });
});
