/**
 * Throughput of the local tenant for two list calls a PIM client makes on every start: the Graph
 * directory-role eligibilities of the caller and the ARM eligibilities of the caller at the tenant
 * root. Each is measured for a few seconds in-process (`emu.fetch`) and over HTTPS (a keep-alive
 * `node:https` agent trusting only the emulator's CA), eight requests in flight.
 *
 * A measurement, not a check: skipped unless `PIMKIT_THROUGHPUT=1`, so the suite stays fast.
 *   PIMKIT_THROUGHPUT=1 npx vitest run packages/emulator/test/throughput.test.ts
 * (`PIMKIT_THROUGHPUT_SECONDS` changes the length of each run; default 3.)
 */
import { Agent, request } from "node:https";
import { armApiVersions, graphScopes } from "@pimkit/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../src/index";

const enabled = process.env.PIMKIT_THROUGHPUT === "1";
const seconds = Number(process.env.PIMKIT_THROUGHPUT_SECONDS ?? "3") || 3;
const concurrency = 8;

interface Target {
  name: string;
  path: string;
  token: string;
}

interface Run {
  call: string;
  transport: string;
  requests: number;
  failures: number;
  itemsPerAnswer: number;
  seconds: number;
}

/** One answer: its status and how many items its `value` held. */
type Send = (target: Target) => Promise<{ status: number; items: number }>;

function itemsOf(body: string): number {
  const parsed: unknown = JSON.parse(body);
  const value = parsed !== null && typeof parsed === "object" ? (parsed as { value?: unknown }).value : undefined;
  return Array.isArray(value) ? value.length : -1;
}

/** Keeps `concurrency` requests in flight until the time is up; counts answers. */
async function measure(call: string, transport: string, target: Target, send: Send): Promise<Run> {
  let requests = 0;
  let failures = 0;
  let items = -1;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const answer = await send(target);
      requests += 1;
      if (answer.status === 200) items = answer.items;
      else failures += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return { call, transport, requests, failures, itemsPerAnswer: items, seconds: elapsed };
}

function table(runs: readonly Run[]): string {
  const rows = runs.map((r) => [
    r.call,
    r.transport,
    String(r.requests),
    r.seconds.toFixed(1),
    (r.requests / r.seconds).toFixed(0),
    String(r.itemsPerAnswer),
  ]);
  const head = ["call", "transport", "requests", "seconds", "req/s", "items/answer"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

describe.skipIf(!enabled)("local tenant throughput (demo scenario)", () => {
  let emu: Emulator;
  let agent: Agent;
  let graph: Target;
  let arm: Target;

  beforeAll(async () => {
    emu = await createEmulator({ scenario: "demo" });
    agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: emu.caCertPem });
    const upn = emu.users[0]?.upn;
    if (!upn) throw new Error("the demo scenario has no users");
    graph = {
      name: "Graph",
      path: "/graph/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')",
      token: await emu.issueAccessToken({
        upn,
        audience: "https://graph.microsoft.com",
        scopes: [...graphScopes.entraRoles],
      }),
    };
    arm = {
      name: "ARM",
      path: `/arm/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=${armApiVersions.pim}&$filter=asTarget()`,
      token: await emu.issueAccessToken({
        upn,
        audience: "https://management.azure.com",
        scopes: ["user_impersonation"],
      }),
    };
  });

  afterAll(async () => {
    agent?.destroy();
    await emu?.close();
  });

  const inProcess: Send = async (target) => {
    const res = await emu.fetch(`${emu.url}${target.path}`, {
      headers: { Authorization: `Bearer ${target.token}` },
    });
    const body = await res.text();
    return { status: res.status, items: res.status === 200 ? itemsOf(body) : -1 };
  };

  const overHttps: Send = (target) =>
    new Promise((resolve, reject) => {
      const req = request(
        `${emu.url}${target.path}`,
        { agent, headers: { Authorization: `Bearer ${target.token}` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            const body = Buffer.concat(chunks).toString("utf8");
            resolve({ status, items: status === 200 ? itemsOf(body) : -1 });
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end();
    });

  it(
    "serves the Graph and ARM eligibility lists, in-process and over HTTPS",
    async () => {
      const runs: Run[] = [];
      for (const target of [graph, arm]) {
        // A short warm-up so the first measurement does not pay for JIT and TLS handshakes.
        for (let i = 0; i < 20; i += 1) await inProcess(target);
        for (let i = 0; i < concurrency; i += 1) await overHttps(target);
        runs.push(await measure(target.name, "in-process", target, inProcess));
        runs.push(await measure(target.name, `HTTPS x${concurrency}`, target, overHttps));
      }
      console.log(`\nlocal tenant throughput, demo scenario, ${seconds} s per run\n${table(runs)}\n`);
      for (const r of runs) {
        expect(r.failures, `${r.call} ${r.transport}: non-200 answers`).toBe(0);
        // An empty list would measure nothing worth quoting.
        expect(r.itemsPerAnswer, `${r.call} ${r.transport}: items per answer`).toBeGreaterThan(0);
        expect(r.requests / r.seconds).toBeGreaterThan(0);
      }
    },
    (seconds * 4 + 30) * 1000,
  );
});
