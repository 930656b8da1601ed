// oauth-check.mjs: the official MCP TypeScript SDK client's OAuth support
// (@modelcontextprotocol/sdk: StreamableHTTPClientTransport with an
// authProvider, an OAuthClientProvider) against `lofty-mcp http --oauth`,
// the way a host such as Claude.ai signs a person in:
//
//   1. connect without a token: the SDK reads the 401's WWW-Authenticate,
//      discovers the protected-resource and authorization-server metadata,
//      registers a client (Dynamic Client Registration) and asks for an
//      authorization with PKCE S256 and the resource (RFC 8707);
//   2. this script is the person's browser: it follows the authorization URL
//      to lofty-mcp's sign-in page and signs in, with the pasted-API-key form
//      (its cookie and CSRF token) or with "Sign in with Lofty" (the fake
//      Lofty's authorization page, Allow, Lofty's redirect to lofty-mcp's
//      callback), until the browser is sent to the client's redirect URI with
//      a code, the state and iss (RFC 9207);
//   3. transport.finishAuth(code) redeems it; the SDK client connects with the
//      access token, lists the tools and calls get_sales_agent_by_lead. The
//      fake Lofty accepts only the right Authorization (the key as
//      "token <key>", Lofty's access token as "Bearer <token>"; anything else
//      is refused), so a correct answer is the proof;
//   4. the access token expires (the server runs with a short
//      LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL): the next call gets 401, the SDK
//      refreshes (refresh_token grant; the refresh token rotates) and the
//      call succeeds without a new sign-in.
//
//   node oauth-check.mjs --url http://127.0.0.1:PORT --api-key KEY \
//        --lofty-authorize http://127.0.0.1:FAKE/page/vendor-auth.html --token-ttl SECONDS
//
// The key and every token stay in this process: none is printed. Prints one
// line per check and a closing "N passed, N failed" line; exits 1 on any
// failure, 2 on bad usage.

import assert from "node:assert/strict";
import { parseArgs } from "node:util";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

import { Checks, InMemoryProvider, redirectUrl as newRedirectUrl, signIn as signInAs } from "./signin.mjs";

const TOOL = "get_sales_agent_by_lead";
const LEAD_WITH_AGENT = 563172647619608;
const REQUEST_TIMEOUT_MS = 15_000;
const CLIENT_NAME = "lofty-mcp interop (TypeScript SDK)";

const { values: opts } = parseArgs({
  options: {
    url: { type: "string" },
    "api-key": { type: "string" },
    "lofty-authorize": { type: "string" },
    "token-ttl": { type: "string" },
  },
});
if (!opts.url || !opts["api-key"] || !opts["lofty-authorize"] || !opts["token-ttl"]) {
  console.error("usage: node oauth-check.mjs --url ISSUER --api-key KEY --lofty-authorize URL --token-ttl SECONDS");
  process.exit(2);
}
const issuer = opts.url.replace(/\/$/, "");
const mcpURL = new URL(`${issuer}/mcp`);
const apiKey = opts["api-key"];
const loftyAuthorize = opts["lofty-authorize"];
const tokenTTL = Number(opts["token-ttl"]);

const secrets = [apiKey];
const checks = new Checks(secrets);
const check = (name, fn) => checks.check(name, fn);

// signIn plays the person: a wrong key first, then the right one (or
// Sign in with Lofty).
const signIn = (authorizationUrl, redirectUrl, method) =>
  signInAs(authorizationUrl, redirectUrl, { method, apiKey, loftyAuthorize, issuer, clientName: CLIENT_NAME, wrongKeyFirst: true });

const call = (client) => client.callTool({ name: TOOL, arguments: { leadId: LEAD_WITH_AGENT } }, undefined, { timeout: REQUEST_TIMEOUT_MS });

async function agentName(client) {
  const res = await call(client);
  assert.ok(!res.isError, `the tool answered an error: ${res.content?.[0]?.text}`);
  return res.structuredContent?.agentName;
}

