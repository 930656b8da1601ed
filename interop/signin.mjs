// signin.mjs: what oauth-check.mjs and scopes-check.mjs share — the
// OAuthClientProvider a host implements, a person's browser on lofty-mcp's
// sign-in page, and one line per check with every secret redacted.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";

// Checks prints one line per check and counts them; secrets never print.
export class Checks {
  constructor(secrets = []) {
    this.passed = 0;
    this.failed = 0;
    this.secrets = secrets;
  }
  async check(name, fn) {
    try {
      const note = await fn();
      this.passed++;
      console.log(`ok    ${name}${note ? ` (${note})` : ""}`);
      return true;
    } catch (err) {
      this.failed++;
      let msg = err instanceof assert.AssertionError ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      for (const s of this.secrets) if (s) msg = msg.replaceAll(s, "[secret]");
      console.log(`FAIL  ${name}: ${msg}`);
      return false;
    }
  }
  done(script) {
    console.log(`${script}: ${this.passed} passed, ${this.failed} failed`);
    process.exit(this.failed > 0 ? 1 : 0);
  }
}

// InMemoryProvider is the OAuthClientProvider a host implements: it keeps
// the registration, the tokens and the PKCE verifier, and "opens the
// browser" by remembering the authorization URL. grantTypes says whether
// the client asks for refresh tokens.
export class InMemoryProvider {
  constructor(redirectUrl, { name, secrets, grantTypes = ["authorization_code", "refresh_token"] }) {
    this._redirectUrl = redirectUrl;
    this._name = name;
    this._grantTypes = grantTypes;
    this._secrets = secrets;
    this.authorizationUrls = [];
    this.tokenSaves = 0;
  }
  get redirectUrl() {
    return this._redirectUrl;
  }
  get clientMetadata() {
    return {
      client_name: this._name,
      redirect_uris: [this._redirectUrl],
      grant_types: this._grantTypes,
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
    this._secrets.push(tokens.access_token, tokens.refresh_token);
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
export class Browser {
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
      if (stopAt && url.startsWith(stopAt)) return { resp, url, stopped: true };
      resp = await this.go(url);
    }
    throw new Error("too many redirects");
  }
  // post sends a form (url-encoded) and follows its redirects.
  post(url, fields, stopAt) {
    return this.follow(url, stopAt, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

export const hidden = (html, name) => html.match(new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`))?.[1]?.replaceAll("&amp;", "&");

// ticked names the scope boxes the sign-in page shows ticked ("read", "write", ...).
export const ticked = (html) => [...html.matchAll(/<input type="checkbox"[^>]*id="allow-([a-z]+)"[^>]*>/g)].filter((m) => m[0].includes(" checked")).map((m) => m[1]);

// signIn plays the person for an authorization URL the SDK produced, on
// lofty-mcp's page, and returns the client redirect URL it ends at. With
// method "api_key" it pastes apiKey (a wrong key first when wrongKeyFirst);
// with "lofty" it goes through Lofty's authorization page at
// loftyAuthorize. allow names the scope boxes left ticked (lofty:read is
// always granted); onPage sees the page first.
export async function signIn(authorizationUrl, redirectUrl, { method, apiKey, loftyAuthorize, issuer, clientName, allow = [], wrongKeyFirst = false, onPage }) {
  const b = new Browser();
  let { resp, url } = await b.follow(authorizationUrl.toString(), redirectUrl);
  assert.equal(resp.status, 200, `the authorization request led to HTTP ${resp.status}, not the sign-in page`);
  const html = await resp.text();
  assert.ok(html.includes(clientName), "the sign-in page does not name the client");
  if (onPage) onPage(html);
  const request = hidden(html, "request");
  const csrf = hidden(html, "csrf");
  assert.ok(request && csrf, "the sign-in page has no request or csrf field");
  const action = new URL(html.match(/<form method="post" action="([^"]*)"/)[1], url).toString();
  const boxes = Object.fromEntries(allow.map((s) => [`allow_${s}`, "1"]));
  const post = (fields) => b.post(action, { request, csrf, ...boxes, ...fields }, redirectUrl);
  if (method === "api_key") {
    if (wrongKeyFirst) {
      const wrong = await post({ method: "api_key", api_key: "not-a-lofty-key" });
      assert.equal(wrong.resp.status, 400, `a wrong key: HTTP ${wrong.resp.status}`);
      assert.match(await wrong.resp.text(), /Lofty did not accept this API key/, "a wrong key: no message");
    }
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
  const approve = new URLSearchParams();
  for (const name of ["clientId", "response_type", "redirect_uri", "state"]) approve.set(name, hidden(page, name));
  approve.set("approve", "1");
  ({ resp, url } = await b.follow(`${loftyAuthorize}?${approve}`, redirectUrl));
  assert.ok(url.startsWith(redirectUrl), `after Allow the browser ended at HTTP ${resp.status}, not the client`);
  return new URL(url);
}

// redirectUrl is a loopback redirect URI nobody listens on.
export const redirectUrl = () => `http://127.0.0.1:${10000 + Math.floor(Math.random() * 50000)}/callback`;
