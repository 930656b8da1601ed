// elicit-check.mjs: lofty-mcp's tools that change data in Lofty, driven by
// the official MCP TypeScript SDK client (@modelcontextprotocol/sdk) as the
// person's client: it declares the elicitation capability and answers the
// server's elicitation/create requests with a handler
// (setRequestHandler(ElicitRequestSchema, …)), over stdio and Streamable HTTP,
// against the fake Lofty.
//
//   node elicit-check.mjs --bin BINARY
//
// It starts BINARY itself with --toolsets all: over stdio (the SDK spawns
// it) and as `BINARY http` on a free loopback port. LOFTY_BASE_URL must be in
// the environment (the fake Lofty); the servers get their own API key, so
// that what they write does not change what other checks read. Prints one
// line per check and a closing "N passed, N failed" line; exits 1 on any
// failure, 2 on bad usage.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";

const JANE = 563172647619608; // demo lead with a sales agent; below 2^53
const OMAR = 563172647619613; // demo lead not in the AI working pool
const API_KEY = "interop-elicit-key";
const REQUEST_TIMEOUT_MS = 15_000;

// What each write tool must declare (issue 12): destructive, idempotent.
const WRITE_TOOLS = {
  mute_sales_agent_for_lead: [true, true],
  add_leads_to_sales_agent: [false, true],
  create_sales_agent_plan_tasks: [false, false],
  send_sms_to_me: [false, false],
  add_lead_note: [true, false], // an edit (noteId) replaces the text
  assign_lead: [true, true],
};

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

const textOf = (res) =>
  (res.content ?? [])
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("\n");

const call = (client, name, args) => client.callTool({ name, arguments: args }, undefined, { timeout: REQUEST_TIMEOUT_MS });

// person is the human behind the client: it answers every question with
// `action` and keeps the questions.
function newPerson() {
  const person = { action: "accept", questions: [] };
  person.handler = async (request) => {
    person.questions.push(request.params);
    if (person.action === "accept") return { action: "accept", content: { confirm: true } };
    return { action: person.action };
  };
  return person;
}

// A client that can ask the person (form-mode elicitation).
function elicitingClient(person) {
  const client = new Client({ name: "lofty-mcp-elicit-check", version: "1.0.0" }, { capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler(ElicitRequestSchema, person.handler);
  return client;
}

async function runChecks(label, makeTransport) {
  const t = (name) => `${label}: ${name}`;
  const person = newPerson();
  const client = elicitingClient(person);
  let connected = false;
  await check(t("connect, declaring the elicitation capability"), async () => {
    await client.connect(makeTransport(), { timeout: REQUEST_TIMEOUT_MS });
    connected = true;
  });
  if (!connected) return;

  await check(t("tools/list: the write tools and their annotations"), async () => {
    const { tools } = await client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
    for (const [name, [destructive, idempotent]] of Object.entries(WRITE_TOOLS)) {
      const tool = tools.find((x) => x.name === name);
      assert.ok(tool, `${name} is not listed`);
      // A hint equal to MCP's default (readOnly false, destructive true,
      // idempotent false) is left out: read each as a client does.
      const a = tool.annotations ?? {};
      assert.equal(a.readOnlyHint ?? false, false, `${name}: readOnlyHint`);
      assert.equal(a.destructiveHint ?? true, destructive, `${name}: destructiveHint`);
      assert.equal(a.idempotentHint ?? false, idempotent, `${name}: idempotentHint`);
    }
    return `${tools.length} tools`;
  });

  const note = `Called Jane from the ${label} check: she wants 3 beds.`;
  await check(t("accept: the person is asked, then the note is added once"), async () => {
    const before = person.questions.length;
    const res = await call(client, "add_lead_note", { leadId: JANE, content: note });
    assert.notEqual(res.isError, true, `isError: ${textOf(res)}`);
    assert.equal(res.structuredContent?.status, "done", `status ${res.structuredContent?.status}`);
    assert.match(textOf(res), /"noteId":9007199254741\d{3}/, `no exact note ID in ${textOf(res)}`);
    assert.equal(person.questions.length - before, 1, "the person was not asked exactly once");
    const q = person.questions.at(-1);
    assert.ok(q.message.includes(note), `the question does not show the note: ${q.message}`);
    assert.ok(q.message.includes(String(JANE)), `the question does not name the lead: ${q.message}`);
    assert.equal(q.requestedSchema?.properties?.confirm?.type, "boolean", "no confirm checkbox in the form");
    return JSON.stringify(res.structuredContent.summary);
  });

  for (const action of ["decline", "cancel"]) {
    await check(t(`${action}: nothing is changed, and the result (not an error) says so`), async () => {
      person.action = action;
      try {
        const res = await call(client, "add_leads_to_sales_agent", { leadIds: [OMAR] });
        assert.notEqual(res.isError, true, `isError: ${textOf(res)}`);
        assert.equal(res.structuredContent?.status, "declined", `status ${res.structuredContent?.status}`);
        assert.match(res.structuredContent?.summary ?? "", /Nothing was changed in Lofty: the person declined/);
        const working = await call(client, "check_working_lead", { leadId: OMAR });
        assert.equal(working.structuredContent?.working, false, "the declined lead was added anyway");
      } finally {
        person.action = "accept";
      }
    });
  }

  await check(t("mute, then get_lead_mute_status reads true at once"), async () => {
    const res = await call(client, "mute_sales_agent_for_lead", { leadId: JANE });
    assert.equal(res.structuredContent?.status, "done", textOf(res));
    const status = await call(client, "get_lead_mute_status", { leadId: JANE });
    assert.equal(status.structuredContent?.mute, true, textOf(status));
  });

  await check(t("a bad argument is refused before anyone is asked"), async () => {
    const before = person.questions.length;
    const res = await call(client, "add_lead_note", { leadId: JANE, content: "x".repeat(2001) });
    assert.equal(res.isError, true, "a 2001-character note was accepted");
    assert.match(textOf(res), /"content" must be a string of 1 to 2000 characters; got 2001 characters/);
    assert.equal(person.questions.length, before, "the person was asked about invalid arguments");
  });

  await client.close().catch(() => {});
}

// startHTTP starts `bin http` on a free loopback port and returns its MCP
// URL and a stop function.
async function startHTTP(bin, env) {
  const child = spawn(bin, ["http", "--addr", "127.0.0.1:0", "--log-format", "json", "--toolsets", "all"], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stop = () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  process.on("exit", stop);
  const addr = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("lofty-mcp http did not log its address in 15s")), 15_000);
    child.on("exit", (code) => reject(new Error(`lofty-mcp http exited with ${code}`)));
    createInterface({ input: child.stderr }).on("line", (line) => {
      try {
        const l = JSON.parse(line);
        if (l.msg === "listening") {
          clearTimeout(timer);
          resolve(l.addr);
        }
      } catch {
        // not a JSON log line
      }
    });
  });
  return { url: `http://${addr}/mcp`, stop };
}

