/**
 * Security suite: the figures of the security bar, each measured end to end.
 * - canaries: authorization codes, client info, access/refresh/ID tokens (and their signatures),
 *   claims in every encoding and a justification, looked for in everything pimkit printed
 *   (with `PIMKIT_DEBUG=api,msal` traces, with and without a terminal, successes and failures)
 *   and every file it wrote: 0 found;
 * - files with group/other permission bits, written by the built binary under umask 000 and over
 *   a folder and file created loose beforehand: 0;
 * - the loopback listener of `auth login`, probed by a BROWSER program: 127.0.0.1 only, wrong
 *   state refused, closed after one answer;
 * - the portal with a tenant whose names are HTML: CSP violations 0, names executed 0, tokens
 *   outside sessionStorage 0;
 * - scopes each client requested per plane ⊆ the documented least-privilege table = the contracts.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { armScope, graphScopes, signInScopes } from "@pimkit/contracts";
import { buildAcrsClaims } from "@pimkit/core";
import type { Emulator, RequestLogEntry } from "@pimkit/emulator";
import { filesUnder } from "@pimkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launchBrowser,
  newWatchedContext,
  portalIsBuilt,
  signIn,
  startEmulator,
} from "../portal/support/portal-harness";
import { eve, hostileTenant } from "./support/hostile-tenant";
import { type Lane, openLane, type RunResult, testBrowser } from "./support/lane";
import { formatTable } from "./support/report";

const repoRoot = resolve(import.meta.dirname, "../..");
const pimkitBin = join(repoRoot, "packages/cli/bin/pimkit.js");
const probe = join(import.meta.dirname, "support/loopback-probe.mjs");

const operator = "sec.admin@fabrikam.example.com";
const justification = "canary-justification-5b1e";

/** Roles behind every kind of step-up and outcome: c1 on both planes, c2 the user cannot satisfy, approval. */
const securityTenant = {
  name: "security-drill",
  tenant: { displayName: "Fabrikam", domain: "fabrikam.example.com" },
  users: [
    { upn: operator, displayName: "Sec Admin", canMfa: true, contexts: ["c1"] },
    { upn: "kai.approver@fabrikam.example.com", displayName: "Kai Approver", canMfa: true },
  ],
  authContexts: [
    { id: "c1", displayName: "Step-up" },
    { id: "c2", displayName: "Phishing-resistant" },
  ],
  conditionalAccessPolicies: [
    { displayName: "PIM c1", authContexts: ["c1"], builtInControls: ["mfa"], includeUsers: ["All"] },
  ],
  groups: [{ displayName: "PIM-Ops" }],
  subscriptions: [{ displayName: "Fabrikam Prod" }],
  resourceGroups: [{ subscription: "Fabrikam Prod", name: "rg-web" }],
  policies: [
    { directoryRole: "Security Administrator", authContext: "c1" },
    { directoryRole: "Global Administrator", authContext: "c2" },
    { group: "PIM-Ops", accessId: "member", approval: true, approvers: ["kai.approver@fabrikam.example.com"] },
    { azureRole: "Owner", scope: { subscription: "Fabrikam Prod", resourceGroup: "rg-web" }, authContext: "c1" },
  ],
  eligibilities: [
    { principal: operator, directoryRole: "Security Administrator" },
    { principal: operator, directoryRole: "Global Administrator" },
    { principal: operator, directoryRole: "Reports Reader" },
    { principal: operator, group: "PIM-Ops", accessId: "member" },
    { principal: operator, azureRole: "Owner", scope: { subscription: "Fabrikam Prod", resourceGroup: "rg-web" } },
    { principal: operator, azureRole: "Reader", scope: { subscription: "Fabrikam Prod" } },
  ],
};

const figures: string[][] = [];
function figure(name: string, value: number | string, detail: string): void {
  figures.push([name, String(value), detail]);
}

afterAll(() => {
  console.log(`${formatTable("SECURITY SUITE", ["figure", "value", "measured over"], figures)}`);
});

function tokensIn(file: string): string[] {
  if (!existsSync(file)) return [];
  const cache = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, { secret?: string }>>;
  const out: string[] = [];
  for (const section of ["AccessToken", "RefreshToken", "IdToken"]) {
    for (const e of Object.values(cache[section] ?? {})) if (e.secret) out.push(e.secret);
  }
  return out;
}

interface Run {
  label: string;
  argv: string[];
  result: RunResult;
  /** Emulator log entries this command caused. */
  log: RequestLogEntry[];
}

