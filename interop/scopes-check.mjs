// scopes-check.mjs: what a person's sign-in lets an app do, through the
// official MCP TypeScript SDK client's OAuth support
// (@modelcontextprotocol/sdk: StreamableHTTPClientTransport with an
// authProvider), against `lofty-mcp http --oauth --toolsets
// leads,lead_actions`:
//
//   1. a read-only grant: the SDK asks for the scopes the 401 names
//      (lofty:read lofty:write); the person unticks "change data"; the
//      token says lofty:read; tools/list has only reads; a read works;
//   2. a write gets 403 insufficient_scope naming lofty:read lofty:write;
//      then a step-up grant (the person allows writes) lists and calls the
//      write. SDK 1.32 first refreshes its token, which cannot widen the
//      scope, and gives up ("Server returned 403 after trying upscoping",
//      modelcontextprotocol/typescript-sdk#2255); a host then starts a new
//      authorization with the challenged scope, as this script does — or,
//      with an SDK that goes to the authorization itself, uses that;
//   3. a URL that narrows: /mcp/x/leads/readonly has its own metadata and
//      challenge (lofty:read), and lists only the leads reads; a toolset
//      the server does not serve is refused, naming those it does;
//   4. the person disconnects every app on /oauth/account: the app's next
//      call fails, and its token is refused at once.
//
//   node scopes-check.mjs --url http://127.0.0.1:PORT --api-key KEY
//
// The key and every token stay in this process: none is printed. Prints one
// line per check and a closing "N passed, N failed" line; exits 1 on any
// failure, 2 on bad usage.

import assert from "node:assert/strict";
import { parseArgs } from "node:util";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { auth, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

import { Browser, Checks, InMemoryProvider, hidden, redirectUrl as newRedirectUrl, signIn, ticked } from "./signin.mjs";

const REQUEST_TIMEOUT_MS = 15_000;
const CLIENT_NAME = "lofty-mcp scopes interop (TypeScript SDK)";
const LEAD = 563172647619608;
const NOTE = `scopes-check note ${Date.now()}`;

const { values: opts } = parseArgs({ options: { url: { type: "string" }, "api-key": { type: "string" } } });
if (!opts.url || !opts["api-key"]) {
  console.error("usage: node scopes-check.mjs --url ISSUER --api-key KEY");
  process.exit(2);
}
const issuer = opts.url.replace(/\/$/, "");
const apiKey = opts["api-key"];
const secrets = [apiKey];
const checks = new Checks(secrets);
const check = (name, fn) => checks.check(name, fn);
const timeout = { timeout: REQUEST_TIMEOUT_MS };

// challenges records the WWW-Authenticate of every 401 and 403 the SDK sees.
const challenges = [];
const recordingFetch = async (url, init) => {
  const resp = await fetch(url, init);
  if (resp.status === 401 || resp.status === 403) challenges.push({ status: resp.status, header: resp.headers.get("www-authenticate") ?? "" });
  return resp;
};

// A host: an SDK client on one URL, its provider, and the person.
class Host {
  constructor(url) {
    this.url = new URL(url);
    this.redirectUrl = newRedirectUrl();
    this.provider = new InMemoryProvider(this.redirectUrl, { name: CLIENT_NAME, secrets });
  }
  transport() {
    return new StreamableHTTPClientTransport(this.url, { authProvider: this.provider, fetch: recordingFetch });
  }
  // authorize has the person sign in at the provider's last authorization
  // URL, allowing allow, and redeems the code.
  async authorize(allow, onPage) {
    const u = this.provider.authorizationUrls.at(-1);
    const back = await signIn(u, this.redirectUrl, { method: "api_key", apiKey, clientName: CLIENT_NAME, allow, onPage });
    assert.equal(back.searchParams.get("error"), null, `error ${back.searchParams.get("error")}: ${back.searchParams.get("error_description")}`);
    secrets.push(back.searchParams.get("code"));
    await this.transport().finishAuth(back.searchParams.get("code"));
    return this.provider.tokens();
  }
  // connect signs in (the SDK's 401 flow, then the person) when needed and
  // returns a connected client.
  async connect(allow, onPage) {
    const first = new Client({ name: "lofty-mcp-interop", version: "1.0.0" });
    try {
      await first.connect(this.transport(), timeout);
      return first;
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) throw err;
    }
    await this.authorize(allow, onPage);
    const client = new Client({ name: "lofty-mcp-interop", version: "1.0.0" });
    await client.connect(this.transport(), timeout);
    return client;
  }
}

const names = async (client) => (await client.listTools(undefined, timeout)).tools.map((t) => t.name).sort();
const addNote = (client) => client.callTool({ name: "add_lead_note", arguments: { leadId: LEAD, content: NOTE } }, undefined, timeout);
const readLead = (client) => client.callTool({ name: "get_lead", arguments: { leadId: LEAD } }, undefined, timeout);

const host = new Host(`${issuer}/mcp`);
let client;

