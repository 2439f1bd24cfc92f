import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, signedIn, startTenant, stripAnsi, type Tenant, writesSeen } from "../helpers";

interface RoleJson {
  id: string;
  kind: string;
  name: string;
  accessId: string | null;
  scope: { id: string; displayName: string; type: string };
  state: string;
  activeUntil: string | null;
  assignmentType: string | null;
  requirements: {
    maxDuration: string | null;
    justification: boolean;
    ticket: boolean;
    mfa: boolean;
    authContext: { id: string; name: string | null } | null;
    approval: boolean;
  };
}
interface ActivationJson {
  id: string;
  name: string;
  kind: string;
  outcome: string;
  requestId: string | null;
  duration: string | null;
  start: string | null;
  error: { code: string; message: string } | null;
}

let t: Tenant;
let configDir: string;
const browserLog = () => join(t.dir, "browser.log");
const signIns = () => {
  try {
    return readFileSync(browserLog(), "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { acrs: string[] });
  } catch {
    return [];
  }
};
const run = (argv: string[], o: { tty?: boolean; stdin?: string[]; env?: Record<string, string> } = {}) =>
  t.run(argv, { configDir, ...o, extraEnv: { PIMKIT_TEST_BROWSER_LOG: browserLog() } });

beforeAll(async () => {
  t = await startTenant({ provisioningDelaySeconds: 0 });
  configDir = await signedIn(t, "main");
});
afterAll(async () => {
  await t.close();
});

describe("role list", () => {
  it("-o json prints the contract fields for every plane", async () => {
    const r = await run(["role", "list", "-o", "json"]);
    expect(r.exitCode).toBe(0);
    const roles = json<RoleJson[]>(r);
    expect(new Set(roles.map((x) => x.kind))).toEqual(new Set(["entraRole", "group", "azureRole"]));
    for (const role of roles) {
      expect(Object.keys(role)).toEqual(
        expect.arrayContaining([
          "id",
          "kind",
          "name",
          "accessId",
          "scope",
          "state",
          "activeUntil",
          "assignmentType",
          "requirements",
        ]),
      );
      expect(Object.keys(role.requirements)).toEqual(
        expect.arrayContaining(["maxDuration", "justification", "ticket", "mfa", "authContext", "approval"]),
      );
      expect(["eligible", "active", "pending"]).toContain(role.state);
    }
    const ga = roles.find((x) => x.name === "Global Administrator");
    expect(ga?.requirements.authContext).toEqual({ id: "c2", name: "Tier 0 passkey" });
    expect(ga?.requirements.maxDuration).toBe("PT30M");
    const owner = roles.find((x) => x.name === "PIM-Tier0-Operators" && x.accessId === "owner");
    expect(owner?.requirements.approval).toBe(true);
  });

  it("table without a terminal has no colour; on a terminal it has; NO_COLOR turns it off", async () => {
    const plain = await run(["role", "list"]);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toMatch(
      /^NAME\s+KIND\s+SCOPE\s+STATE\s+EXPIRES\s+MAX\s+JUST\s+TICKET\s+MFA\s+CONTEXT\s+APPROVAL\s+ID/,
    );
    expect(plain.stdout.includes("\u001b")).toBe(false);
    const tty = await run(["role", "list"], { tty: true });
    expect(tty.stdout.includes("\u001b[")).toBe(true);
    const noColor = await run(["role", "list"], { tty: true, env: { NO_COLOR: "1" } });
    expect(noColor.stdout.includes("\u001b")).toBe(false);
  });

  it("filters by state, kind and text; --query, tsv and yaml go through the same output", async () => {
    const azure = json<RoleJson[]>(await run(["role", "list", "--eligible", "--kind", "azure", "-o", "json"]));
    expect(azure.length).toBeGreaterThan(0);
    expect(azure.every((r) => r.kind === "azureRole" && r.state === "eligible")).toBe(true);
    const active = json<RoleJson[]>(await run(["role", "list", "--active", "--json"]));
    expect(active.every((r) => r.state === "active")).toBe(true);
    const names = json<string[]>(await run(["role", "list", "--filter", "tier0", "--query", "[].name", "-o", "json"]));
    expect(names.every((n) => n.toLowerCase().includes("tier0"))).toBe(true);
    const tsv = await run(["role", "list", "--kind", "group", "--query", "[].[name, accessId]", "-o", "tsv"]);
    expect(tsv.stdout).toMatch(/PIM-Tier0-Operators\towner/);
    const yaml = await run(["role", "list", "--kind", "entra", "-o", "yaml"]);
    expect(yaml.stdout).toMatch(/- id: entra-/);
    const none = await run(["role", "list", "-o", "none"]);
    expect(none.exitCode).toBe(0);
    expect(none.stdout).toBe("");
    const badQuery = await run(["role", "list", "--query", "[?"]);
    expect(badQuery.exitCode).toBe(2);
  });

  it("rejects conflicting or unknown flags with exit 2", async () => {
    expect((await run(["role", "list", "--all", "--active"])).exitCode).toBe(2);
    expect((await run(["role", "list", "--kind", "mars"])).exitCode).toBe(2);
    const typo = await run(["role", "list", "--eligable"]);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toMatch(/--eligible/);
  });
});

describe("role show", () => {
  it("shows one role (table and json); the auth context carries its name", async () => {
    const table = await run(["role", "show", "Security Administrator"]);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/Auth context:\s+c1 \(Privileged access step-up\)/);
    const j = json<RoleJson & { eligibility: unknown }>(
      await run(["role", "show", "Contributor@Contoso Production", "-o", "json"]),
    );
    expect(j.requirements.ticket).toBe(true);
    expect(j.scope.type).toBe("subscription");
  });

  it("an ambiguous name is refused with the candidates (exit 2)", async () => {
    const r = await run(["role", "show", "PIM-Tier0-Operators"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/ambiguous/);
    expect(r.stderr).toMatch(/\(member\)/);
    expect(r.stderr).toMatch(/\(owner\)/);
    expect((await run(["role", "show", "pim-tier0-operators:owner", "-o", "json"])).exitCode).toBe(0);
  });
});

describe("role activate", () => {
  it("activates a justification role; -o json is one result per role", async () => {
    const r = await run([
      "role",
      "activate",
      "Global Reader",
      "--justification",
      "Quarterly review",
      "--duration",
      "90m",
      "-o",
      "json",
    ]);
    expect(r.exitCode).toBe(0);
    const [res] = json<ActivationJson[]>(r);
    expect(res).toMatchObject({
      name: "Global Reader",
      kind: "entraRole",
      outcome: "activated",
      duration: "PT1H30M",
      error: null,
    });
    expect(res?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(res ?? {})).toEqual([
      "id",
      "name",
      "kind",
      "outcome",
      "requestId",
      "duration",
      "start",
      "error",
    ]);
  });

  it("activating it again reports already-active (exit 0)", async () => {
    const r = await run(["role", "activate", "Global Reader", "--justification", "again", "-o", "json"]);
    expect(r.exitCode).toBe(0);
    expect(json<ActivationJson[]>(r)[0]?.outcome).toBe("already-active");
  });

  it("a missing ticket is refused before anything is sent (exit 2), naming the flags", async () => {
    const before = writesSeen(t.emu);
    const r = await run(["role", "activate", "Exchange Administrator", "--justification", "x"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--ticket-system and --ticket-number/);
    expect(writesSeen(t.emu)).toBe(before);
  });

  it("bad input never reaches the service (exit 2)", async () => {
    const before = writesSeen(t.emu);
    const cases: string[][] = [
      ["role", "activate", "Reports Reader", "--duration", "banana"],
      ["role", "activate", "Reports Reader", "--duration", "0m"],
      ["role", "activate", "Reports Reader", "--start", "tomorrow"],
      ["role", "activate", "Reports Reader", "--ticket-system", "SN"],
      ["role", "activate", "Reports Reader", "--timeout", "5m"],
      ["role", "activate", "No Such Role"],
      ["role", "activate", "PIM-Tier0-Operators", "--justification", "x"],
      ["role", "activate"],
      ["role", "activate", "Reports Reader", "--all-eligible"],
      ["role", "activate", "--profile", "nope"],
    ];
    for (const argv of cases) {
      const r = await run(argv);
      expect(r.exitCode, argv.join(" ")).toBe(2);
      expect(r.stdout, argv.join(" ")).toBe("");
    }
    expect(writesSeen(t.emu)).toBe(before);
  });

  it("--scope activates an Azure role at a child scope of its eligibility", async () => {
    const state = t.emu.admin.state() as {
      subscriptions: { displayName: string; subscriptionId?: string; id?: string }[];
    };
    const sub = state.subscriptions.find((x) => x.displayName === "Contoso Production");
    const subId = sub?.subscriptionId ?? sub?.id?.split("/").pop();
    expect(subId).toBeTruthy();
    const child = `/subscriptions/${subId}/resourceGroups/rg-data-prod`;
    const ticket = ["--justification", "db", "--ticket-system", "SN", "--ticket-number", "1"];
    const r = await run([
      "role",
      "activate",
      "Contributor@Contoso Production",
      "--scope",
      child,
      ...ticket,
      "-o",
      "json",
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(json<ActivationJson[]>(r)[0]?.outcome).toBe("activated");
    const active = json<RoleJson[]>(await run(["role", "list", "--active", "--kind", "azure", "-o", "json"]));
    expect(active.some((x) => x.name === "Contributor" && x.scope.id.toLowerCase() === child.toLowerCase())).toBe(true);
    const outside = await run([
      "role",
      "activate",
      "Contributor@Contoso Production",
      "--scope",
      "/subscriptions/00000000-0000-0000-0000-000000000000",
      ...ticket,
    ]);
    expect(outside.exitCode).toBe(2);
  });

  it("--start schedules an activation for later (outcome scheduled, exit 0); a past start is refused (exit 2)", async () => {
    const start = new Date(Date.now() + 24 * 3600_000).toISOString();
    const r = await run([
      "role",
      "activate",
      "Key Vault Administrator",
      "--start",
      start,
      "--duration",
      "1h",
      "-o",
      "json",
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [res] = json<ActivationJson[]>(r);
    expect(res?.outcome).toBe("scheduled");
    expect(Date.parse(res?.start ?? "")).toBe(Date.parse(start));
    const past = await run(["role", "activate", "Key Vault Administrator", "--start", "2020-01-01T00:00:00Z"]);
    expect(past.exitCode).toBe(2);
    expect(past.stderr).toMatch(/--start/);
  });

  it("activates a ticket role with the ticket; the table shows the outcome", async () => {
    const r = await run([
      "role",
      "activate",
      "Contributor@Contoso Production",
      "--justification",
      "Deploy",
      "--ticket-system",
      "ServiceNow",
      "--ticket-number",
      "CHG0042",
      "--duration",
      "10h",
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Contributor\s+azure\s+activated\s+4h/);
  });

  it("--dry-run validates only: would-activate, nothing sent", async () => {
    const r = await run(["role", "activate", "Reports Reader", "--dry-run", "-o", "json"]);
    expect(r.exitCode).toBe(0);
    expect(json<ActivationJson[]>(r)[0]?.outcome).toBe("would-activate");
    // A dry run may ask the service to validate, but nothing is activated.
    const listed = json<RoleJson[]>(await run(["role", "list", "-o", "json", "--filter", "Reports Reader"]));
    expect(listed[0]?.state).toBe("eligible");
    const history = json<{ dryRun: boolean; items: { outcome: string }[] }[]>(await run(["history", "-o", "json"]));
    expect(history.at(-1)).toMatchObject({ dryRun: true, items: [{ outcome: "would-activate" }] });
  });

  it("roles needing authentication context c1 on two planes: one sign-in for the whole batch", async () => {
    const before = signIns().length;
    const r = await run([
      "role",
      "activate",
      "Security Administrator",
      "Owner@rg-web-prod",
      "PIM-KeyVault-BreakGlass:member",
      "--justification",
      "incident",
      "-o",
      "json",
    ]);
    expect(r.exitCode).toBe(0);
    const results = json<ActivationJson[]>(r);
    expect(results.map((x) => x.outcome)).toEqual(["activated", "activated", "activated"]);
    const after = signIns().slice(before);
    expect(after.length).toBe(1);
    expect(after[0]?.acrs).toContain("c1");
    const status = json<{ acrs: string[] }>(await run(["auth", "status", "-o", "json"]));
    expect(status.acrs).toContain("c1");
  });

  it("an approval role ends pending (exit 8); once approved, --wait sees it in effect (exit 0)", async () => {
    const r = await run([
      "role",
      "activate",
      "Privileged Role Administrator",
      "--justification",
      "need it",
      "-o",
      "json",
    ]);
    expect(r.exitCode).toBe(8);
    const [pendingResult] = json<ActivationJson[]>(r);
    expect(pendingResult?.outcome).toBe("pending");
    const pending = json<{ requestId: string; pending: boolean }[]>(
      await run(["request", "list", "--pending", "-o", "json"]),
    );
    expect(pending.length).toBeGreaterThan(0);
    const approval = t.emu.admin.approvals.list().find((a) => a.requestId === pendingResult?.requestId);
    expect(approval).toBeDefined();
    expect(t.emu.admin.approvals.approve(approval?.id ?? "")).not.toMatchObject({ ok: false });
    const waited = await run([
      "role",
      "activate",
      "Privileged Role Administrator",
      "--justification",
      "need it",
      "--wait",
      "--timeout",
      "30s",
      "-o",
      "json",
    ]);
    expect(waited.exitCode).toBe(0);
    expect(["activated", "already-active"]).toContain(json<ActivationJson[]>(waited)[0]?.outcome);
  });

  it("on a terminal with no role named: pick from a list, then only the fields those roles need", async () => {
    const roles = json<RoleJson[]>(await run(["role", "list", "-o", "json"]));
    const eligible = roles.filter((r) => r.state === "eligible");
    const idx = eligible.findIndex((r) => r.name === "Helpdesk Administrator");
    expect(idx).toBeGreaterThanOrEqual(0);
    const keys = [...Array.from({ length: idx }, () => "j"), " ", "\r"];
    const r = await run(["role", "activate"], { tty: true, stdin: keys });
    expect(r.stderr).toMatch(/Roles to activate/);
    // Helpdesk Administrator needs MFA only: no justification or ticket prompt.
    expect(r.stderr).not.toMatch(/Justification:/);
    expect(r.exitCode).toBe(0);
    expect(stripAnsi(r.stdout)).toMatch(/Helpdesk Administrator\s+entra\s+activated/);
    const idx2 = eligible.findIndex((r) => r.name === "Exchange Administrator");
    const r2 = await run(["role", "activate"], {
      tty: true,
      stdin: [...Array.from({ length: idx2 }, () => "j"), " ", "\r", "mail migration\r", "SN\r", "INC42\r"],
    });
    expect(r2.stderr).toMatch(/Justification:/);
    expect(r2.stderr).toMatch(/Ticket system:/);
    expect(r2.exitCode).toBe(0);
    // Without a terminal the same command is a usage error: no prompt.
    const noTty = await run(["role", "activate"]);
    expect(noTty.exitCode).toBe(2);
    expect(noTty.stderr).not.toMatch(/Roles to activate/);
  });
});

describe("--wait on a terminal, and Ctrl-C", () => {
  it("draws a live status line per role on stderr", async () => {
    const r = await run(
      ["role", "activate", "Application Administrator", "PIM-Tier0-Operators:member", "--justification", "w", "--wait"],
      { tty: true },
    );
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/Waiting until the activations are in effect/);
    expect(r.stderr).toMatch(/PIM-Tier0-Operators \(member\): .*in effect/);
  });

  it("an interrupted wait exits 130", async () => {
    const ac = new AbortController();
    const running = t.run(
      ["role", "activate", "PIM-Tier0-Operators:owner", "--justification", "w", "--wait", "--timeout", "1m"],
      {
        configDir,
        signal: ac.signal,
      },
    );
    setTimeout(() => ac.abort(), 1500);
    const r = await running;
    expect(r.exitCode).toBe(130);
    const pending = json<{ requestId: string; name: string }[]>(
      await run(["request", "list", "--pending", "-o", "json"]),
    );
    for (const p of pending) await run(["request", "cancel", p.requestId]);
  });
});

describe("role deactivate", () => {
  it("within 5 minutes PIM refuses (exit 1); later it works (exit 0)", async () => {
    const early = await run(["role", "deactivate", "Global Reader", "-o", "json"]);
    expect(early.exitCode).toBe(1);
    expect(json<{ error: { code: string } }[]>(early)[0]?.error.code).toBe("active_duration_too_short");
    t.emu.admin.clock.advance(6 * 60);
    const later = await run(["role", "deactivate", "Global Reader", "-o", "json"]);
    expect(later.exitCode).toBe(0);
    expect(json<{ outcome: string }[]>(later)[0]?.outcome).toBe("deactivated");
    const table = await run(["role", "deactivate", "--all"]);
    expect([0, 1]).toContain(table.exitCode);
    expect(table.stdout).toMatch(/OUTCOME/);
    expect((await run(["role", "deactivate"])).exitCode).toBe(2);
  });
});

describe("requests", () => {
  it("request list and cancel a pending one", async () => {
    const r = await run([
      "role",
      "activate",
      "PIM-Tier0-Operators:owner",
      "--justification",
      "rotate keys",
      "-o",
      "json",
    ]);
    expect(r.exitCode).toBe(8);
    const id = json<ActivationJson[]>(r)[0]?.requestId ?? "";
    const table = await run(["request", "list", "--pending"]);
    expect(
      stripAnsi(table.stdout)
        .split("\n")
        .find((l) => l.includes(id)) ?? "",
    ).toMatch(/\bapproval\b/);
    const listed = json<{ requestId: string; pendingReason: string | null }[]>(
      await run(["request", "list", "--pending", "-o", "json"]),
    );
    expect(listed.find((x) => x.requestId === id)?.pendingReason).toBe("approval");
    const c = await run(["request", "cancel", id, "-o", "json"]);
    expect(c.exitCode).toBe(0);
    expect(json<{ outcome: string }>(c).outcome).toBe("canceled");
    const again = await run(["request", "cancel", "00000000-0000-0000-0000-000000000000"]);
    expect(again.exitCode).toBe(2);
    const all = json<{ requestId: string }[]>(await run(["request", "list", "--json"]));
    expect(all.some((x) => x.requestId === id)).toBe(true);
  });

  it("a scheduled activation is listed as pending with its reason, and cancelled", async () => {
    const start = new Date(Date.now() + 5 * 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const r = await run(["role", "activate", "Reports Reader", "--start", start, "-o", "json"]);
    expect(r.exitCode).toBe(0);
    const [result] = json<ActivationJson[]>(r);
    expect(result?.outcome).toBe("scheduled");
    const id = result?.requestId ?? "";
    type RequestJson = { requestId: string; status: string; pending: boolean; pendingReason: string | null };
    const pending = json<RequestJson[]>(await run(["request", "list", "--pending", "-o", "json"]));
    expect(pending.find((p) => p.requestId === id)).toMatchObject({
      status: "Granted",
      pending: true,
      pendingReason: "scheduled",
    });
    const table = stripAnsi((await run(["request", "list", "--pending"])).stdout);
    const line = table.split("\n").find((l) => l.includes(id)) ?? "";
    expect(line).toMatch(/\bscheduled\b/);
    expect(line).toMatch(/\bin [45]h/);
    const c = await run(["request", "cancel", id, "-o", "json"]);
    expect(c.exitCode).toBe(0);
    expect(json<{ outcome: string }>(c).outcome).toBe("canceled");
    const after = json<RequestJson[]>(await run(["request", "list", "--pending", "-o", "json"]));
    expect(after.some((p) => p.requestId === id)).toBe(false);
  });
});

describe("context list and tenants", () => {
  it("context list shows ids, names and the CA policies", async () => {
    const j = json<{ id: string; name: string; policies: { displayName: string }[] }[]>(
      await run(["context", "list", "-o", "json"]),
    );
    expect(j.map((c) => c.id)).toEqual(expect.arrayContaining(["c1", "c2"]));
    expect(j.find((c) => c.id === "c1")?.policies.length).toBeGreaterThan(0);
    const table = await run(["context", "list"], { tty: true });
    expect(table.stdout).toMatch(/Privileged access step-up/);
  });

  it("tenant switch to a guest tenant and back; commands then act there", async () => {
    const guest = json<{ tenantId: string; defaultDomain: string }[]>(await run(["tenant", "list", "-o", "json"])).find(
      (x) => x.defaultDomain === "fabrikam.example.com",
    );
    const sw = await run(["tenant", "switch", "fabrikam.example.com", "-o", "json"]);
    expect(sw.exitCode).toBe(0);
    expect(json<{ tenantId: string }>(sw).tenantId).toBe(guest?.tenantId);
    expect(json<{ tenantId: string }>(await run(["auth", "status", "-o", "json"])).tenantId).toBe(guest?.tenantId);
    const token = t.emu.admin
      .requests()
      .filter((q) => q.path.endsWith("/oauth2/v2.0/token"))
      .at(-1);
    expect(token?.path).toContain(guest?.tenantId ?? "none");
    expect((await run(["tenant", "switch", t.emu.tenantId])).exitCode).toBe(0);
    expect(json<{ tenantId: string }>(await run(["auth", "status", "-o", "json"])).tenantId).toBe(t.emu.tenantId);
  });

  it("tenant list shows home and guest tenants; tenant switch refuses an unknown one", async () => {
    const rows = json<{ tenantId: string; current: boolean; defaultDomain: string }[]>(
      await run(["tenant", "list", "-o", "json"]),
    );
    expect(rows.find((x) => x.current)?.tenantId).toBe(t.emu.tenantId);
    expect(rows.map((x) => x.defaultDomain)).toContain("fabrikam.example.com");
    expect((await run(["tenant", "list"])).stdout).toMatch(/contoso\.example\.com/);
    const bad = await run(["tenant", "switch", "nowhere.example.com"]);
    expect(bad.exitCode).toBe(2);
  });
});

describe("profiles and history", () => {
  it("save (validated), list, show, activate with --profile, delete", async () => {
    const bad = await run(["profile", "save", "x", "No Such Role"]);
    expect(bad.exitCode).toBe(2);
    const saved = await run([
      "profile",
      "save",
      "readers",
      "Reports Reader",
      "Reader@Contoso Platform",
      "--duration",
      "1h",
      "--justification",
      "reading",
    ]);
    expect(saved.exitCode).toBe(0);
    const list = json<{ name: string; roles: unknown[] }[]>(await run(["profile", "list", "-o", "json"]));
    expect(list.find((p) => p.name === "readers")?.roles.length).toBe(2);
    expect((await run(["profile", "list"])).stdout).toMatch(/readers/);
    const show = json<{ duration: string; justification: string }>(
      await run(["profile", "show", "readers", "-o", "json"]),
    );
    expect(show).toMatchObject({ duration: "PT1H", justification: "reading" });
    expect((await run(["profile", "show", "readers"], { tty: true })).stdout).toMatch(/Reports Reader/);
    const act = await run(["role", "activate", "--profile", "readers", "-o", "json"]);
    expect(act.exitCode).toBe(0);
    const results = json<ActivationJson[]>(act);
    expect(results.map((r) => r.name).sort()).toEqual(["Reader", "Reports Reader"]);
    expect(results.every((r) => r.duration === "PT1H")).toBe(true);
    expect((await run(["profile", "delete", "readers"])).exitCode).toBe(0);
    expect((await run(["profile", "delete", "readers"])).exitCode).toBe(2);
    expect((await run(["profile", "show", "readers"])).exitCode).toBe(2);
  });

  it("history lists every operation with per-role outcome and request ids; --since filters", async () => {
    const h = json<{ command: string; items: { outcome: string; requestId: string | null }[] }[]>(
      await run(["history", "-o", "json"]),
    );
    const activations = h.filter((e) => e.command === "role activate");
    expect(activations.length).toBeGreaterThan(3);
    expect(activations.flatMap((e) => e.items).some((i) => i.outcome === "pending" && i.requestId)).toBe(true);
    expect(h.some((e) => e.command === "role deactivate")).toBe(true);
    expect(h.some((e) => e.command === "request cancel")).toBe(true);
    const none = json<unknown[]>(await run(["history", "--since", "2999-01-01", "-o", "json"]));
    expect(none).toEqual([]);
    expect((await run(["history", "--since", "1h"])).stdout).toMatch(/role activate/);
    expect((await run(["history", "--since", "soon"])).exitCode).toBe(2);
    const file = readFileSync(join(configDir, "history.json"), "utf8");
    expect(file).not.toMatch(/Quarterly review|CHG0042|incident/);
  });

  it("a corrupt profiles file is reported and kept aside, then a new one is written", async () => {
    writeFileSync(join(configDir, "profiles.json"), "{ not json", { mode: 0o600 });
    const r = await run(["profile", "list", "-o", "json"]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/moved to .*profiles\.json\.corrupt-/);
    expect(json<unknown[]>(r)).toEqual([]);
  });
});

describe("every command: without a terminal, on a terminal, and with -o json", () => {
  it("read-only commands give the same data in every mode; colour only on a terminal", async () => {
    expect((await run(["profile", "save", "matrix", "Reports Reader"])).exitCode).toBe(0);
    const readOnly = [
      ["auth", "status"],
      ["tenant", "list"],
      ["role", "list"],
      ["role", "show", "Reports Reader"],
      ["request", "list"],
      ["profile", "list"],
      ["profile", "show", "matrix"],
      ["context", "list"],
      ["history"],
      ["config", "list"],
    ];
    for (const argv of readOnly) {
      const plain = await run(argv);
      expect(plain.exitCode, argv.join(" ")).toBe(0);
      expect(plain.stdout.length, argv.join(" ")).toBeGreaterThan(0);
      expect(plain.stdout.includes("\u001b"), argv.join(" ")).toBe(false);
      const tty = await run(argv, { tty: true });
      expect(tty.exitCode, argv.join(" ")).toBe(0);
      expect(tty.stdout.includes("\u001b["), argv.join(" ")).toBe(true);
      const asJson = await run([...argv, "-o", "json"]);
      expect(asJson.exitCode, argv.join(" ")).toBe(0);
      expect(() => JSON.parse(asJson.stdout), argv.join(" ")).not.toThrow();
    }
  });

  it("commands that change things work on a terminal too (progress on stderr, results on stdout)", async () => {
    const login = await run(["auth", "login"], { tty: true });
    expect(login.exitCode).toBe(0);
    const act = await run(["role", "activate", "Reports Reader", "--justification", "tty"], { tty: true });
    expect([0]).toContain(act.exitCode);
    expect(stripAnsi(act.stderr)).toMatch(/Activating 1 role…\n.*Reports Reader: (activated|already-active)/);
    t.emu.admin.clock.advance(6 * 60);
    const deact = await run(["role", "deactivate", "Reports Reader"], { tty: true });
    expect(deact.exitCode).toBe(0);
    expect(stripAnsi(deact.stdout)).toMatch(/Reports Reader\s+entra\s+deactivated/);
    const pending = await run(["role", "activate", "PIM-Tier0-Operators:owner", "--justification", "tty"], {
      tty: true,
    });
    expect(pending.exitCode).toBe(8);
    const [req] = json<{ requestId: string }[]>(await run(["request", "list", "--pending", "-o", "json"]));
    const cancel = await run(["request", "cancel", req?.requestId ?? ""], { tty: true });
    expect(cancel.exitCode).toBe(0);
    expect(stripAnsi(cancel.stdout)).toMatch(/canceled/);
    expect((await run(["tenant", "switch", t.emu.tenantId], { tty: true })).exitCode).toBe(0);
    expect((await run(["profile", "delete", "matrix"], { tty: true })).exitCode).toBe(0);
    expect((await run(["config", "set", "tenant", t.emu.tenantId], { tty: true })).exitCode).toBe(0);
    expect((await run(["config", "get", "tenant"], { tty: true })).stdout).toBe(`${t.emu.tenantId}\n`);
    expect((await run(["config", "unset", "tenant"], { tty: true })).exitCode).toBe(0);
  });
});
