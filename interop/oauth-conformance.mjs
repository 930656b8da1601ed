#!/usr/bin/env node
// The MCP conformance suite's authorization-server scenarios against
// lofty-mcp's built-in authorization server (`lofty-mcp http --oauth`):
//
//   authorization-server-metadata-endpoint   RFC 8414 metadata (issuer, endpoints, S256, CIMD support)
//   authorization-code-grant                 authorization code + PKCE S256, iss, token response
//
// The suite's `authorization` command prints an authorization URL and waits
// for a browser to come back to its callback on 127.0.0.1:<port>. This
// script is that person: it registers a public client with Dynamic Client
// Registration (redirect URI http://127.0.0.1:<port>/callback), runs the
// suite with that client, and when the URL appears, goes through
// lofty-mcp's sign-in page (the pasted-API-key form, with its cookie and
// CSRF token) until the browser lands on the suite's callback.
//
// Usage (Node 22: the suite needs fs.globSync):
//   node oauth-conformance.mjs --url http://127.0.0.1:8080 --api-key <a key the Lofty API accepts> \
//        [--resource http://127.0.0.1:8080/mcp] [--output-dir DIR] [--conformance path/to/dist/index.js]
//
// The key goes to the server under test only; it is never printed. Exits
// with the suite's status (non-zero when a check fails), 2 on a usage or
// driver error.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    'api-key': { type: 'string' },
    resource: { type: 'string' },
    'output-dir': { type: 'string' },
    conformance: { type: 'string' },
    timeout: { type: 'string', default: '120' },
  },
});

function die(msg) {
  console.error(`oauth-conformance: ${msg}`);
  process.exit(2);
}

if (!opts.url) die('--url (the issuer, e.g. http://127.0.0.1:8080) is required');
if (!opts['api-key']) die('--api-key (a Lofty API key the server can check) is required');
const issuer = opts.url.replace(/\/$/, '');
const apiKey = opts['api-key'];

// The suite: --conformance, else the npm alias conformance-next
// (interop/package.json keeps @modelcontextprotocol/conformance at the
// version its server-mode baseline was made with), else that package when it
// is new enough (0.1.x has no authorization mode).
const cli = opts.conformance ?? (() => {
  const require = createRequire(import.meta.url);
  for (const name of ['conformance-next', 'conformance-authorization', '@modelcontextprotocol/conformance']) {
    let pkg;
    try {
      pkg = require(`${name}/package.json`);
    } catch {
      continue;
    }
    if (/^0\.1\./.test(pkg.version)) continue;
    return require.resolve(`${name}/dist/index.js`);
  }
  die('the conformance suite 0.2.0-alpha.12 or later is not installed next to this script: add ' +
    '"conformance-next": "npm:@modelcontextprotocol/conformance@0.2.0-alpha.12" to interop/package.json ' +
    'and run npm install, or pass --conformance path/to/dist/index.js');
})();

// A free loopback port for the suite's callback server.
const port = await new Promise((resolve, reject) => {
  const srv = createServer();
  srv.on('error', reject);
  srv.listen(0, '127.0.0.1', () => {
    const { port } = srv.address();
    srv.close(() => resolve(port));
  });
});
const redirectURI = `http://127.0.0.1:${port}/callback`;

async function request(url, init, what) {
  try {
    return await fetch(url, init);
  } catch (e) {
    die(`${what}: ${url}: ${e.cause?.message ?? e.message}`);
  }
}

async function json(resp, what) {
  const text = await resp.text();
  try {
    return JSON.parse(text);
  } catch {
    die(`${what}: HTTP ${resp.status}, not JSON`);
  }
}

const metadata = await json(await request(`${issuer}/.well-known/oauth-authorization-server`, {}, 'authorization server metadata'), 'authorization server metadata');
if (!metadata.registration_endpoint) die('the metadata names no registration_endpoint');
const reg = await request(metadata.registration_endpoint, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    client_name: 'MCP conformance suite',
    redirect_uris: [redirectURI],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }),
}, 'client registration');
const client = await json(reg, 'client registration');
if (reg.status !== 201 || !client.client_id) die(`client registration: HTTP ${reg.status}: ${client.error ?? ''} ${client.error_description ?? ''}`);
console.log(`oauth-conformance: registered client ${client.client_id} with redirect URI ${redirectURI}`);

// signIn plays the person: authorization URL -> sign-in page -> API key form
// -> redirect to the suite's callback, which it then opens.
async function signIn(authorizationURL) {
  const cookies = new Map();
  const remember = (resp) => {
    for (const c of resp.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const go = async (url, init = {}) => {
    const resp = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: cookieHeader() } });
    remember(resp);
    return resp;
  };

  let resp = await go(authorizationURL);
  let location = resp.headers.get('location');
  if (resp.status !== 303 || !location) die(`authorization request: HTTP ${resp.status} (want a redirect to the sign-in page)`);
  const pageURL = new URL(location, authorizationURL);
  resp = await go(pageURL);
  const html = await resp.text();
  if (resp.status !== 200) die(`sign-in page: HTTP ${resp.status}`);
  const field = (name) => html.match(new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`))?.[1];
  const request = field('request');
  const csrf = field('csrf');
  if (!request || !csrf) die('the sign-in page has no request or csrf field');
  const form = new URLSearchParams({ request, csrf, method: 'api_key', api_key: apiKey });
  const action = html.match(/<form method="post" action="([^"]*)" id="signin-form">/)?.[1];
  if (!action) die('the sign-in page has no API key form');
  resp = await go(new URL(action, pageURL), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  location = resp.headers.get('location');
  if (resp.status !== 303 || !location?.startsWith(redirectURI)) {
    const msg = (await resp.text()).match(/id="message">([^<]*)</)?.[1];
    die(`signing in with the API key: HTTP ${resp.status}${msg ? `: ${msg}` : ''}`);
  }
  console.log('oauth-conformance: signed in; returning to the suite\'s callback');
  // The suite's callback server; it may start a moment after the URL is printed.
  for (let attempt = 1; ; attempt++) {
    try {
      await fetch(location);
      return;
    } catch (e) {
      if (attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const args = [cli, 'authorization', '--url', issuer, '--client-id', client.client_id, '--port', String(port)];
if (opts.resource) args.push('--resource', opts.resource);
if (opts['output-dir']) args.push('--output-dir', opts['output-dir']);
console.log(`oauth-conformance: ${process.execPath} ${args.join(' ')}`);
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
const timer = setTimeout(() => {
  console.error('oauth-conformance: the suite did not finish in time; stopping it');
  child.kill('SIGTERM');
}, Number(opts.timeout) * 1000);

let buffered = '';
let started = false;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffered += chunk.toString();
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl).trim();
    buffered = buffered.slice(nl + 1);
    if (!started && line.startsWith(`${metadata.authorization_endpoint}?`)) {
      started = true;
      signIn(line).catch((e) => die(`driving the sign-in: ${e.message}`));
    }
  }
});
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  if (signal) die(`the suite was stopped by ${signal}`);
  process.exit(code ?? 2);
});
