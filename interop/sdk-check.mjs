// sdk-check.mjs: drives the real lofty-mcp binary with the official MCP
// TypeScript SDK client (@modelcontextprotocol/sdk, what most MCP hosts are
// built on) over stdio, Streamable HTTP and the legacy HTTP+SSE transport,
// against the fake Lofty, and fails on anything such a host would reject.
//
//   node sdk-check.mjs [--stdio BINARY] [--http URL] [--sse URL]
//
// --stdio starts BINARY itself (it inherits LOFTY_BASE_URL and LOFTY_API_KEY
// from this process's environment). Prints one line per check and a closing
// "N passed, N failed" line; exits 1 on any failure, 2 on bad usage.

import assert from "node:assert/strict";
import { parseArgs } from "node:util";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, LATEST_PROTOCOL_VERSION, McpError } from "@modelcontextprotocol/sdk/types.js";

const TOOL = "get_sales_agent_by_lead";
const LEAD_WITH_AGENT = 563172647619608; // below 2^53: exact in a JS number
const LEAD_WITHOUT_AGENT = 563172647619609; // the fake answers 404
const REQUEST_TIMEOUT_MS = 15_000;

// Arguments the tool must refuse with an isError result naming leadId.
const INVALID_ARGUMENTS = [
  ["leadId 0", { leadId: 0 }],
  ["leadId -1", { leadId: -1 }],
  ["leadId 1.5", { leadId: 1.5 }],
  ['leadId "abc"', { leadId: "abc" }],
  ["leadId true", { leadId: true }],
  ["leadId missing", {}],
  ["an extra property", { leadId: LEAD_WITH_AGENT, extra: 1 }],
];

let passed = 0;
let failed = 0;

async function check(name, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`ok    ${name}${note ? ` (${note})` : ""}`);
  } catch (err) {
    failed++;
    console.log(`FAIL  ${name}: ${describe(err)}`);
  }
}

