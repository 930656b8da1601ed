// util.mjs: small helpers for ../scripts/interop, so the runner needs no curl.
//
//   node util.mjs free-port                 print a free TCP port on 127.0.0.1
//   node util.mjs wait-http URL SECONDS     wait until GET URL answers 200 (exit 1 on timeout)
//   node util.mjs capabilities MCP_URL      initialize over Streamable HTTP (2025-11-25);
//                                           print the server's capability names, one a line

import { createServer } from "node:net";

const [cmd, ...args] = process.argv.slice(2);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHTTP(url, seconds) {
  const deadline = Date.now() + seconds * 1000;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${seconds}s (${last})`);
}

async function capabilities(url) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "lofty-mcp-interop", version: "1.0.0" } },
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.text();
  // The answer is JSON, or one SSE event whose data line is the JSON.
  const json = res.headers.get("content-type")?.includes("text/event-stream")
    ? body.split("\n").find((l) => l.startsWith("data:"))?.slice(5)
    : body;
  const msg = JSON.parse(json ?? "null");
  if (!msg?.result?.capabilities) throw new Error(`initialize: no capabilities in ${body.slice(0, 300)}`);
  const session = res.headers.get("mcp-session-id");
  if (session) {
    await fetch(url, { method: "DELETE", headers: { "Mcp-Session-Id": session } }).catch(() => {});
  }
  return Object.keys(msg.result.capabilities);
}

try {
  if (cmd === "free-port") {
    console.log(await freePort());
  } else if (cmd === "wait-http" && args.length === 2) {
    await waitHTTP(args[0], Number(args[1]));
  } else if (cmd === "capabilities" && args.length === 1) {
    console.log((await capabilities(args[0])).join("\n"));
  } else {
    console.error("usage: node util.mjs free-port | wait-http URL SECONDS | capabilities MCP_URL");
    process.exit(2);
  }
} catch (err) {
  console.error(`util ${cmd}: ${err.message}`);
  process.exit(1);
}
