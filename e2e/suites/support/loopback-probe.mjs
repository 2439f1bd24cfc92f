// A BROWSER program for `pimkit auth login` that tests the app's loopback listener before letting
// the sign-in finish: which addresses it answers on, whether it refuses an answer with the wrong
// state (and keeps waiting for the right one), and whether it closes after the one answer it
// wanted. Only this machine's addresses are contacted. The results go to PIMKIT_PROBE_OUT as JSON;
// the real sign-in is completed by the test browser named in PIMKIT_PROBE_BROWSER.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";

const url = process.argv.at(-1) ?? "";
const out = process.env.PIMKIT_PROBE_OUT ?? "";
const results = { port: 0, checks: [], done: false };

function save() {
  if (out) writeFileSync(out, JSON.stringify(results), { mode: 0o600 });
}

function record(name, ok, detail) {
  results.checks.push({ name, ok, detail });
  save();
}

/** "open" when something accepts a TCP connection there, else the error code. */
function tcp(host, port) {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve("timeout");
    }, 1000);
    s.once("connect", () => {
      clearTimeout(timer);
      s.destroy();
      resolve("open");
    });
    s.once("error", (e) => {
      clearTimeout(timer);
      resolve(e.code ?? "error");
    });
  });
}

function http(method, port, path, body, headers = {}) {
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        headers: { ...headers, ...(body ? { "content-length": Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", (e) => resolve(e.code ?? "error"));
    req.end(body);
  });
}

const form = { "content-type": "application/x-www-form-urlencoded" };

async function main() {
  const authorize = new URL(url);
  const redirect = new URL(authorize.searchParams.get("redirect_uri") ?? "http://localhost:0/");
  const state = authorize.searchParams.get("state") ?? "";
  const port = Number(redirect.port);
  results.port = port;
  record(
    "redirect URI is http on a loopback name",
    ["localhost", "127.0.0.1"].includes(redirect.hostname),
    redirect.hostname,
  );
  record(
    "response_mode is form_post",
    authorize.searchParams.get("response_mode") === "form_post",
    authorize.searchParams.get("response_mode"),
  );
  record(
    "PKCE S256",
    authorize.searchParams.get("code_challenge_method") === "S256",
    authorize.searchParams.get("code_challenge_method"),
  );

  record("answers on 127.0.0.1", (await tcp("127.0.0.1", port)) === "open", "");
  const others = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal) others.push(a.address);
  }
  others.push("::1");
  for (const address of others) {
    const r = await tcp(address, port);
    // Refused (or unreachable) is right; only "open" would mean the listener is bound there too.
    record(`not reachable on ${address.includes(":") ? "an IPv6 address" : "another address"}`, r !== "open", r);
  }

  const wrong = await http("POST", port, "/", `code=probe-code&state=${encodeURIComponent(`${state}x`)}`, form);
  record("form_post with a wrong state refused", wrong === 400, wrong);
  const none = await http("POST", port, "/", "code=probe-code", form);
  record("form_post without a state refused", none === 400, none);
  const twice = await http("POST", port, "/", `code=probe-code&state=${encodeURIComponent(state)}&state=x`, form);
  record("form_post with two states refused", twice === 400, twice);
  const query = await http("GET", port, `/?code=probe-code&state=${encodeURIComponent(`${state}x`)}`);
  record("query answer with a wrong state refused", query === 400, query);
  record("still listening after the refusals", (await tcp("127.0.0.1", port)) === "open", "");

  // Let the real sign-in finish: the test browser completes the page and posts the answer.
  const browser = process.env.PIMKIT_PROBE_BROWSER ?? "";
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [browser, url], { stdio: "ignore", env: process.env });
    child.on("exit", (c) => resolve(c));
    child.on("error", () => resolve(-1));
  });
  record("the real answer was accepted", code === 0, code);

  let closed = "open";
  for (let i = 0; i < 40 && closed === "open"; i++) {
    await new Promise((r) => setTimeout(r, 50));
    closed = await tcp("127.0.0.1", port);
  }
  record("closed after the one answer", closed !== "open", closed);
  const replay = await http("POST", port, "/", `code=probe-code&state=${encodeURIComponent(state)}`, form);
  record("a second answer finds nobody listening", typeof replay === "string", replay);
  results.done = true;
  save();
}

main().catch((e) => {
  record("probe ran", false, String(e));
  results.done = true;
  save();
});
