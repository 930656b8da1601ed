// inspector-check.mjs: runs the MCP Inspector CLI (@modelcontextprotocol/inspector
// 2.x, its own client built on the TypeScript SDK 2.x) against the real
// lofty-mcp binary: tools/list with --strict (the Inspector's schema
// portability lint: exit 6 on an error-severity finding; we fail on warnings
// too) and a get_sales_agent_by_lead call, each of which must exit 0.
//
//   node inspector-check.mjs [--stdio BINARY] [--http URL]
//
// --stdio runs BINARY over stdio twice: in the "legacy" protocol era
// (initialize, 2025-11-25) and the "modern" one (stateless 2026-07-28).
// --http runs the modern era against a Streamable HTTP URL (the 2025-11-25
// HTTP path is covered by sdk-check.mjs and the conformance suite).
// BINARY gets LOFTY_BASE_URL and LOFTY_API_KEY from this environment.
// Must run on Node 22 (the Inspector needs it). Exits 1 on any failure.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";

const TOOL = "get_sales_agent_by_lead";
const LEAD_WITH_AGENT = "563172647619608";
const TIMEOUT_MS = 60_000;

const require = createRequire(import.meta.url);
const inspectorPkg = require.resolve("@modelcontextprotocol/inspector/package.json");
const inspectorBin = join(dirname(inspectorPkg), require(inspectorPkg).bin["mcp-inspector"]);

let passed = 0;
let failed = 0;

// A private HOME (and catalog/config paths inside it) so the Inspector
// neither reads nor writes the user's ~/.mcp-inspector.
const home = mkdtempSync(join(tmpdir(), "lofty-interop-inspector-"));
const inspectorEnv = {
  PATH: process.env.PATH ?? "",
  HOME: home,
  MCP_CATALOG_PATH: join(home, "catalog.json"),
  MCP_CLIENT_CONFIG_PATH: join(home, "client.json"),
  NO_COLOR: "1",
  CI: "true",
};

function runInspector(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [inspectorBin, "--cli", ...args], {
      env: inspectorEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${TIMEOUT_MS / 1000}s)`;
      child.kill("SIGKILL");
    }, TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? `signal ${signal}`, stdout, stderr });
    });
  });
}

async function check(name, args, verify) {
  const r = await runInspector(args);
  let problem;
  let note;
  let envelope;
  if (r.code !== 0) {
    problem = `the Inspector exited ${r.code}`;
  } else {
    try {
      envelope = JSON.parse(r.stdout);
    } catch {
      problem = `stdout is not one JSON object: ${JSON.stringify(r.stdout.slice(0, 300))}`;
    }
  }
  if (!problem) {
    try {
      note = verify(envelope);
    } catch (err) {
      problem = err.message;
    }
  }
  if (problem) {
    failed++;
    console.log(`FAIL  ${name}: ${problem}`);
    console.log(`      inspector ${args.map((a) => (/[\s{"]/.test(a) ? `'${a}'` : a)).join(" ")}`);
    const out = `${r.stdout.slice(0, 2000)}${r.stderr ? `\n${r.stderr.slice(-3000)}` : ""}`.trim();
    if (out) console.log(out.replace(/^/gm, "        "));
    return;
  }
  passed++;
  console.log(`ok    ${name}${note ? ` (${note})` : ""}`);
}

function verifyList({ result, schemaFindings }) {
  const names = (result?.tools ?? []).map((t) => t.name);
  if (!names.includes(TOOL)) throw new Error(`${TOOL} not listed (tools: ${names.join(", ")})`);
  // --format json puts every finding, warnings included, in schemaFindings.
  if (schemaFindings?.length) {
    const lines = schemaFindings.flatMap((t) =>
      t.findings.map((f) => `${t.toolName} ${f.schema}${f.path ? `.${f.path}` : ""}: ${f.severity} ${f.rule}: ${f.issue}`),
    );
    throw new Error(`schema portability findings:\n        ${lines.join("\n        ")}`);
  }
  return `${names.length} tools, no schema findings`;
}

function verifyCall({ result }) {
  if (!result) throw new Error("no result");
  if (result.isError) throw new Error(`isError result: ${JSON.stringify(result.content)}`);
  const sc = result.structuredContent;
  if (!sc || typeof sc.id !== "number") throw new Error(`no structuredContent with a numeric id: ${JSON.stringify(result)}`);
  const text = (result.content ?? []).find((c) => c.type === "text")?.text;
  if (JSON.stringify(JSON.parse(text ?? "null")) !== JSON.stringify(sc)) {
    throw new Error("the text block's JSON differs from structuredContent");
  }
  return `agent ${sc.id}`;
}

async function main() {
  const { values } = parseArgs({ options: { stdio: { type: "string" }, http: { type: "string" } } });
  if (!values.stdio && !values.http) {
    console.error("usage: node inspector-check.mjs [--stdio BINARY] [--http URL]");
    process.exit(2);
  }
  const common = ["--format", "json", "--quiet"];
  const list = ["--method", "tools/list", "--strict"];
  const callArgs = ["--method", "tools/call", "--tool-name", TOOL, "--tool-args-json", `{"leadId": ${LEAD_WITH_AGENT}}`];

  if (values.stdio) {
    const target = [
      "-e", `LOFTY_BASE_URL=${process.env.LOFTY_BASE_URL ?? ""}`,
      "-e", `LOFTY_API_KEY=${process.env.LOFTY_API_KEY ?? ""}`,
      "--", values.stdio,
    ];
    for (const era of ["legacy", "modern"]) {
      const e = ["--protocol-era", era];
      await check(`inspector stdio (${era}): tools/list --strict`, [...common, ...e, ...list, ...target], verifyList);
      await check(`inspector stdio (${era}): tools/call ${TOOL}`, [...common, ...e, ...callArgs, ...target], verifyCall);
    }
    // Every toolset: the write tools' schemas (integer arrays, nested
    // objects, emails, bounded text) are linted too.
    await check("inspector stdio (modern): tools/list --strict, --toolsets all",
      [...common, "--protocol-era", "modern", ...list, ...target, "--toolsets", "all"], verifyList);
  }
  if (values.http) {
    const e = ["--protocol-era", "modern", "--transport", "http", "--server-url", values.http];
    await check("inspector streamable-http (modern): tools/list --strict", [...common, ...e, ...list], verifyList);
    await check(`inspector streamable-http (modern): tools/call ${TOOL}`, [...common, ...e, ...callArgs], verifyCall);
  }
  rmSync(home, { recursive: true, force: true });
  console.log(`inspector-check: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((err) => {
  console.log(`FAIL  inspector-check: ${err instanceof Error ? err.stack : err}`);
  rmSync(home, { recursive: true, force: true });
  process.exit(1);
});
