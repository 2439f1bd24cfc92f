#!/usr/bin/env node
// The `BROWSER` the bench gives pimkit: opens the sign-in URL of a local tenant started with
// --auto-sign-in and delivers the answer to pimkit's loopback listener, as a browser would
// (follows a redirect to the loopback, or submits a form_post answer). It trusts only the CA named
// by PIMKIT_BENCH_CA_FILE and talks to nothing but that tenant and the loopback.
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { Agent, request as httpsRequest } from "node:https";

const target = process.argv[process.argv.length - 1];
const caFile = process.env.PIMKIT_BENCH_CA_FILE;
if (!target || !caFile) {
  process.stderr.write("usage: PIMKIT_BENCH_CA_FILE=<ca.pem> open-url.mjs <url>\n");
  process.exit(2);
}
const agent = new Agent({ ca: readFileSync(caFile, "utf8") });

function send(url, method, body) {
  const u = new URL(url);
  const isLoopback = u.hostname === "localhost" || u.hostname === "127.0.0.1" || u.hostname === "[::1]";
  if (u.protocol === "http:" && !isLoopback) throw new Error(`refusing to open ${u.origin}`);
  const doRequest = u.protocol === "https:" ? httpsRequest : httpRequest;
  const headers = body
    ? { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) }
    : {};
  return new Promise((resolve, reject) => {
    const req = doRequest(u, { method, headers, ...(u.protocol === "https:" ? { agent } : {}) }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

function unescapeHtml(s) {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

let url = target;
for (let hop = 0; hop < 5; hop++) {
  const res = await send(url, "GET");
  if (res.status >= 300 && res.status < 400 && res.headers.location) {
    url = new URL(res.headers.location, url).toString();
    if (new URL(url).protocol === "http:") {
      await send(url, "GET");
      process.exit(0);
    }
    continue;
  }
  const form = /<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*id="answer"/i.exec(res.text);
  if (res.status === 200 && form?.[1]) {
    const fields = new URLSearchParams();
    for (const m of res.text.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
      fields.append(unescapeHtml(m[1] ?? ""), unescapeHtml(m[2] ?? ""));
    }
    await send(unescapeHtml(form[1]), "POST", fields.toString());
    process.exit(0);
  }
  process.stderr.write(
    `open-url: the sign-in did not complete on its own (HTTP ${res.status}); start the tenant with --auto-sign-in\n`,
  );
  process.exit(1);
}
process.stderr.write("open-url: too many redirects\n");
process.exit(1);