async function main() {
  const { values } = parseArgs({ options: { bin: { type: "string" } } });
  if (!values.bin || !process.env.LOFTY_BASE_URL) {
    console.error("usage: LOFTY_BASE_URL=… node elicit-check.mjs --bin BINARY");
    process.exit(2);
  }
  const env = { PATH: process.env.PATH ?? "", LOFTY_BASE_URL: process.env.LOFTY_BASE_URL, LOFTY_API_KEY: API_KEY };
  const stdio = (args) => () => new StdioClientTransport({ command: values.bin, args, env, stderr: "ignore" });

  await runChecks("stdio", stdio(["--toolsets", "all"]));

  let http;
  await check("streamable-http: lofty-mcp http --toolsets all starts", async () => {
    http = await startHTTP(values.bin, env);
    return http.url;
  });
  if (http) {
    await runChecks("streamable-http", () => new StreamableHTTPClientTransport(new URL(http.url)));
    http.stop();
  }

  await check("stdio, --confirm-writes always: a client without elicitation gets an error, nothing is changed", async () => {
    const client = new Client({ name: "lofty-mcp-elicit-check-no-elicitation", version: "1.0.0" });
    await client.connect(stdio(["--toolsets", "all", "--confirm-writes", "always"])(), { timeout: REQUEST_TIMEOUT_MS });
    try {
      const res = await call(client, "add_leads_to_sales_agent", { leadIds: [OMAR] });
      assert.equal(res.isError, true, `not an error: ${textOf(res)}`);
      assert.match(textOf(res), /--confirm-writes always/);
      assert.match(textOf(res), /Nothing was sent to Lofty/);
      const working = await call(client, "check_working_lead", { leadId: OMAR });
      assert.equal(working.structuredContent?.working, false, "the lead was added anyway");
    } finally {
      await client.close().catch(() => {});
    }
  });

  console.log(`elicit-check: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

// A hung transport must not hang CI.
setTimeout(() => {
  console.log("FAIL  elicit-check: still running after 120s; giving up");
  process.exit(1);
}, 120_000).unref();

main().catch((err) => {
  console.log(`FAIL  elicit-check: ${describe(err)}`);
  process.exit(1);
});