async function flow(method) {
  const t = (name) => `${method}: ${name}`;
  const redirectUrl = newRedirectUrl(); // never listened on
  const provider = new InMemoryProvider(redirectUrl, { name: CLIENT_NAME, secrets });
  let callback;

  const started = await check(t("connect without a token: 401, discovery, registration, authorization URL"), async () => {
    const transport = new StreamableHTTPClientTransport(mcpURL, { authProvider: provider });
    const client = new Client({ name: "lofty-mcp-interop", version: "1.0.0" });
    await assert.rejects(client.connect(transport, { timeout: REQUEST_TIMEOUT_MS }), UnauthorizedError);
    await transport.close();
    assert.ok(provider.clientInformation()?.client_id, "the SDK did not register a client");
    assert.equal(provider.authorizationUrls.length, 1, "the SDK did not ask for an authorization");
    const u = provider.authorizationUrls[0];
    assert.equal(`${u.origin}${u.pathname}`, `${issuer}/oauth/authorize`);
    assert.equal(u.searchParams.get("code_challenge_method"), "S256");
    assert.equal(u.searchParams.get("resource"), mcpURL.toString());
    assert.equal(u.searchParams.get("state"), provider._state);
    return `client ${provider.clientInformation().client_id.slice(0, 12)}…`;
  });
  if (!started) return;

  const signedIn = await check(t("the person signs in on lofty-mcp's page; back to the client with code, state and iss"), async () => {
    callback = await signIn(provider.authorizationUrls[0], redirectUrl, method);
    const q = callback.searchParams;
    assert.equal(q.get("error"), null, `error ${q.get("error")}: ${q.get("error_description")}`);
    assert.equal(q.get("state"), provider._state, "state differs");
    assert.equal(q.get("iss"), issuer, "iss (RFC 9207) is not the issuer");
    assert.ok(q.get("code"), "no code");
    secrets.push(q.get("code"));
  });
  if (!signedIn) return;

  await check(t("finishAuth redeems the code (PKCE verifier, resource)"), async () => {
    const transport = new StreamableHTTPClientTransport(mcpURL, { authProvider: provider });
    await transport.finishAuth(callback.searchParams.get("code"));
    const tok = provider.tokens();
    assert.ok(tok?.access_token && tok.refresh_token, "no access or refresh token");
    assert.equal(tok.token_type.toLowerCase(), "bearer");
    assert.ok(tok.expires_in > 0 && tok.expires_in <= tokenTTL, `expires_in ${tok.expires_in}, want at most ${tokenTTL}`);
  });

  const client = new Client({ name: "lofty-mcp-interop", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(mcpURL, { authProvider: provider });
  const ok = await check(t("connect with the access token, list tools, call a tool (the fake Lofty accepts only the right Authorization)"), async () => {
    await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
    const { tools } = await client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
    assert.ok(tools.some((tl) => tl.name === TOOL), `tools/list has no ${TOOL}`);
    assert.equal(await agentName(client), "John Doe");
  });
  if (!ok) return;

  await check(t(`the access token expires (${tokenTTL}s): the SDK refreshes it and the call succeeds`), async () => {
    const before = provider.tokens();
    const saves = provider.tokenSaves;
    await new Promise((r) => setTimeout(r, (tokenTTL + 1) * 1000));
    assert.equal(await agentName(client), "John Doe");
    const after = provider.tokens();
    assert.equal(provider.tokenSaves, saves + 1, "the SDK did not save new tokens");
    assert.notEqual(after.access_token, before.access_token, "the access token did not change");
    assert.notEqual(after.refresh_token, before.refresh_token, "the refresh token did not rotate");
    assert.equal(provider.authorizationUrls.length, 1, "the SDK asked the person to sign in again instead of refreshing");
    // The rotated-out refresh token is refused by the server.
    const resp = await fetch(`${issuer}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: before.refresh_token, client_id: provider.clientInformation().client_id }),
    });
    assert.equal(resp.status, 400, `reusing the rotated-out refresh token: HTTP ${resp.status}`);
    assert.equal((await resp.json()).error, "invalid_grant");
  });
  await client.close();
}

await flow("api_key");
await flow("lofty");
checks.done("oauth-check");