const readOnly = await check("a read-only grant: the 401's scopes asked for, write unticked, only reads listed and called", async () => {
  let offered;
  client = await host.connect([], (html) => (offered = ticked(html)));
  const asked = host.provider.authorizationUrls[0].searchParams.get("scope");
  assert.equal(asked, "lofty:read lofty:write", "the SDK did not ask for the scopes the 401 named");
  assert.deepEqual(offered, ["read", "write"], "the sign-in page did not offer read and write, ticked");
  assert.equal(host.provider.tokens().scope, "lofty:read", "the token answer does not say read only");
  assert.deepEqual(await names(client), ["find_leads", "get_lead", "get_lead_timeline"]);
  const res = await readLead(client);
  assert.ok(!res.isError, `get_lead: ${res.content?.[0]?.text}`);
});

if (readOnly) {
  await check("a write with the read-only grant: 403 insufficient_scope naming lofty:read lofty:write; then a step-up grant writes", async () => {
    const before = host.provider.authorizationUrls.length;
    let err;
    try {
      await addNote(client);
    } catch (e) {
      err = e;
    }
    assert.ok(err, "add_lead_note succeeded with a read-only grant");
    const challenge = challenges.find((c) => c.status === 403);
    assert.ok(challenge, "no 403 was seen");
    assert.match(challenge.header, /^Bearer error="insufficient_scope", scope="lofty:read lofty:write", resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource\/mcp"/);
    const scope = challenge.header.match(/scope="([^"]*)"/)[1];
    let how = "the SDK started the authorization itself";
    if (host.provider.authorizationUrls.length === before) {
      // SDK 1.32: it refreshed (which cannot widen a scope) and gave up. A
      // host asks the person again with the challenged scope.
      assert.match(String(err), /403/, `the SDK failed otherwise: ${err}`);
      how = "after the SDK's refresh gave up (typescript-sdk#2255), the host asked again";
      host.provider._tokens = undefined;
      const result = await auth(host.provider, { serverUrl: host.url, scope, fetchFn: recordingFetch });
      assert.equal(result, "REDIRECT");
    }
    const u = host.provider.authorizationUrls.at(-1);
    assert.equal(u.searchParams.get("scope"), "lofty:read lofty:write", "the new authorization does not ask for the challenged scopes");
    await host.authorize(["write"]);
    assert.equal(host.provider.tokens().scope, "lofty:read lofty:write");
    client = new Client({ name: "lofty-mcp-interop", version: "1.0.0" });
    await client.connect(host.transport(), timeout);
    const listed = await names(client);
    assert.ok(listed.includes("add_lead_note") && listed.includes("get_lead"), `the step-up grant lists ${listed}`);
    const res = await addNote(client);
    assert.ok(!res.isError, `add_lead_note after the step-up: ${res.content?.[0]?.text}`);
    return how;
  });
}

await check("a URL that narrows: /mcp/x/leads/readonly, its own metadata and challenge, only the leads reads", async () => {
  const narrow = new Host(`${issuer}/mcp/x/leads/readonly`);
  const c = await narrow.connect(["write"]);
  const u = narrow.provider.authorizationUrls[0];
  assert.equal(u.searchParams.get("resource"), `${issuer}/mcp/x/leads/readonly`, "the SDK did not ask for the narrowed resource");
  assert.equal(u.searchParams.get("scope"), "lofty:read");
  assert.equal(narrow.provider.tokens().scope, "lofty:read");
  assert.deepEqual(await names(c), ["find_leads", "get_lead", "get_lead_timeline"]);
  await c.close();
  const refused = await fetch(`${issuer}/mcp/x/leads,sales_agents`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  assert.equal(refused.status, 404);
  assert.match(await refused.text(), /does not serve the toolset sales_agents; it serves leads, lead_actions/);
});

await check("the person disconnects every app on /oauth/account: the app's access ends at once", async () => {
  const b = new Browser();
  let { resp } = await b.follow(`${issuer}/oauth/account`);
  const page = await resp.text();
  ({ resp } = await b.post(`${issuer}/oauth/account`, { csrf: hidden(page, "csrf"), method: "api_key", api_key: apiKey }));
  const list = await resp.text();
  assert.match(list, /id="grants"/, `the account page did not list the apps (HTTP ${resp.status})`);
  assert.ok((list.match(/<tr id="grant-/g) ?? []).length >= 3, "the account page does not list the three sign-ins");
  ({ resp } = await b.post(`${issuer}/oauth/account`, { csrf: hidden(list, "csrf"), method: "revoke_all" }));
  assert.match(await resp.text(), /apps are disconnected and their stored Lofty credentials deleted/);
  const direct = await fetch(`${issuer}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${host.provider.tokens().access_token}` },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
  assert.equal(direct.status, 401, "the disconnected app's access token is still accepted");
  await assert.rejects(readLead(client), "the SDK client still reads after its sign-in was disconnected");
});

await client?.close().catch(() => {});
checks.done("scopes-check");
