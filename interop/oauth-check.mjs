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
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const TOOL = "get_sales_agent_by_lead";
const LEAD_WITH_AGENT = 563172647619608;
const REQUEST_TIMEOUT_MS = 15_000;

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

let passed = 0;
let failed = 0;
const secrets = [apiKey];

async function check(name, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`ok    ${name}${note ? ` (${note})` : ""}`);
    return true;
  } catch (err) {
    failed++;
    let msg = err instanceof assert.AssertionError ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    for (const s of secrets) if (s) msg = msg.replaceAll(s, "[secret]");
    console.log(`FAIL  ${name}: ${msg}`);
    return false;
  }
}

// InMemoryProvider is the OAuthClientProvider a host implements: it keeps
// the registration, the tokens and the PKCE verifier, and "opens the
// browser" by remembering the authorization URL.
class InMemoryProvider {
  constructor(redirectUrl) {
    this._redirectUrl = redirectUrl;
    this.authorizationUrls = [];
    this.tokenSaves = 0;
  }
  get redirectUrl() {
    return this._redirectUrl;
  }
  get clientMetadata() {
    return {
      client_name: "lofty-mcp interop (TypeScript SDK)",
      redirect_uris: [this._redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  state() {
    this._state = randomBytes(16).toString("hex");
    return this._state;
  }
  clientInformation() {
    return this._client;
  }
  saveClientInformation(info) {
    this._client = info;
  }
  tokens() {
    return this._tokens;
  }
  saveTokens(tokens) {
    this._tokens = tokens;
    this.tokenSaves++;
    secrets.push(tokens.access_token, tokens.refresh_token);
  }
  redirectToAuthorization(url) {
    this.authorizationUrls.push(new URL(url));
  }
  saveCodeVerifier(v) {
    this._verifier = v;
  }
  codeVerifier() {
    return this._verifier;
  }
}

// Browser: fetch with a cookie jar and no automatic redirects.
class Browser {
  constructor() {
    this.cookies = new Map();
  }
  async go(url, init = {}) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const resp = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
    for (const c of resp.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return resp;
  }
  // follow goes through redirects until one leaves for stopAt (returned
  // unfollowed) or a page answers.
  async follow(url, stopAt, init) {
    let resp = await this.go(url, init);
    for (let hops = 0; hops < 10; hops++) {
      const loc = resp.headers.get("location");
      if (![301, 302, 303, 307, 308].includes(resp.status) || !loc) return { resp, url };
      url = new URL(loc, url).toString();
      if (url.startsWith(stopAt)) return { resp, url, stopped: true };
      resp = await this.go(url);
    }
    throw new Error("too many redirects");
  }
}

const hidden = (html, name) => html.match(new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`))?.[1]?.replaceAll("&amp;", "&");

// signIn plays the person for an authorization URL the SDK produced, and
// returns the client redirect URL it ends at.
async function signIn(authorizationUrl, redirectUrl, method) {
  const b = new Browser();
  let { resp, url } = await b.follow(authorizationUrl.toString(), redirectUrl);
  assert.equal(resp.status, 200, `the authorization request led to HTTP ${resp.status}, not the sign-in page`);
  const html = await resp.text();
  assert.match(html, /lofty-mcp interop \(TypeScript SDK\)/, "the sign-in page does not name the client");
  const request = hidden(html, "request");
  const csrf = hidden(html, "csrf");
  assert.ok(request && csrf, "the sign-in page has no request or csrf field");
  const action = new URL(html.match(/<form method="post" action="([^"]*)"/)[1], url);
  const post = (fields) =>
    b.follow(action.toString(), redirectUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request, csrf, ...fields }).toString(),
    });
  if (method === "api_key") {
    // A wrong key first: the page again, with the message.
    const wrong = await post({ method: "api_key", api_key: "not-a-lofty-key" });
    assert.equal(wrong.resp.status, 400, `a wrong key: HTTP ${wrong.resp.status}`);
    assert.match(await wrong.resp.text(), /Lofty did not accept this API key/, "a wrong key: no message");
    ({ resp, url } = await post({ method: "api_key", api_key: apiKey }));
    assert.ok(url.startsWith(redirectUrl), `the API key sign-in ended at HTTP ${resp.status}, not the client`);
    return new URL(url);
  }
  // Sign in with Lofty: lofty-mcp sends the browser to Lofty's page.
  ({ resp, url } = await post({ method: "lofty" }));
  assert.ok(url.startsWith(`${loftyAuthorize}?`), `Sign in with Lofty went to ${new URL(url).origin}${new URL(url).pathname}, not Lofty's authorization page`);
  const q = new URL(url).searchParams;
  assert.equal(q.get("response_type"), "code");
  assert.equal(q.get("redirect_uri"), `${issuer}/oauth/lofty/callback`);
  assert.ok(q.get("clientId") && q.get("state"), "Lofty's authorize request lacks clientId or state");
  const page = await resp.text();
  assert.match(page, /id="approve"/, "Lofty's page has no Allow button");
  const allow = new URLSearchParams();
  for (const name of ["clientId", "response_type", "redirect_uri", "state"]) allow.set(name, hidden(page, name));
  allow.set("approve", "1");
  ({ resp, url } = await b.follow(`${loftyAuthorize}?${allow}`, redirectUrl));
  assert.ok(url.startsWith(redirectUrl), `after Allow the browser ended at HTTP ${resp.status}, not the client`);
  return new URL(url);
}

const call = (client) => client.callTool({ name: TOOL, arguments: { leadId: LEAD_WITH_AGENT } }, undefined, { timeout: REQUEST_TIMEOUT_MS });

async function agentName(client) {
  const res = await call(client);
  assert.ok(!res.isError, `the tool answered an error: ${res.content?.[0]?.text}`);
  return res.structuredContent?.agentName;
}

async function flow(method) {
  const t = (name) => `${method}: ${name}`;
  const redirectUrl = `http://127.0.0.1:${10000 + Math.floor(Math.random() * 50000)}/callback`; // never listened on
  const provider = new InMemoryProvider(redirectUrl);
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
console.log(`oauth-check: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
