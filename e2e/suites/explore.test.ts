import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createEmulator } from "@pimkit/emulator";
import { runCli } from "@pimkit/cli";
import { it } from "vitest";

const upn = "ops.admin@northwind.example.com";
const scenario = {
  name: "faults",
  tenant: { displayName: "Northwind", domain: "northwind.example.com" },
  users: [
    { upn, displayName: "Ops Admin", canMfa: true, contexts: ["c1"] },
    { upn: "lee.approver@northwind.example.com", displayName: "Lee Approver" },
  ],
  authContexts: [{ id: "c1", displayName: "Step-up" }],
  groups: [{ displayName: "PIM-Ops" }, { displayName: "PIM-Audit" }],
  subscriptions: [{ displayName: "Northwind Prod" }],
  resourceGroups: [{ subscription: "Northwind Prod", name: "rg-app" }, { subscription: "Northwind Prod", name: "rg-data" }],
  eligibilities: [
    { principal: upn, directoryRole: "Reports Reader" },
    { principal: upn, directoryRole: "Message Center Reader" },
    { principal: upn, group: "PIM-Ops", accessId: "member" },
    { principal: upn, azureRole: "Reader", scope: { subscription: "Northwind Prod" } },
    { principal: upn, azureRole: "Contributor", scope: { subscription: "Northwind Prod", resourceGroup: "rg-app" } },
    { principal: upn, directoryRole: "Security Reader" },
    { principal: upn, group: "PIM-Audit", accessId: "member" },
    { principal: upn, azureRole: "Reader", scope: { subscription: "Northwind Prod", resourceGroup: "rg-data" } },
  ],
  activations: [
    { principal: upn, directoryRole: "Security Reader", startedMinutesAgo: 10, expiresInMinutes: 480 },
    { principal: upn, group: "PIM-Audit", accessId: "member", startedMinutesAgo: 10, expiresInMinutes: 480 },
    { principal: upn, azureRole: "Reader", scope: { subscription: "Northwind Prod", resourceGroup: "rg-data" }, startedMinutesAgo: 10, expiresInMinutes: 480 },
  ],
};

it("explore", async () => {
  const emu = await createEmulator({ scenario, autoSignIn: upn, provisioningDelaySeconds: 0, settings: { pageSize: 3 } });
  const dir = mkdtempSync(join(tmpdir(), "pimkit-explore-"));
  const cloudFile = join(dir, "cloud.json");
  writeFileSync(cloudFile, JSON.stringify(emu.cloud), { mode: 0o600 });
  const env = {
    PATH: process.env.PATH ?? "", HOME: dir, PIMKIT_CLOUD: cloudFile, PIMKIT_CONFIG_DIR: join(dir, "cfg"),
    PIMKIT_TOKEN_CACHE: "file", BROWSER: resolve(import.meta.dirname, "../../packages/testkit/bin/pimkit-test-browser.js"),
  };
  let t = Date.now();
  const run = async (argv: string[]) => { t = Date.now(); const r = await runCli(argv, { env }); console.log(argv.join(" "), r.exitCode, Date.now() - t, "ms\n", r.stdout.slice(0, 3000), "\nERR:", r.stderr.slice(0, 1500)); return r; };
  await run(["auth", "login"]);
  emu.admin.clearRequests();
  const hook = emu.admin.addFault({ kind: "latency", latencyMs: 400, method: "POST", path: "/\\$batch$", inBatch: false, after: 1, times: 1 });
  const timer = setInterval(() => {
    const f = emu.admin.listFaults().find((x) => x.id === hook.id);
    if (f && f.fired > 0) { clearInterval(timer); emu.admin.clock.advance(4300); console.log("advanced"); }
  }, 5);
  await run(["role", "activate", "Reports Reader", "Message Center Reader", "PIM-Ops:member", "Reader@Northwind Prod", "Contributor", "--justification", "drill", "-o", "json"]);
  for (const e of emu.admin.requests()) console.log(e.seq, e.method, e.path.slice(0, 100), e.status, e.batch ? "B" : "", e.fault ?? "", e.headers.authorization ?? "");
  await emu.close();
}, 120_000);