function describe(err) {
  if (err instanceof assert.AssertionError) return err.message;
  if (err instanceof McpError) return `JSON-RPC error ${err.code}: ${err.message}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function textOf(result) {
  return (result.content ?? [])
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("\n");
}

const call = (client, name, args) =>
  client.callTool({ name, arguments: args }, undefined, { timeout: REQUEST_TIMEOUT_MS });

// runChecks is the same list of checks for every transport.
async function runChecks(label, makeTransport, stderrTail) {
  const client = new Client({ name: "lofty-mcp-interop", version: "1.0.0" });
  const transport = makeTransport();
  const t = (name) => `${label}: ${name}`;

  let connected = false;
  await check(t("connect and initialize"), async () => {
    await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
    connected = true;
    const info = client.getServerVersion();
    assert.equal(info?.name, "lofty-mcp", `serverInfo.name is ${JSON.stringify(info?.name)}`);
    assert.ok(client.getServerCapabilities()?.tools, "server does not declare the tools capability");
    const proto = transport.protocolVersion ?? LATEST_PROTOCOL_VERSION;
    return `${info.name} ${info.version}, protocol ${proto}`;
  });
  if (!connected) {
    const tail = stderrTail?.();
    if (tail) console.log(`      server stderr:\n${tail.replace(/^/gm, "        ")}`);
    await client.close().catch(() => {});
    return;
  }

  await check(t("ping"), async () => {
    const res = await client.ping({ timeout: REQUEST_TIMEOUT_MS });
    assert.deepEqual(res, {}, `ping answered ${JSON.stringify(res)}`);
  });

  // listTools() first: it is what makes the SDK compile each outputSchema and
  // validate structuredContent on every later callTool.
  let tools = [];
  await check(t("tools/list: the SDK accepts every tool and compiles its outputSchema"), async () => {
    ({ tools } = await client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS }));
    const tool = tools.find((x) => x.name === TOOL);
    assert.ok(tool, `${TOOL} is not listed (tools: ${tools.map((x) => x.name).join(", ")})`);
    for (const x of tools) {
      assert.equal(x.inputSchema?.type, "object", `${x.name}: inputSchema.type is not "object"`);
      if (x.outputSchema) {
        assert.equal(x.outputSchema.type, "object", `${x.name}: outputSchema.type is not "object"`);
        // getToolOutputValidator is how Client.callTool finds the validator.
        assert.ok(client.getToolOutputValidator(x.name), `${x.name}: the SDK cached no output validator`);
      }
    }
    assert.ok(tool.outputSchema, `${TOOL} declares no outputSchema`);
    assert.equal(tool.annotations?.readOnlyHint, true, `${TOOL}: readOnlyHint is not true`);
    assert.equal(tool.inputSchema.properties?.leadId?.type, "integer", `${TOOL}: leadId is not an integer`);
    return `${tools.length} tools`;
  });

  let agent;
  await check(t(`${TOOL} ${LEAD_WITH_AGENT}: structuredContent passes the SDK's outputSchema validation`), async () => {
    const res = await call(client, TOOL, { leadId: LEAD_WITH_AGENT });
    assert.notEqual(res.isError, true, `isError result: ${textOf(res)}`);
    assert.ok(
      res.structuredContent && typeof res.structuredContent === "object" && !Array.isArray(res.structuredContent),
      "no structuredContent object",
    );
    const texts = res.content.filter((c) => c.type === "text");
    assert.equal(texts.length, 1, `expected one text block, got ${texts.length}`);
    let parsed;
    try {
      parsed = JSON.parse(texts[0].text);
    } catch (err) {
      assert.fail(`the text block is not JSON: ${err.message}`);
    }
    assert.deepEqual(parsed, res.structuredContent, "the text block's JSON differs from structuredContent");
    assert.equal(typeof res.structuredContent.id, "number", "structuredContent.id is not a number");
    agent = res.structuredContent;
    return `agent ${agent.id} ${JSON.stringify(agent.agentName)}`;
  });

  await check(t(`${TOOL} with leadId as a decimal string: the same agent`), async () => {
    const res = await call(client, TOOL, { leadId: String(LEAD_WITH_AGENT) });
    assert.notEqual(res.isError, true, `isError result: ${textOf(res)}`);
    assert.deepEqual(res.structuredContent, agent, "a different structuredContent than for the number");
  });

  await check(t(`${TOOL} ${LEAD_WITHOUT_AGENT} (404): an isError result`), async () => {
    const res = await call(client, TOOL, { leadId: LEAD_WITHOUT_AGENT });
    assert.equal(res.isError, true, `not an isError result: ${JSON.stringify(res)}`);
    const text = textOf(res);
    assert.match(text, /sales agent/i, `the error text does not mention the sales agent: ${JSON.stringify(text)}`);
    return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
  });

  for (const [what, args] of INVALID_ARGUMENTS) {
    await check(t(`${TOOL} with ${what}: an isError result naming leadId`), async () => {
      const res = await call(client, TOOL, args);
      assert.equal(res.isError, true, `not an isError result: ${JSON.stringify(res)}`);
      const text = textOf(res);
      const names = what.includes("extra") ? /leadId|extra/ : /leadId/;
      assert.match(text, names, `the error text names no field: ${JSON.stringify(text)}`);
    });
  }

  await check(t("an unknown tool: a JSON-RPC error (invalid params)"), async () => {
    let res;
    try {
      res = await call(client, "no_such_tool", {});
    } catch (err) {
      assert.ok(err instanceof McpError, `not a JSON-RPC error: ${describe(err)}`);
      assert.equal(err.code, ErrorCode.InvalidParams, `JSON-RPC error code ${err.code} (${err.message}), want -32602`);
      return `${err.code}: ${err.message}`;
    }
    assert.fail(`answered with a result instead of a JSON-RPC error: ${JSON.stringify(res)}`);
  });

  if (transport instanceof StdioClientTransport) {
    // The SDK closes stdin, waits up to 2s, then sends SIGTERM: a server that
    // needs the signal to stop shows up as a close of 2s or more.
    await check(t("close: the server exits 0 on stdin EOF"), async () => {
      const proc = transport._process; // private in SDK 1.32; the pin keeps it stable
      assert.ok(proc, "the SDK transport has no child process handle");
      const start = Date.now();
      await client.close();
      const ms = Date.now() - start;
      assert.ok(ms < 1900, `the server was still running ${ms}ms after stdin closed (the SDK then sends SIGTERM)`);
      assert.equal(proc.exitCode, 0, `exit code ${proc.exitCode}, signal ${proc.signalCode}`);
      return `${ms}ms`;
    });
    return;
  }
  await check(t("close"), async () => {
    if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession();
    await client.close();
  });
}

async function main() {
  const { values } = parseArgs({
    options: { stdio: { type: "string" }, http: { type: "string" }, sse: { type: "string" } },
  });
  if (!values.stdio && !values.http && !values.sse) {
    console.error("usage: node sdk-check.mjs [--stdio BINARY] [--http URL] [--sse URL]");
    process.exit(2);
  }
  if (values.stdio) {
    for (const name of ["LOFTY_BASE_URL", "LOFTY_API_KEY"]) {
      if (!process.env[name]) {
        console.error(`sdk-check: --stdio needs ${name} in the environment`);
        process.exit(2);
      }
    }
    let stderr = "";
    await runChecks(
      "stdio",
      () => {
        const tr = new StdioClientTransport({
          command: values.stdio,
          args: [],
          env: {
            PATH: process.env.PATH ?? "",
            LOFTY_BASE_URL: process.env.LOFTY_BASE_URL,
            LOFTY_API_KEY: process.env.LOFTY_API_KEY,
          },
          stderr: "pipe",
        });
        tr.stderr?.on("data", (b) => {
          stderr = (stderr + b).slice(-4000);
        });
        return tr;
      },
      () => stderr,
    );
  }
  if (values.http) {
    await runChecks("streamable-http", () => new StreamableHTTPClientTransport(new URL(values.http)));
  }
  if (values.sse) {
    await runChecks("sse", () => new SSEClientTransport(new URL(values.sse)));
  }
  console.log(`sdk-check: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

// A hung transport must not hang CI.
setTimeout(() => {
  console.log("FAIL  sdk-check: still running after 120s; giving up");
  process.exit(1);
}, 120_000).unref();

main().catch((err) => {
  console.log(`FAIL  sdk-check: ${describe(err)}`);
  process.exit(1);
});
