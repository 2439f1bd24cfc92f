/**
 * Bad-input suite: what a user can type wrong, what the tenant can send wrong, and what can be
 * wrong on disk. Every input runs the real command line against the local tenant and must be
 * handled: the documented exit code, a message that names what was wrong, no stack trace, nothing
 * sent that should not have been — user input is refused before any request (or, when the tenant
 * must be read to judge it, before any write) — and nothing on disk lost.
 */

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import type { Emulator } from "@pimkit/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faultTenant, operator } from "./support/fault-tenant";
import { eve, hostileTenant, liveControls } from "./support/hostile-tenant";
import { type Lane, openLane, parseJson, type RunResult } from "./support/lane";
import { writesIn } from "./support/ledger";
import { formatTable } from "./support/report";
import { proxiedCloud, startTamperProxy, type TamperProxy, type TamperRule } from "./support/tamper-proxy";

type Category =
  | "duration"
  | "date"
  | "unknown or ambiguous role"
  | "missing required field"
  | "conflicting flags"
  | "hostile tenant names"
  | "corrupt file"
  | "malformed server JSON"
  | "nextLink loop"
  | "oversized response";

/** `before any request`: nothing at all reaches the tenant; `before any write`: the tenant is read, never changed. */
type Gate = "request" | "write" | "none";

interface Ctx {
  lane: Lane;
  emu: Emulator;
  configDir: string;
  /** The man in the middle in front of Graph and ARM (the tamper lane only). */
  proxy: TamperProxy | undefined;
}

interface Input {
  category: Category;
  label: string;
  lane: "main" | "hostile" | "tamper";
  argv: string[] | ((x: Ctx) => string[]);
  /** The command is meant to change the tenant (an activation in the hostile tenant). */
  writes?: boolean;
  tty?: boolean;
  env?: Record<string, string>;
  /** Files to write into the config folder (or faults to add) before the run. */
  setup?: (x: Ctx) => void;
  exit: number[];
  gate: Gate;
  /** What the message must name (a flag, a file, a role, a plane). */
  names?: RegExp;
  check?: (r: RunResult, x: Ctx) => string[];
}

const documentedExitCodes = new Set([0, 1, 2, 4, 8, 130]);
const crashSigns =
  /Unexpected error|bug in pimkit|internal_error|\n\s+at .+:\d+:\d+|TypeError|ReferenceError|RangeError/;

const activateReports = (...more: string[]) => ["role", "activate", "Reports Reader", "--justification", "x", ...more];

const durations = [
  "",
  "abc",
  "2x",
  "-1h",
  "0m",
  "PT0M",
  "PT",
  "P1M",
  "P1Y",
  "1.5.h",
  "PT-5M",
  "2h30",
  "NaN",
  "Infinity",
];
const dates = [
  "tomorrow",
  "2026-13-01T00:00:00Z",
  "2027-02-30T10:00:00Z",
  "2027-04-31T10:00:00Z",
  "2026-05-01",
  "2026-05-01T25:00:00Z",
  "2026-05-01T08:00:00+25:00",
  "1 May 2026",
];

function corruptFile(file: string, bytes: string, argv: string[], mode = 0o600): Input {
  return {
    category: "corrupt file",
    label: `${file}: ${describeBytes(bytes)}`,
    lane: "main",
    argv,
    setup: (x) => writeFileSync(join(x.configDir, file), bytes, { mode }),
    exit: [0],
    gate: "none",
    names: new RegExp(file.replace(".", "\\.")),
    check: (_r, x) => keptAside(x.configDir, file, bytes),
  };
}

function describeBytes(b: string): string {
  if (b === "") return "empty file";
  const t = b.length > 40 ? `${b.slice(0, 37)}...` : b;
  return JSON.stringify(t);
}

/** The damaged file was moved aside byte for byte, so nothing is lost. */
function keptAside(dir: string, file: string, bytes: string): string[] {
  const aside = readdirSync(dir).filter((f) => f.startsWith(`${file}.corrupt-`));
  if (aside.length !== 1) return [`${aside.length} copies of ${file} kept aside`];
  const kept = readFileSync(join(dir, aside[0] ?? ""), "utf8");
  return kept === bytes ? [] : [`${file} kept aside but changed`];
}

