#!/usr/bin/env node
// A headless stand-in for a web browser, for `BROWSER=…/pimkit-test-browser.js pimkit auth login`
// against pimkit's local tenant. It opens the sign-in URL it is given (trusting the local tenant's
// CA only), completes the sign-in page when one is shown (as PIMKIT_TEST_BROWSER_USER, approving
// MFA and every authentication context asked for), and posts the form_post answer to the app's
// loopback listener, as a browser would. It never prints codes, tokens or claims.
//
// CA, first found: --ca FILE, PIMKIT_TEST_BROWSER_CA (a PEM file), the caCertPem of the cloud file
// named by PIMKIT_CLOUD. PIMKIT_TEST_BROWSER_LOG (a file) gets one JSON line per sign-in with the
// authentication contexts asked for, so tests can count sign-ins. PIMKIT_TEST_BROWSER_CAPTURE (a
// file) receives the answer's fields (the authorization code included) so that security tests can
// use them as canaries that must never appear in pimkit's output.
import { appendFileSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

function fail(message) {
  process.stderr.write(`pimkit-test-browser: ${message}\n`);
  process.exit(1);
}

const argv = process.argv.slice(2);
let caFile;
const rest = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--ca") caFile = argv[++i];
  else rest.push(argv[i]);
}
const url = rest.at(-1);
if (!url) fail("usage: pimkit-test-browser.js [--ca FILE] URL");

function loadCa() {
  const file = caFile ?? process.env.PIMKIT_TEST_BROWSER_CA;
  if (file) return readFileSync(file, "utf8");
  const cloud = process.env.PIMKIT_CLOUD;
  if (cloud?.endsWith(".json")) {
    const pem = JSON.parse(readFileSync(cloud, "utf8")).caCertPem;
    if (typeof pem === "string") return pem;
  }
  return undefined;
}

const ca = loadCa();
const cookies = new Map();

function send(target, { method = "GET", body, headers = {} } = {}) {
  const u = new URL(target);
  const isLoopback = ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
  if (u.protocol === "http:" && !isLoopback) fail("refusing plain http to a host that is not this machine");
  const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const h = { ...headers, ...(cookie && u.protocol === "https:" ? { cookie } : {}) };
  if (body !== undefined) h["content-length"] = Buffer.byteLength(body);
  const requester = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = requester(u, { method, headers: h, ...(u.protocol === "https:" && ca ? { ca } : {}) }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        for (const sc of [res.headers["set-cookie"] ?? []].flat()) {
          const [pair] = sc.split(";");
          const eq = pair.indexOf("=");
          if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

function unescapeHtml(s) {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&amp;/g, "&");
}

function attr(tag, name) {
  const m = new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag);
  return m ? unescapeHtml(m[1]) : undefined;
}

/** The first form of a page: its action and its inputs (hidden ones, checked boxes and radios). */
function parseForm(html) {
  const form = /<form\b[^>]*>/i.exec(html);
  if (!form) return undefined;
  const action = attr(form[0], "action");
  const end = html.indexOf("</form>", form.index);
  const inner = html.slice(form.index, end < 0 ? undefined : end);
  const inputs = [...inner.matchAll(/<input\b[^>]*>/gi)].map((m) => ({
    type: (attr(m[0], "type") ?? "text").toLowerCase(),
    name: attr(m[0], "name"),
    value: attr(m[0], "value") ?? "",
    checked: /\schecked\b/i.test(m[0]),
    tag: m[0],
    after: inner.slice(m.index + m[0].length, m.index + m[0].length + 400),
  }));
  return { action, inputs };
}

async function main() {
  const authorize = new URL(url);
  const claims = authorize.searchParams.get("claims");
  let acrs = [];
  try {
    const parsed = claims ? JSON.parse(claims) : {};
    const a = parsed?.access_token?.acrs;
    acrs = [a?.value, ...(Array.isArray(a?.values) ? a.values : [])].filter((x) => typeof x === "string");
  } catch {
    acrs = [];
  }
  if (process.env.PIMKIT_TEST_BROWSER_LOG) {
    appendFileSync(process.env.PIMKIT_TEST_BROWSER_LOG, `${JSON.stringify({ at: new Date().toISOString(), acrs })}\n`);
  }
  let page = await send(url);
  let base = url;
  for (let hops = 0; hops < 5; hops++) {
    if (page.status >= 300 && page.status < 400 && page.headers.location) {
      const next = new URL(page.headers.location, base).toString();
      const target = new URL(next);
      if (target.protocol === "http:") {
        // A query-mode answer to the loopback: deliver it as the browser would.
        await send(next);
        return;
      }
      base = next;
      page = await send(next);
      continue;
    }
    const form = parseForm(page.text);
    if (!form?.action) fail(`the page at ${new URL(base).pathname} has no form (status ${page.status})`);
    const action = new URL(form.action, base).toString();
    const fields = new URLSearchParams();
    if (form.inputs.some((i) => i.name === "transaction")) {
      // The local tenant's sign-in page: pick the user, approve MFA and every context asked for.
      const wanted = process.env.PIMKIT_TEST_BROWSER_USER?.toLowerCase();
      const users = form.inputs.filter((i) => i.type === "radio" && i.name === "user");
      const user =
        (wanted && users.find((u) => u.after.toLowerCase().includes(wanted))) ??
        users.find((u) => u.checked) ??
        users[0];
      for (const i of form.inputs) {
        if (!i.name) continue;
        if (i.type === "hidden") fields.append(i.name, i.value);
        else if (i.type === "checkbox") fields.append(i.name, i.value);
      }
      if (user?.name) fields.append(user.name, user.value);
      fields.append("action", "signin");
      base = action;
      page = await send(action, {
        method: "POST",
        body: fields.toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      continue;
    }
    // The form_post answer: hidden fields posted to the app's loopback listener.
    const target = new URL(action);
    if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) fail("the answer does not go to this machine");
    for (const i of form.inputs) if (i.name && i.type === "hidden") fields.append(i.name, i.value);
    if (process.env.PIMKIT_TEST_BROWSER_CAPTURE) {
      appendFileSync(process.env.PIMKIT_TEST_BROWSER_CAPTURE, `${JSON.stringify(Object.fromEntries(fields))}\n`, {
        mode: 0o600,
      });
    }
    const res = await send(action, {
      method: "POST",
      body: fields.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    if (res.status >= 400) fail(`the app's loopback answered ${res.status}`);
    return;
  }
  fail("too many steps");
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