describe("security suite", () => {
  let lane: Lane;
  let configDir: string;
  const runs: Run[] = [];
  const canaries = new Set<string>();
  let capture = "";

  beforeAll(async () => {
    lane = await openLane("security", { scenario: securityTenant, autoSignIn: operator, provisioningDelaySeconds: 0 });
    configDir = lane.emptyConfig("canary");
    capture = join(lane.dir, "answers.jsonl");
    const debug = { PIMKIT_DEBUG: "api,msal", PIMKIT_TEST_BROWSER_CAPTURE: capture };
    const run = async (label: string, argv: string[], o: { tty?: boolean; env?: Record<string, string> } = {}) => {
      const since = lane.emu.admin.requests().at(-1)?.seq ?? 0;
      const result = await lane.run(argv, configDir, { tty: o.tty ?? false, extraEnv: { ...debug, ...(o.env ?? {}) } });
      runs.push({ label, argv, result, log: lane.emu.admin.requests({ since }) });
      for (const t of tokensIn(join(configDir, "token-cache.json"))) canaries.add(t);
      return result;
    };
    await run("auth login", ["auth", "login"]);
    await run("auth status", ["auth", "status", "-o", "json"]);
    await run("auth status (terminal)", ["auth", "status"], { tty: true });
    await run("role list", ["role", "list", "-o", "json"]);
    await run("role list (terminal)", ["role", "list"], { tty: true });
    await run("role show", ["role", "show", "Security Administrator", "-o", "yaml"]);
    await run("step-up c1, Graph and ARM", [
      "role",
      "activate",
      "Security Administrator",
      "Owner@rg-web",
      "--justification",
      justification,
      "-o",
      "json",
    ]);
    lane.emu.admin.settings({ acrsChallenge: "www-authenticate" });
    await run(
      "step-up c2 the user cannot satisfy (401 insufficient_claims)",
      ["role", "activate", "Global Administrator", "--justification", justification],
      { tty: true },
    );
    await run("approval (pending)", [
      "role",
      "activate",
      "PIM-Ops:member",
      "--justification",
      justification,
      "-o",
      "json",
    ]);
    await run("deactivate too soon", ["role", "deactivate", "Security Administrator"], { tty: true });
    lane.emu.admin.addFault({
      kind: "status",
      status: 429,
      retryAfter: "0.2",
      method: "GET",
      path: "^/arm/",
      times: 2,
    });
    lane.emu.admin.addFault({ kind: "truncate", method: "POST", path: "/\\$batch$", inBatch: false, times: 1 });
    await run("listing under faults", ["role", "list", "-o", "json"]);
    lane.emu.admin.clearFaults();
    await run("requests", ["request", "list", "-o", "tsv"]);
    await run("contexts", ["context", "list", "-o", "jsonc"], { tty: true });
    await run("tenants", ["tenant", "list", "-o", "json"]);
    await run("history", ["history", "-o", "json"]);
    await run("history (terminal)", ["history"], { tty: true });
    await run("profile", ["profile", "save", "p1", "Reports Reader", "--justification", justification]);
    await run("unknown role", ["role", "activate", "No Such Role"]);
    await run("auth logout", ["auth", "logout"]);
    await run("signed out, no browser", ["role", "list"], { env: { BROWSER: "" } });
    for (const line of existsSync(capture) ? readFileSync(capture, "utf8").trim().split("\n") : []) {
      const fields = JSON.parse(line) as Record<string, string>;
      if (fields.code) canaries.add(fields.code);
      if (fields.client_info) canaries.add(fields.client_info);
    }
  }, 120_000);

  afterAll(async () => {
    await lane?.close();
  });

  it("leaks 0 canaries (codes, tokens, claims, justification) into output, traces, history or files", () => {
    const codes = [...canaries].filter((c) => c.split(".").length !== 3).length;
    expect(codes).toBeGreaterThanOrEqual(3);
    expect(canaries.size).toBeGreaterThan(codes);
    // A JWT's signature alone identifies it.
    for (const c of [...canaries]) {
      const sig = c.split(".")[2];
      if (sig && sig.length > 20) canaries.add(sig);
    }
    for (const ids of [["c1"], ["c2"], ["c1", "c2"]]) {
      for (const claims of [
        buildAcrsClaims(ids) ?? "",
        JSON.stringify({ access_token: { acrs: { essential: true, value: ids[0] } } }),
      ]) {
        canaries.add(claims);
        canaries.add(encodeURIComponent(claims));
        canaries.add(Buffer.from(claims).toString("base64"));
        canaries.add(Buffer.from(claims).toString("base64url"));
      }
    }
    canaries.add('"essential":true');
    canaries.add("xms_cc");
    const traces = runs.map((r) => r.result.stderr).join("\n");
    expect(traces).toMatch(/api: (GET|POST) https:\/\/127\.0\.0\.1:\d+\/graph\//);
    expect(traces).toMatch(/api: POST https:\/\/127\.0\.0\.1:\d+\/[^ ]+\/oauth2\/v2\.0\/token/);
    // The step-up the user could not satisfy and the approval ended as they should.
    expect(runs.find((r) => r.label.startsWith("step-up c2"))?.result.exitCode).toBe(1);
    expect(runs.find((r) => r.label.startsWith("approval"))?.result.exitCode).toBe(8);
    expect(runs.find((r) => r.label.startsWith("signed out"))?.result.exitCode).toBe(4);

    const haystacks: { where: string; text: string }[] = [];
    for (const r of runs) {
      haystacks.push({ where: `${r.label}: stdout`, text: r.result.stdout });
      haystacks.push({ where: `${r.label}: stderr`, text: r.result.stderr });
    }
    for (const f of filesUnder(configDir)) {
      // The opted-in plain-text token cache is where tokens belong; nothing else may hold one.
      if (f.dir || f.path.endsWith("token-cache.json")) continue;
      haystacks.push({ where: f.path.slice(configDir.length + 1), text: readFileSync(f.path, "utf8") });
    }
    const leaks: string[] = [];
    for (const c of canaries)
      for (const h of haystacks) if (h.text.includes(c)) leaks.push(`${h.where}: ${c.slice(0, 12)}…`);
    // A profile may keep a default justification the user saved on purpose; nothing else may.
    const justificationInFiles = haystacks.filter(
      (h) => !h.where.includes(": std") && !h.where.startsWith("profiles.json") && h.text.includes(justification),
    );
    figure(
      "canaries leaked (codes, tokens, claims)",
      leaks.length,
      `${canaries.size} canaries x ${haystacks.length} outputs and files, ${runs.length} commands, PIMKIT_DEBUG=api,msal`,
    );
    figure(
      "justification in files",
      justificationInFiles.length,
      "history, config, session, caches (not a saved profile)",
    );
    expect(leaks).toEqual([]);
    expect(justificationInFiles.map((h) => h.where)).toEqual([]);
  });

  it("requests only the documented least-privilege scopes, per plane", () => {
    const documented = documentedScopes();
    const graphResource = "https://graph.microsoft.com";
    const contracts = new Set<string>([
      ...signInScopes,
      ...Object.values(graphScopes).flat(),
      armScope("https://management.azure.com").split("/").pop() ?? "",
    ]);
    expect([...documented].sort()).toEqual([...contracts].sort());
    const perPlane = new Map<string, Set<string>>();
    const problems: string[] = [];
    const requests = runs.flatMap((r) => scopeRequests(r.log).map((s) => ({ run: r.label, scopes: s })));
    expect(requests.length).toBeGreaterThan(5);
    for (const { run, scopes } of requests) {
      const planes = new Set<string>();
      for (const s of scopes) {
        const [plane, name] = s.startsWith(`${graphResource}/`)
          ? ["graph", s.slice(graphResource.length + 1)]
          : s.startsWith("https://management.azure.com/")
            ? ["arm", s.slice("https://management.azure.com/".length)]
            : ["sign-in", s];
        if (plane !== "sign-in") planes.add(plane);
        if (!perPlane.has(plane)) perPlane.set(plane, new Set());
        perPlane.get(plane)?.add(name);
        if (!documented.has(name)) problems.push(`${run}: ${s} is not in docs/security.md`);
        if (name === "Policy.Read.ConditionalAccess" && run !== "contexts")
          problems.push(`${run}: Policy.Read.ConditionalAccess outside \`context list\``);
      }
      if (planes.size > 1) problems.push(`${run}: one request mixes Graph and ARM scopes`);
    }
    for (const [plane, names] of perPlane)
      figure(`scopes requested: ${plane}`, names.size, [...names].sort().join(" "));
    figure(
      "scopes requested outside the documented list",
      problems.length,
      `${requests.length} sign-in and token requests`,
    );
    expect(problems).toEqual([]);
    expect(perPlane.get("arm")).toEqual(new Set(["user_impersonation"]));
    expect(perPlane.get("graph")?.has("RoleAssignmentSchedule.ReadWrite.Directory")).toBe(true);
  });
});

/** Scope names in the table between the `scopes:start` / `scopes:end` markers of docs/security.md. */
function documentedScopes(): Set<string> {
  const doc = readFileSync(join(repoRoot, "docs/security.md"), "utf8");
  const table = doc.slice(doc.indexOf("<!-- scopes:start -->"), doc.indexOf("<!-- scopes:end -->"));
  const out = new Set<string>();
  for (const line of table.split("\n")) {
    const cell = line.split("|")[2] ?? "";
    const m = /`([^`]+)`/.exec(cell);
    if (m?.[1]) out.add(m[1]);
  }
  return out;
}

/** The `scope` of every authorize and token request in a slice of the log. */
function scopeRequests(log: readonly RequestLogEntry[]): string[][] {
  const out: string[][] = [];
  for (const e of log) {
    if (e.surface !== "entra") continue;
    let scope: unknown;
    if (/\/oauth2\/v2\.0\/authorize$/.test(e.path)) scope = e.query.scope;
    else if (/\/oauth2\/v2\.0\/(token|devicecode)$/.test(e.path) && typeof e.body === "object" && e.body)
      scope = (e.body as Record<string, unknown>).scope;
    if (typeof scope === "string" && scope.trim()) out.push(scope.trim().split(/\s+/));
  }
  return out;
}

/** Runs the built binary as a user would, under the given umask. */
function binary(args: string[], env: Record<string, string>, umask: string): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolveRun, reject) => {
    const child = spawn("/bin/sh", ["-c", `umask ${umask} && exec "$0" "$@"`, process.execPath, pimkitBin, ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolveRun({ stdout, stderr, exitCode: code ?? -1, ms: Math.round(performance.now() - started) }),
    );
  });
}

describe("files written by the binary", () => {
  let lane: Lane;
  beforeAll(async () => {
    if (!existsSync(join(repoRoot, "packages/cli/dist/pimkit.cjs")))
      throw new Error("packages/cli/dist is missing: run `npm run build` first (npm test does).");
    lane = await openLane("modes", { scenario: securityTenant, autoSignIn: operator, provisioningDelaySeconds: 0 });
  }, 60_000);
  afterAll(async () => {
    await lane?.close();
  });

  it("has 0 files or folders with group/other permission bits, under umask 000 and over loose ones", async () => {
    const fresh = join(lane.dir, "umask-000");
    const loose = join(lane.dir, "loose");
    mkdirSync(loose, { mode: 0o755 });
    chmodSync(loose, 0o755);
    writeFileSync(join(loose, "profiles.json"), '{"version":1,"profiles":{}}\n', { mode: 0o644 });
    chmodSync(join(loose, "profiles.json"), 0o644);
    const commands = [
      ["auth", "login"],
      ["config", "set", "output", "json"],
      ["role", "list"],
      ["profile", "save", "p1", "Reports Reader", "--duration", "1h"],
      ["role", "activate", "Reports Reader", "--justification", "modes"],
      ["history"],
    ];
    let ran = 0;
    const outputs: string[] = [];
    for (const dir of [fresh, loose]) {
      for (const args of commands) {
        const r = await binary(args, lane.env(dir, { PIMKIT_DEBUG: "api" }), "000");
        expect(r.exitCode, `${args.join(" ")}: ${r.stderr}`).toBe(0);
        outputs.push(r.stdout, r.stderr);
        ran++;
      }
    }
    // The binary's own output and files, with its own tokens as canaries.
    const tokens = [fresh, loose].flatMap((d) => tokensIn(join(d, "token-cache.json")));
    expect(tokens.length).toBeGreaterThan(2);
    const files = [fresh, loose].flatMap((d) =>
      filesUnder(d)
        .filter((e) => !e.dir && !e.path.endsWith("token-cache.json"))
        .map((e) => readFileSync(e.path, "utf8")),
    );
    const leaked = tokens.filter((t) => [...outputs, ...files].some((h) => h.includes(t))).length;
    figure(
      "canaries leaked by the binary",
      leaked,
      `${tokens.length} tokens x ${outputs.length + files.length} outputs and files`,
    );
    expect(leaked).toBe(0);
    const entries = [...filesUnder(fresh), ...filesUnder(loose)];
    const bad = entries.filter((e) => (e.mode & 0o077) !== 0).map((e) => `${e.path} ${e.mode.toString(8)}`);
    figure(
      "files with group/other permission bits",
      bad.length,
      `${entries.length} files and folders, ${ran} runs of the binary, umask 000`,
    );
    expect(bad).toEqual([]);
  }, 90_000);
});

describe("loopback listener of auth login", () => {
  let lane: Lane;
  beforeAll(async () => {
    lane = await openLane("loopback", { scenario: securityTenant, autoSignIn: operator });
  }, 60_000);
  afterAll(async () => {
    await lane?.close();
  });

  it("listens on 127.0.0.1 only, refuses a wrong state, closes after one answer", async () => {
    const out = join(lane.dir, "probe.json");
    const r = await lane.run(["auth", "login"], lane.emptyConfig("probe"), {
      extraEnv: {
        BROWSER: `${process.execPath} ${probe}`,
        PIMKIT_PROBE_OUT: out,
        PIMKIT_PROBE_BROWSER: testBrowser,
      },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    let report: { done: boolean; checks: { name: string; ok: boolean; detail: unknown }[] } = {
      done: false,
      checks: [],
    };
    for (let i = 0; i < 100 && !report.done; i++) {
      await new Promise((res) => setTimeout(res, 50));
      if (existsSync(out)) report = JSON.parse(readFileSync(out, "utf8")) as typeof report;
    }
    expect(report.done).toBe(true);
    const failed = report.checks.filter((c) => !c.ok);
    for (const c of report.checks) figure(`loopback: ${c.name}`, c.ok ? "yes" : "NO", String(c.detail ?? ""));
    expect(failed).toEqual([]);
    expect(report.checks.length).toBeGreaterThanOrEqual(12);
  }, 60_000);
});

describe("portal with hostile names", () => {
  it("has 0 CSP violations, executes 0 names and keeps tokens in sessionStorage only", async () => {
    expect(portalIsBuilt()).toBe(true);
    const emu: Emulator = await startEmulator({ scenario: hostileTenant, autoSignIn: eve });
    const browser = await launchBrowser();
    try {
      const { context, page, watch } = await newWatchedContext(browser);
      let dialogs = 0;
      page.on("dialog", (d) => {
        dialogs++;
        d.dismiss().catch(() => undefined);
      });
      await signIn(page, emu);
      await page.waitForTimeout(300);
      const pwned = await page.evaluate(() => (window as unknown as { __pimkitPwned?: string }).__pimkitPwned ?? null);
      const injected = await page
        .locator("main img:not([src$='.svg']), main script, main svg[onload], main iframe")
        .count();
      const executed = (pwned ? 1 : 0) + dialogs + injected;
      const storage = await page.evaluate(() => {
        const jwt = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;
        const scan = (s: Storage) => {
          let n = 0;
          for (let i = 0; i < s.length; i++) {
            const k = s.key(i) ?? "";
            if (jwt.test(s.getItem(k) ?? "")) n++;
          }
          return n;
        };
        return { session: scan(sessionStorage), local: scan(localStorage), cookies: jwt.test(document.cookie) ? 1 : 0 };
      });
      const res = await emu.fetch(`${emu.url}/`);
      const csp = res.headers.get("content-security-policy") ?? "";
      const directive = (name: string) =>
        csp
          .split(";")
          .map((d) => d.trim())
          .find((d) => d.startsWith(`${name} `)) ?? "";
      const policyProblems = [
        ...(/'unsafe-inline'|'unsafe-eval'/.test(directive("script-src")) || !directive("script-src")
          ? ["script-src"]
          : []),
        ...(directive("frame-ancestors") === "frame-ancestors 'none'" ? [] : ["frame-ancestors"]),
        ...directive("connect-src")
          .split(/\s+/)
          .slice(1)
          .filter((s) => s !== "'self'" && s !== new URL(emu.url).origin)
          .map((s) => `connect-src ${s}`),
      ];
      const authorize = emu.admin
        .requests()
        .filter((e) => /\/oauth2\/v2\.0\/authorize$/.test(e.path))
        .flatMap((e) => (typeof e.query.scope === "string" ? e.query.scope.split(/\s+/) : []));
      const documented = documentedScopes();
      const undocumented = authorize
        .map((s) => s.replace(/^https:\/\/(graph\.microsoft\.com|management\.azure\.com)\//, ""))
        .filter((s) => s && !documented.has(s));
      figure("portal: CSP violations", watch.csp.length, "sign-in and the eligible roles of a tenant named in HTML");
      figure("portal: hostile names executed", executed, "script flag, dialogs, injected elements");
      figure(
        "portal: tokens outside sessionStorage",
        storage.local + storage.cookies,
        `${storage.session} in sessionStorage`,
      );
      figure("portal: CSP policy problems", policyProblems.length, csp.slice(0, 60));
      figure(
        "portal: scopes outside the documented list",
        undocumented.length,
        `${authorize.length} scopes asked at sign-in`,
      );
      expect(watch.csp).toEqual([]);
      expect(executed).toBe(0);
      expect(storage.session).toBeGreaterThan(0);
      expect(storage.local + storage.cookies).toBe(0);
      expect(policyProblems).toEqual([]);
      expect(undocumented).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
      await emu.close();
    }
  }, 90_000);
});