/** The tenant (through the tampering proxy) keeps sending a bad answer to a listing. */
function serverInput(category: Category, label: string, rules: (x: Ctx) => TamperRule[], names: RegExp): Input {
  return {
    category,
    label,
    lane: "tamper",
    argv: ["role", "list", "-o", "json"],
    setup: (x) => {
      if (x.proxy) {
        x.proxy.rules = rules(x);
        x.proxy.hits = [];
      }
    },
    exit: [0, 1],
    gate: "none",
    names,
    check: (r) => {
      const out = parseJson<unknown[]>(r);
      return Array.isArray(out) ? [] : ["stdout is not the JSON list"];
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: JSON.stringify(body),
});

const armEligible = /^\/arm\/providers\/Microsoft\.Authorization\/roleEligibilityScheduleInstances/;
const graphEligible = /\/roleManagement\/directory\/roleEligibilityScheduleInstances/;
const graphBatch = /^\/graph\/v1\.0\/\$batch$/;
const seventeenMiB = 17 * 1024 * 1024;

/** A listener on another loopback address: a bearer token must never be sent to it. */
let foreign: Server | undefined;
let foreignPort = 0;
let foreignConnections = 0;
let proxy: TamperProxy | undefined;

const inputs: Input[] = [
  // --- what the user types -------------------------------------------------------------------
  ...durations.map(
    (d): Input => ({
      category: "duration",
      label: `--duration ${JSON.stringify(d)}`,
      lane: "main",
      argv: activateReports("--duration", d),
      exit: [2],
      gate: "request",
      names: /--duration/,
    }),
  ),
  {
    category: "duration",
    label: '--wait --timeout "soon"',
    lane: "main",
    argv: activateReports("--wait", "--timeout", "soon"),
    exit: [2],
    gate: "request",
    names: /--timeout/,
  },
  {
    category: "duration",
    label: 'profile save --duration "forever"',
    lane: "main",
    argv: ["profile", "save", "p1", "Reports Reader", "--duration", "forever"],
    exit: [2],
    gate: "request",
    names: /--duration/,
  },
  {
    category: "duration",
    label: 'history --since "last week"',
    lane: "main",
    argv: ["history", "--since", "last week"],
    exit: [2],
    gate: "request",
    names: /--since/,
  },
  ...dates.map(
    (d): Input => ({
      category: "date",
      label: `--start ${JSON.stringify(d)}`,
      lane: "main",
      argv: activateReports("--start", d),
      exit: [2],
      gate: "request",
      names: /--start/,
    }),
  ),
  {
    category: "date",
    label: "--start in the past (2020-01-01T00:00:00Z)",
    lane: "main",
    argv: activateReports("--start", "2020-01-01T00:00:00Z"),
    exit: [2],
    gate: "write",
    names: /--start/,
  },
  ...[
    ["No Such Role", /No Such Role/],
    ["Reader", /Reader/],
    ["Reader@nowhere", /Reader@nowhere/],
    ["PIM-Ops:admin", /PIM-Ops:admin/],
    ["entra-zzzzzzzzzzzz", /entra-zzzzzzzzzzzz/],
  ].map(
    ([q, n]): Input => ({
      category: "unknown or ambiguous role",
      label: `role activate ${JSON.stringify(q)}`,
      lane: "main",
      argv: ["role", "activate", String(q), "--justification", "x"],
      exit: [2],
      gate: "write",
      names: n as RegExp,
    }),
  ),
  {
    category: "unknown or ambiguous role",
    label: "one known and one unknown role: nothing activated",
    lane: "main",
    argv: ["role", "activate", "Reports Reader", "Nope Role", "--justification", "x"],
    exit: [2],
    gate: "write",
    names: /Nope Role/,
  },
  {
    category: "unknown or ambiguous role",
    label: 'role deactivate "Reader" (ambiguous)',
    lane: "main",
    argv: ["role", "deactivate", "Reader"],
    exit: [2],
    gate: "write",
    names: /Reader/,
  },
  {
    category: "unknown or ambiguous role",
    label: 'role show "Reader" (ambiguous)',
    lane: "main",
    argv: ["role", "show", "Reader"],
    exit: [2],
    gate: "write",
    names: /Reader/,
  },
  {
    category: "missing required field",
    label: "role activate with no role and no terminal",
    lane: "main",
    argv: ["role", "activate"],
    exit: [2],
    gate: "request",
    names: /--all-eligible/,
  },
  {
    category: "missing required field",
    label: "justification required by policy, not given",
    lane: "main",
    argv: ["role", "activate", "Reports Reader"],
    exit: [2],
    gate: "write",
    names: /--justification/,
  },
  {
    category: "missing required field",
    label: "ticket required by policy, not given",
    lane: "main",
    argv: ["role", "activate", "Contributor@rg-app", "--justification", "x"],
    exit: [2],
    gate: "write",
    names: /--ticket/,
  },
  ...[
    [["role", "deactivate"], /--all/],
    [["request", "cancel"], /<id>/],
    [["profile", "save"], /<name>/],
    [["tenant", "switch"], /<tenant>/],
    [["completion"], /<shell>/],
    [["config", "set", "tenant"], /<value>/],
  ].map(
    ([argv, n]): Input => ({
      category: "missing required field",
      label: (argv as string[]).join(" "),
      lane: "main",
      argv: argv as string[],
      exit: [2],
      gate: "request",
      names: n as RegExp,
    }),
  ),
  ...[
    [["role", "activate", "--all-eligible", "Reports Reader"], /--all-eligible/],
    [["role", "list", "--eligible", "--all"], /--all/],
    [["role", "deactivate", "--all", "Security Reader"], /--all/],
    [activateReports("--ticket-system", "SN"), /--ticket-number/],
    [activateReports("--timeout", "5m"), /--timeout/],
    [["role", "list", "-o", "bogus"], /-o .*bogus/],
    [["role", "list", "--kind", "bogus"], /--kind .*bogus/],
    [["role", "list", "--token-cache", "bogus"], /--token-cache .*bogus/],
    [["role", "activate", "Reports Reader", "--durration", "2h"], /--durration/],
    [["role", "actvate", "Reports Reader"], /actvate/],
    [["role", "list", "--query", "[[["], /--query/],
    [["role", "activate", "Reports Reader", "--duration"], /--duration/],
  ].map(
    ([argv, n]): Input => ({
      category: "conflicting flags",
      label: (argv as string[]).join(" "),
      lane: "main",
      argv: argv as string[],
      exit: [2],
      gate: "request",
      names: n as RegExp,
    }),
  ),
  {
    category: "conflicting flags",
    label: "PIMKIT_TOKEN_CACHE=bogus",
    lane: "main",
    argv: ["role", "list"],
    env: { PIMKIT_TOKEN_CACHE: "bogus" },
    exit: [2],
    gate: "request",
    names: /PIMKIT_TOKEN_CACHE/,
  },

  // --- what the tenant sends -----------------------------------------------------------------
  ...(
    [
      [["role", "list"], false],
      [["role", "list"], true],
      [["role", "list", "-o", "json"], false],
      [["role", "list", "-o", "jsonc"], true],
      [["role", "list", "-o", "tsv"], false],
      [["role", "list", "-o", "yaml"], false],
      [["role", "show", "EvilRole"], true],
      [["role", "activate", "EvilRole", "-o", "json"], false],
      [["role", "activate", "Reader"], true],
      [["history"], true],
      [["context", "list"], true],
      [["context", "list", "-o", "json"], false],
      [["tenant", "list"], true],
      [["auth", "status"], true],
      [["request", "list"], true],
    ] as const
  ).map(
    ([argv, tty]): Input => ({
      category: "hostile tenant names",
      label: `${argv.join(" ")}${tty ? " (terminal)" : ""}`,
      lane: "hostile",
      argv: [...argv],
      tty,
      writes: (argv as readonly string[])[1] === "activate",
      exit: [0],
      gate: "none",
      check: (r) => {
        const n = liveControls(r.stdout) + liveControls(r.stderr);
        const problems = n ? [`${n} live control characters or escapes in the output`] : [];
        if ((argv as readonly string[]).includes("json") && parseJson(r) === undefined)
          problems.push("-o json is not JSON");
        return problems;
      },
    }),
  ),
  {
    category: "malformed server JSON",
    label: "ARM listing truncated on every attempt (the tenant itself)",
    lane: "main",
    argv: ["role", "list", "-o", "json"],
    setup: (x) => {
      x.emu.admin.addFault({ kind: "truncate", method: "GET", path: armEligible.source });
    },
    exit: [0, 1],
    gate: "none",
    names: /Azure roles/,
    check: (r) => (Array.isArray(parseJson<unknown[]>(r)) ? [] : ["stdout is not the JSON list"]),
  },
  serverInput(
    "malformed server JSON",
    'ARM listing 200 {"value": 42}',
    () => [{ method: "GET", path: armEligible, respond: () => json(200, { value: 42 }) }],
    /Azure roles/,
  ),
  serverInput(
    "malformed server JSON",
    "ARM listing 200 with a proxy's HTML page (text/html)",
    () => [
      {
        method: "GET",
        path: armEligible,
        respond: () => ({
          status: 200,
          headers: { "content-type": "text/html" },
          body: "<html><body><h1>Sign in to the proxy</h1></body></html>",
        }),
      },
    ],
    /Azure roles/,
  ),
  serverInput(
    "malformed server JSON",
    "ARM 502 whose body is HTML",
    () => [
      {
        method: "GET",
        path: armEligible,
        respond: () => ({
          status: 502,
          headers: { "content-type": "text/html", "retry-after": "0" },
          body: "<html>Bad gateway</html>",
        }),
      },
    ],
    /Azure roles/,
  ),
  serverInput(
    "malformed server JSON",
    "Graph $batch 200 whose body is a JSON string",
    () => [{ method: "POST", path: graphBatch, respond: () => json(200, "<html><body>Proxy error</body></html>") }],
    /Entra roles|groups/,
  ),
  serverInput(
    "malformed server JSON",
    "Graph $batch item with wrong field types",
    () => [
      {
        method: "POST",
        path: graphBatch,
        batchItem: {
          url: graphEligible,
          status: 200,
          body: {
            value: [{ id: 7, roleDefinitionId: null, principalId: [], directoryScopeId: {}, startDateTime: "x" }],
          },
        },
      },
    ],
    /Entra roles/,
  ),
  {
    ...serverInput(
      "nextLink loop",
      "ARM nextLink pointing at itself",
      () => [{ method: "GET", path: armEligible, respond: (u) => json(200, { value: [], nextLink: u.toString() }) }],
      /Azure roles/,
    ),
    check: loopChecks,
  },
  {
    ...serverInput(
      "nextLink loop",
      "ARM nextLink cycle of two pages (A -> B -> A)",
      () => [
        {
          method: "GET",
          path: armEligible,
          respond: (u) => {
            const next = new URL(u);
            next.searchParams.set("page", u.searchParams.get("page") === "a" ? "b" : "a");
            return json(200, { value: [], nextLink: next.toString() });
          },
        },
      ],
      /Azure roles/,
    ),
    check: loopChecks,
  },
  {
    ...serverInput(
      "nextLink loop",
      "Graph @odata.nextLink pointing at itself",
      (x) => {
        const link = `${x.proxy?.url ?? ""}/graph/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$filter=loop`;
        return [
          { method: "GET", path: graphEligible, respond: () => json(200, { value: [], "@odata.nextLink": link }) },
          {
            method: "POST",
            path: graphBatch,
            batchItem: { url: graphEligible, status: 200, body: { value: [], "@odata.nextLink": link } },
          },
        ];
      },
      /Entra roles/,
    ),
    check: loopChecks,
  },
  {
    ...serverInput(
      "nextLink loop",
      "ARM nextLink to another host (127.0.0.2)",
      () => [
        {
          method: "GET",
          path: armEligible,
          respond: (u) =>
            json(200, { value: [], nextLink: `https://127.0.0.2:${foreignPort}${u.pathname}${u.search}` }),
        },
      ],
      /Azure roles/,
    ),
    check: foreignChecks,
  },
  {
    ...serverInput(
      "nextLink loop",
      "Graph @odata.nextLink to another host (127.0.0.2)",
      () => [
        {
          method: "POST",
          path: graphBatch,
          batchItem: {
            url: graphEligible,
            status: 200,
            body: {
              value: [],
              "@odata.nextLink": `https://127.0.0.2:${foreignPort}/graph/v1.0/roleManagement/directory/roleEligibilityScheduleInstances`,
            },
          },
        },
      ],
      /Entra roles/,
    ),
    check: foreignChecks,
  },
  serverInput(
    "oversized response",
    "ARM listing of 17 MiB",
    () => [
      { method: "GET", path: armEligible, respond: () => json(200, { value: [], pad: "x".repeat(seventeenMiB) }) },
    ],
    /Azure roles/,
  ),
  serverInput(
    "oversized response",
    "Graph $batch of 17 MiB",
    () => [
      { method: "POST", path: graphBatch, respond: () => json(200, { responses: [], pad: "x".repeat(seventeenMiB) }) },
    ],
    /Entra roles|groups/,
  ),
  {
    ...serverInput(
      "oversized response",
      "ARM listing of 100,000 junk items (7 MiB)",
      () => [
        {
          method: "GET",
          path: armEligible,
          respond: () =>
            json(200, {
              value: Array.from({ length: 100_000 }, (_, i) => ({ id: `/x/${i}`, name: String(i), properties: {} })),
            }),
        },
      ],
      /./,
    ),
    names: undefined,
    check: (r) => [
      ...(Array.isArray(parseJson<unknown[]>(r)) ? [] : ["stdout is not the JSON list"]),
      ...(r.ms > 20_000 ? [`took ${r.ms} ms`] : []),
    ],
  },

  // --- what is on disk -----------------------------------------------------------------------
  corruptFile("config.json", "{not json", ["config", "list", "-o", "json"]),
  corruptFile("config.json", "", ["config", "list", "-o", "json"]),
  corruptFile("config.json", '{"version":1,"settings":{"tenant":5}}', ["config", "list", "-o", "json"]),
  {
    ...corruptFile("config.json", '{"version":1,"settings":{"__proto__":{"polluted":"yes"}}}', [
      "config",
      "list",
      "-o",
      "json",
    ]),
    check: (_r, x) => [
      ...keptAside(x.configDir, "config.json", '{"version":1,"settings":{"__proto__":{"polluted":"yes"}}}'),
      ...(({} as Record<string, unknown>).polluted !== undefined ? ["Object.prototype polluted"] : []),
    ],
  },
  corruptFile("config.json", '{"version":99,"settings":{}}', ["config", "list", "-o", "json"]),
  {
    category: "corrupt file",
    label: "config.json writable by group and others (0666)",
    lane: "main",
    argv: ["config", "list", "-o", "json"],
    setup: (x) => {
      const p = join(x.configDir, "config.json");
      writeFileSync(p, '{"version":1,"settings":{"tenant":"attacker.example.com"}}');
      chmodSync(p, 0o666);
    },
    exit: [1, 2],
    gate: "none",
    names: /config\.json/,
    check: (_r, x) =>
      existsSync(join(x.configDir, "config.json")) ? [] : ["the refused config.json was moved or deleted"],
  },
  {
    category: "corrupt file",
    label: "config.json is a directory",
    lane: "main",
    argv: ["config", "list", "-o", "json"],
    setup: (x) => mkdirSync(join(x.configDir, "config.json")),
    exit: [0, 1],
    gate: "none",
    names: /config\.json/,
  },
  corruptFile("profiles.json", '{"version":1,"profiles":', ["profile", "list", "-o", "json"]),
  corruptFile("profiles.json", '{"version":1,"profiles":{"p":{"roles":"all of them"}}}', [
    "profile",
    "list",
    "-o",
    "json",
  ]),
  corruptFile("history.json", '{"version":1,"entries":[{"at":', ["history", "-o", "json"]),
  corruptFile("history.json", '{"version":1,"entries":"yesterday"}', ["history", "-o", "json"]),
  corruptFile("session.json", "\u0000\u0001garbage", ["role", "list", "-o", "json"]),
  {
    // A cache is rebuilt from the tenant; it need not be reported, only never trusted or fatal.
    category: "corrupt file",
    label: 'policy-cache.json: "[1,2,3]" (a cache: rebuilt)',
    lane: "main",
    argv: ["role", "list", "-o", "json"],
    setup: (x) => writeFileSync(join(x.configDir, "policy-cache.json"), "[1,2,3]", { mode: 0o600 }),
    exit: [0],
    gate: "none",
    check: (r) => (Array.isArray(parseJson<unknown[]>(r)) ? [] : ["stdout is not the JSON list"]),
  },
  {
    category: "corrupt file",
    label: "token-cache.json: not JSON",
    lane: "main",
    argv: ["role", "list", "-o", "json"],
    setup: (x) => writeFileSync(join(x.configDir, "token-cache.json"), "{tokens", { mode: 0o600 }),
    exit: [0, 4],
    gate: "none",
    names: /token-cache\.json|sign/i,
  },
  ...(
    [
      ["cloud file that is not JSON", "{cloud"],
      ["cloud file with an http:// sign-in authority", "http"],
      ["cloud file that does not exist", null],
    ] as const
  ).map(
    ([label, content]): Input => ({
      category: "corrupt file",
      label,
      lane: "main",
      argv: (x) => ["role", "list", "--cloud", join(x.configDir, "..", `bad-cloud-${label.length}.json`)],
      setup: (x) => {
        const p = join(x.configDir, "..", `bad-cloud-${label.length}.json`);
        if (content === "http") {
          const cloud = JSON.parse(readFileSync(x.lane.cloudFile, "utf8")) as Record<string, unknown>;
          writeFileSync(p, JSON.stringify({ ...cloud, authorityHost: "http://127.0.0.1:9/" }), { mode: 0o600 });
        } else if (content !== null) writeFileSync(p, content, { mode: 0o600 });
      },
      exit: [2],
      gate: "request",
      names: /bad-cloud-\d+\.json|cloud/,
    }),
  ),
];

function loopChecks(r: RunResult, x: Ctx): string[] {
  const problems = Array.isArray(parseJson<unknown[]>(r)) ? [] : ["stdout is not the JSON list"];
  const hits = (x.proxy?.hits ?? []).reduce((a, b) => a + b, 0);
  // A guard stops a loop at its first repeated link; a generous bound still tells a guard from none.
  if (hits > 12) problems.push(`${hits} pages served by the loop before pimkit stopped`);
  if (hits === 0) problems.push("the looping answer was never served");
  return problems;
}

function foreignChecks(r: RunResult, x: Ctx): string[] {
  const problems = Array.isArray(parseJson<unknown[]>(r)) ? [] : ["stdout is not the JSON list"];
  if ((x.proxy?.hits ?? []).reduce((a, b) => a + b, 0) === 0) problems.push("the foreign link was never served");
  if (foreignConnections > 0) problems.push(`${foreignConnections} connection(s) to the foreign host`);
  return problems;
}

interface Outcome {
  input: Input;
  exitCode: number;
  requests: number;
  writes: number;
  crashed: boolean;
  gated: boolean;
  handled: boolean;
  problems: string[];
}

const lanes: Partial<Record<Input["lane"], Lane>> = {};
const outcomes: Outcome[] = [];
let n = 0;

beforeAll(async () => {
  foreign = createServer((socket) => {
    foreignConnections++;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    foreign?.once("error", reject);
    foreign?.listen(0, "127.0.0.2", () => resolve());
  });
  const address = foreign.address();
  foreignPort = typeof address === "object" && address ? address.port : 0;
  const scenario = {
    ...faultTenant,
    policies: [
      { azureRole: "Contributor", scope: { subscription: "Northwind Prod", resourceGroup: "rg-app" }, ticket: true },
    ],
  };
  const [main, hostile, tamper] = await Promise.all([
    openLane("bad-input", { scenario, autoSignIn: operator, provisioningDelaySeconds: 0 }),
    openLane("hostile", { scenario: hostileTenant, autoSignIn: eve, provisioningDelaySeconds: 0 }),
    openLane(
      "tamper",
      { scenario, autoSignIn: operator, provisioningDelaySeconds: 0, settings: { pageSize: 100 } },
      {
        cloud: async (emu) => {
          const p = await startTamperProxy(emu);
          proxy = p;
          return { cloud: proxiedCloud(emu, p), close: () => p.close() };
        },
      },
    ),
  ]);
  lanes.main = main;
  lanes.hostile = hostile;
  lanes.tamper = tamper;
});

afterAll(async () => {
  await Promise.all([lanes.main?.close(), lanes.hostile?.close(), lanes.tamper?.close()]);
  await new Promise<void>((resolve) => (foreign ? foreign.close(() => resolve()) : resolve()));
  const rows = outcomes.map((o) => [
    o.input.category,
    o.input.label.length > 60 ? `${o.input.label.slice(0, 57)}...` : o.input.label,
    String(o.exitCode),
    o.input.gate === "none"
      ? "n/a"
      : o.gated
        ? `yes (${o.input.gate === "request" ? "no request" : "no write"})`
        : "NO",
    o.handled ? "yes" : `NO: ${o.problems.slice(0, 2).join("; ")}`,
  ]);
  const tried = outcomes.length;
  const reqGated = outcomes.filter((o) => o.input.gate === "request");
  const writeGated = outcomes.filter((o) => o.input.gate === "write");
  const handled = outcomes.filter((o) => o.handled).length;
  const crashes = outcomes.filter((o) => o.crashed).length;
  console.log(
    `${formatTable("BAD-INPUT SUITE", ["category", "input", "exit", "refused before sending", "handled with a clear error"], rows)}\n` +
      `bad input: inputs tried ${tried}; rejected before any request ${reqGated.filter((o) => o.gated).length}/${reqGated.length}` +
      ` (and before any write, where the tenant must be read first: ${writeGated.filter((o) => o.gated).length}/${writeGated.length});` +
      ` handled with a clear error ${handled}/${tried}; crashes ${crashes}`,
  );
});

async function runInput(input: Input): Promise<Outcome> {
  const lane = lanes[input.lane];
  if (!lane) throw new Error(`lane ${input.lane} did not start`);
  const emu = lane.emu;
  emu.admin.clearFaults();
  emu.admin.clearRequests();
  const configDir = lane.signedInCopy(`input-${++n}`);
  if (proxy) {
    proxy.rules = [];
    proxy.hits = [];
  }
  const x: Ctx = { lane, emu, configDir, proxy: input.lane === "tamper" ? proxy : undefined };
  input.setup?.(x);
  foreignConnections = 0;
  const argv = typeof input.argv === "function" ? input.argv(x) : input.argv;
  const problems: string[] = [];
  let r: RunResult;
  let crashed = false;
  try {
    r = await lane.run(argv, configDir, { tty: input.tty ?? false, ...(input.env ? { extraEnv: input.env } : {}) });
  } catch (e) {
    crashed = true;
    r = { stdout: "", stderr: String(e), exitCode: -1, ms: 0 };
  }
  emu.admin.clearFaults();
  if (proxy) proxy.rules = [];
  const log = emu.admin.requests();
  const writes = writesIn(log).length;
  if (!documentedExitCodes.has(r.exitCode) || crashSigns.test(r.stderr)) crashed = true;
  if (crashed) problems.push(`crash: exit ${r.exitCode}: ${r.stderr.split("\n").slice(0, 2).join(" / ")}`);
  if (!input.exit.includes(r.exitCode))
    problems.push(`exit ${r.exitCode}, want ${input.exit.join(" or ")}: ${r.stderr.split("\n")[0] ?? ""}`);
  const isError = input.gate !== "none";
  if (isError && !/^pimkit: \S/m.test(r.stderr)) problems.push("no pimkit: message on stderr");
  if (input.names && !input.names.test(r.stderr)) problems.push(`the message does not name ${input.names.source}`);
  if (liveControls(r.stderr) > 0) problems.push("control characters in the message");
  const gated = input.gate === "request" ? log.length === 0 : input.gate === "write" ? writes === 0 : true;
  if (!gated) problems.push(input.gate === "request" ? `${log.length} request(s) sent` : `${writes} write(s) sent`);
  if (input.gate === "none" && writes > 0 && !input.writes) problems.push(`${writes} write(s) sent`);
  problems.push(...(input.check?.(r, x) ?? []));
  const outcome: Outcome = {
    input,
    exitCode: r.exitCode,
    requests: log.length,
    writes,
    crashed,
    gated,
    handled: problems.length === 0,
    problems,
  };
  outcomes.push(outcome);
  return outcome;
}

describe("bad input: refused before sending, handled with a clear error, never a crash", () => {
  it.each(inputs.map((i) => [`${i.category}: ${i.label}`, i] as const))(
    "%s",
    { timeout: 60_000 },
    async (_l, input) => {
      const o = await runInput(input);
      expect(o.problems).toEqual([]);
      expect(o.crashed).toBe(false);
      expect(o.gated).toBe(true);
    },
  );
});
