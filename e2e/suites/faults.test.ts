/**
 * Fault suite: every fault of the quality bar, injected by the local tenant while `pimkit` lists,
 * activates in bulk and deactivates. Each case runs the real command line (`runCli`, the same
 * `main` as the binary) against the emulator over HTTPS and then checks, from the tenant's own
 * request log and state, that every role ended where pimkit says it did, that the exit code is the
 * documented one, and that no role got a second accepted request (duplicates = 0).
 *
 * Cases on one tenant run one after another; the tenants (lanes) run side by side, so the waits
 * (Retry-After, the per-attempt timeout of a hung request) overlap.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Emulator, FaultSpec, RequestLogEntry } from "@pimkit/emulator";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  allRoles,
  approver,
  faultTenant,
  operator,
  policyTarget,
  type RoleRef,
  type TenantDump,
  toActivate,
  toDeactivate,
} from "./support/fault-tenant";
import { type Lane, openLane, parseJson } from "./support/lane";
import { duplicates, newActivationRequests, trueState, writesIn } from "./support/ledger";
import { formatTable } from "./support/report";

type Op = "list" | "activate" | "deactivate";

/** Where a fault lands. */
const at = {
  /** ARM tenant-wide listings (`asTarget()` instances). */
  armList: {
    method: "GET",
    path: "^/arm/providers/Microsoft\\.Authorization/role(Eligibility|Assignment)ScheduleInstances",
  },
  /** The Graph `$batch` request itself. */
  batch: { method: "POST", path: "^/graph/v1\\.0/\\$batch$", inBatch: false },
  /** Graph listings inside `$batch`. */
  graphListItem: { method: "GET", path: "ScheduleInstances", inBatch: true },
  /** Graph activation / deactivation requests inside `$batch`. */
  graphWriteItem: { method: "POST", path: "[aA]ssignmentScheduleRequests$", inBatch: true },
  /** ARM activation / deactivation requests. */
  armWrite: { method: "PUT", path: "/providers/Microsoft\\.Authorization/roleAssignmentScheduleRequests/" },
} as const satisfies Record<string, Partial<FaultSpec>>;

interface Arrange {
  emu: Emulator;
  dump: TenantDump;
  /** How many `$batch` requests the command sends before the one that carries its writes. */
  batchesBeforeWrites: number;
  /** Adds a fault that must fire at least once for the case to count. */
  inject(spec: FaultSpec): void;
  /**
   * Delays the matching requests and, when the first of them arrives, changes the tenant: the
   * requests then meet the changed tenant (a policy tightened, a clock past the token's expiry).
   */
  midFlight(specs: Partial<FaultSpec>[], change: () => void): void;
  /** Runs once the command ended and the tenant was read. */
  finally(undo: () => void): void;
}

interface Case {
  id: string;
  fault: string;
  op: Op;
  lane: string;
  arrange(a: Arrange): void;
  exit: number;
  /** Outcome counts the command must report (`listed` for role list). */
  outcomes: Record<string, number>;
  /** Interactive sign-ins the command may need (a step-up). */
  signIns?: number;
  /** The tenant refused an expired token during the command (proof the case tested expiry). */
  expiredTokenRefused?: boolean;
}

interface CaseResult {
  c: Case;
  exitCode: number;
  outcomes: Record<string, number>;
  /** Error codes of the roles reported failed. */
  codes: string[];
  duplicates: number;
  problems: string[];
  signIns: number;
  ms: number;
}

const httpDate = (inSeconds: number) => new Date(Date.now() + inSeconds * 1000).toUTCString();
const retryForms: [string, () => string][] = [
  ["seconds", () => "1"],
  ["fractional seconds", () => "0.5"],
  ["HTTP-date", () => httpDate(2)],
];

const writeTargets = (a: Arrange): FaultSpec[] => [
  { kind: "status", ...at.armWrite, times: 1 },
  { kind: "status", ...at.batch, after: a.batchesBeforeWrites, times: 1 },
];

/** Every fault of quality.md for every operation (the approval and policy faults only gate activation). */
function casesFor(op: Op): Case[] {
  const lane = op;
  const out: Case[] = [];
  const expected: Record<string, number> =
    op === "list" ? { listed: 8 } : op === "activate" ? { activated: 5 } : { deactivated: 3 };
  const add = (fault: string, arrange: Case["arrange"], extra: Partial<Case> = {}) =>
    out.push({ id: `${op}: ${fault}`, fault, op, lane, arrange, exit: 0, outcomes: expected, ...extra });
  const outside = (a: Arrange, spec: Partial<FaultSpec>) => {
    if (op === "list") {
      a.inject({ kind: "status", ...at.armList, times: 1, ...spec });
      a.inject({ kind: "status", ...at.batch, times: 1, ...spec });
    } else for (const w of writeTargets(a)) a.inject({ ...w, ...spec });
  };
  for (const [form, value] of retryForms) {
    add(`429 Retry-After ${form}, outside $batch`, (a) => outside(a, { status: 429, retryAfter: value() }));
    add(`429 Retry-After ${form}, inside $batch`, (a) =>
      a.inject({
        kind: "status",
        ...(op === "list" ? at.graphListItem : at.graphWriteItem),
        status: 429,
        retryAfter: value(),
        times: 2,
      }),
    );
  }
  add("503 Service Unavailable", (a) => outside(a, { status: 503 }));
  if (op === "list") {
    add("connection reset", (a) => outside(a, { kind: "reset" }));
    add("truncated JSON", (a) => outside(a, { kind: "truncate" }));
    add(tenantExpiry, (a) => a.midFlight([at.armList, at.batch], () => a.emu.admin.clock.advance(tokenExpirySeconds)));
    out.push(clockJump(op, [at.armList, at.batch], expected));
    out.push({
      id: "list: hang past the timeout",
      fault: "hang past the timeout",
      op,
      lane: "hang-list",
      arrange: (a) => a.inject({ kind: "hang", ...at.armList, times: 1 }),
      exit: 0,
      outcomes: expected,
    });
    return out;
  }
  add("connection reset before the tenant saw the write", (a) => outside(a, { kind: "reset" }));
  add("connection reset after the write took effect", (a) => outside(a, { kind: "reset", afterHandling: true }));
  add("truncated JSON after the write took effect", (a) => outside(a, { kind: "truncate" }));
  add(
    tenantExpiry,
    (a) => a.midFlight([at.graphWriteItem, at.armWrite], () => a.emu.admin.clock.advance(tokenExpirySeconds)),
    { expiredTokenRefused: true },
  );
  out.push(clockJump(op, [at.graphWriteItem, at.armWrite], expected));
  out.push({
    id: `${op}: hang past the timeout`,
    fault: "hang past the timeout (write took effect)",
    op,
    lane: `hang-${op}`,
    arrange: (a) => {
      for (const w of writeTargets(a)) a.inject({ ...w, kind: "hang", afterHandling: true });
    },
    exit: 0,
    outcomes: expected,
  });
  const azure = (op === "activate" ? toActivate : toDeactivate).filter((r) => r.kind === "azureRole").length;
  const done = op === "activate" ? "activated" : "deactivated";
  add(
    "503 that never clears (ARM)",
    (a) => a.inject({ kind: "status", ...at.armWrite, status: 503, retryAfter: "0.2" }),
    { exit: 1, outcomes: { [done]: (op === "activate" ? 5 : 3) - azure, failed: azure } },
  );
  if (op === "deactivate") return out;
  add(
    "429 Retry-After beyond the wait limit (ARM)",
    (a) => a.inject({ kind: "status", ...at.armWrite, status: 429, retryAfter: "600" }),
    { exit: 1, outcomes: { activated: 3, failed: 2 } },
  );
  add(
    "policy tightened mid-flight (insufficient_claims)",
    (a) => {
      a.emu.admin.settings({ acrsChallenge: "www-authenticate" });
      a.midFlight([at.graphWriteItem, at.armWrite], () => {
        for (const r of toActivate) a.emu.admin.setPolicy(policyTarget(r, a.dump), { authContext: "c1", mfa: false });
      });
    },
    { signIns: 1 },
  );
  add(
    "approval required",
    (a) => {
      const lee = a.dump.users.find((u) => u.upn === approver)?.oid ?? "missing-approver";
      a.midFlight([at.graphWriteItem, at.armWrite], () => {
        for (const r of toActivate.filter((x) => x.kind !== "entraRole"))
          a.emu.admin.setPolicy(policyTarget(r, a.dump), { approval: true, approvers: [lee] });
      });
    },
    { exit: 8, outcomes: { activated: 2, pending: 3 } },
  );
  return out;
}

/** Past the token lifetime (3600 s) and the five minutes of clock skew token validation allows. */
const tokenExpirySeconds = 3600 + 300 + 120;

/**
 * The tenant alone moves past the tokens' expiry (its clock runs ahead, or it revoked them): the
 * service answers 401 to a token the client still believes valid, and the client must get a new
 * one rather than fail.
 */
const tenantExpiry = "token expired by the tenant's clock mid-batch";

/**
 * The machine's clock jumps past the tokens' expiry in the middle of the batch (a laptop that slept),
 * for pimkit and the tenant alike: they run in this process, so moving `Date` moves both. These
 * cases run on their own lane after every other lane has finished, as the jump is process-wide.
 */
function clockJump(op: Op, hooks: Partial<FaultSpec>[], outcomes: Record<string, number>): Case {
  return {
    id: `${op}: token expiry mid-batch (clock jump)`,
    fault: "token expiry mid-batch (machine clock jumps)",
    op,
    lane: "clock",
    arrange: (a) => {
      vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
      a.finally(() => vi.useRealTimers());
      a.midFlight(hooks, () => vi.setSystemTime(new Date(Date.now() + tokenExpirySeconds * 1000)));
    },
    exit: 0,
    outcomes,
    expiredTokenRefused: true,
  };
}

const cases = [...casesFor("list"), ...casesFor("activate"), ...casesFor("deactivate")];

function argvFor(op: Op): string[] {
  if (op === "list") return ["role", "list", "--all", "-o", "json"];
  if (op === "activate")
    return ["role", "activate", ...toActivate.map((r) => r.query), "--justification", "fault drill", "-o", "json"];
  return ["role", "deactivate", ...toDeactivate.map((r) => r.query), "-o", "json"];
}

function dumpOf(emu: Emulator): TenantDump {
  return emu.admin.state() as TenantDump;
}

interface ListedRole {
  kind: string;
  name: string;
  scope: { displayName: string };
  state: string;
}
interface RoleOutcome {
  kind: string;
  name: string;
  outcome: string;
  requestId: string | null;
  error: { code: string } | null;
}

/** Checks pimkit's report against the tenant; returns what does not match. */
function verify(
  c: Case,
  stdout: unknown,
  before: TenantDump,
  after: TenantDump,
  writes: ReturnType<typeof writesIn>,
): { outcomes: Record<string, number>; codes: string[]; problems: string[] } {
  const problems: string[] = [];
  const codes: string[] = [];
  const oid = before.users.find((u) => u.upn === operator)?.oid ?? "";
  const outcomes: Record<string, number> = {};
  const count = (o: string) => {
    outcomes[o] = (outcomes[o] ?? 0) + 1;
  };
  if (!Array.isArray(stdout)) return { outcomes, codes, problems: ["stdout is not a JSON array"] };
  if (c.op === "list") {
    const listed = stdout as ListedRole[];
    for (const r of allRoles) {
      const found = listed.filter((x) => x.kind === r.kind && x.name === r.name && x.scope.displayName === r.scopeName);
      if (found.length !== 1) {
        problems.push(`${r.query}: listed ${found.length} times`);
        continue;
      }
      count("listed");
      const truth = trueState(after, oid, r.key(after));
      if (found[0]?.state !== truth) problems.push(`${r.query}: listed as ${found[0]?.state}, tenant says ${truth}`);
    }
    if (writes.length) problems.push(`${writes.length} write(s) sent by a listing`);
    return { outcomes, codes, problems };
  }
  const roles: RoleRef[] = c.op === "activate" ? toActivate : toDeactivate;
  const results = stdout as RoleOutcome[];
  if (results.length !== roles.length) problems.push(`${results.length} results for ${roles.length} roles`);
  const baseline = new Set(before.requests.map((r) => r.id));
  const created = newActivationRequests(after, baseline);
  const reported = new Set<string>();
  for (const r of roles) {
    const res = results.filter((x) => x.kind === r.kind && x.name === r.name);
    const one = res[0];
    if (res.length !== 1 || !one) {
      problems.push(`${r.query}: ${res.length} results`);
      continue;
    }
    count(one.outcome);
    const key = r.key(after);
    const truth = trueState(after, oid, key);
    const fits: Record<string, boolean> =
      c.op === "activate"
        ? {
            activated: truth === "active",
            "already-active": truth === "active",
            pending: truth === "pending",
            failed: truth === "eligible" && !created.some((x) => x.key === key),
          }
        : { deactivated: truth === "eligible", failed: truth === "active" };
    if (!(one.outcome in fits)) problems.push(`${r.query}: outcome "${one.outcome}" is not a known end state`);
    else if (!fits[one.outcome]) problems.push(`${r.query}: reported ${one.outcome}, tenant says ${truth}`);
    if (one.outcome === "failed") {
      if (one.error?.code) codes.push(one.error.code);
      else problems.push(`${r.query}: failed without an error code`);
    }
    if (["activated", "pending"].includes(one.outcome)) {
      const req = created.find((x) => x.id === one.requestId);
      if (!req) problems.push(`${r.query}: request ${one.requestId} is not in the tenant`);
      reported.add(key);
    }
    if (one.outcome === "already-active") reported.add(key);
  }
  // Nothing the tenant accepted may go unreported.
  for (const x of created) if (!reported.has(x.key)) problems.push(`unreported activation in the tenant (${x.key})`);
  const perRole = new Map<string, number>();
  for (const x of created) perRole.set(x.key, (perRole.get(x.key) ?? 0) + 1);
  for (const [k, n] of perRole) if (n > 1) problems.push(`${n} activation requests held for ${k}`);
  return { outcomes, codes, problems };
}

/** Runs one case on a lane whose tenant is put back as it was opened first. */
async function runCase(lane: Lane, c: Case, n: number, batchesBeforeWrites: number): Promise<CaseResult> {
  const undo: (() => void)[] = [];
  try {
    return await runArranged(lane, c, n, batchesBeforeWrites, undo);
  } finally {
    for (const u of undo) u();
  }
}

async function runArranged(
  lane: Lane,
  c: Case,
  n: number,
  batchesBeforeWrites: number,
  undo: (() => void)[],
): Promise<CaseResult> {
  const emu = lane.emu;
  lane.restore();
  const before = dumpOf(emu);
  const configDir = lane.signedInCopy(`case-${n}`);
  const browserLog = join(lane.dir, `case-${n}-browser.log`);
  const mustFire: string[] = [];
  const timers: NodeJS.Timeout[] = [];
  c.arrange({
    emu,
    dump: before,
    batchesBeforeWrites,
    inject(spec) {
      mustFire.push(emu.admin.addFault(spec).id);
    },
    midFlight(specs, change) {
      const hooks = specs.map((s) => emu.admin.addFault({ ...s, kind: "latency", latencyMs: 250 }).id);
      mustFire.push(...hooks);
      const timer = setInterval(() => {
        if (emu.admin.listFaults().some((f) => hooks.includes(f.id) && f.fired > 0)) {
          clearInterval(timer);
          change();
        }
      }, 2);
      timers.push(timer);
    },
    finally(fn) {
      undo.push(fn);
    },
  });
  const r = await lane.run(argvFor(c.op), configDir, { extraEnv: { PIMKIT_TEST_BROWSER_LOG: browserLog } });
  for (const t of timers) clearInterval(t);
  const fired = emu.admin.listFaults();
  emu.admin.clearFaults();
  const problems: string[] = [];
  for (const id of mustFire) {
    const f = fired.find((x) => x.id === id);
    if (!f || f.fired === 0) problems.push(`fault ${f?.kind ?? id} on ${f?.path ?? "?"} never fired`);
  }
  const log = emu.admin.requests();
  const writes = writesIn(log);
  if (c.expiredTokenRefused && !log.some((e) => (e.surface === "graph" || e.surface === "arm") && e.status === 401))
    problems.push("the tenant never refused an expired token: the case did not test expiry");
  const after = dumpOf(emu);
  const verdict = verify(c, parseJson<unknown>(r), before, after, writes);
  problems.push(...verdict.problems);
  const signIns = existsSync(browserLog)
    ? readFileSync(browserLog, "utf8").trim().split("\n").filter(Boolean).length
    : 0;
  if (r.exitCode !== c.exit) {
    const said = r.stderr
      .split("\n")
      .filter((l) => /warning|error|failed|could not/i.test(l))
      .slice(0, 2);
    problems.push(`exit ${r.exitCode}, want ${c.exit}${said.length ? `: ${said.join(" / ")}` : ""}`);
  }
  return {
    c,
    exitCode: r.exitCode,
    outcomes: verdict.outcomes,
    codes: verdict.codes,
    duplicates: duplicates(writes),
    problems,
    signIns,
    ms: r.ms,
  };
}

/** `$batch` requests the command sends before the one carrying its writes (measured, not assumed). */
async function measureBatchesBeforeWrites(lane: Lane, op: Op): Promise<number> {
  if (op === "list") return 0;
  lane.restore();
  const r = await lane.run(argvFor(op), lane.signedInCopy(`calibrate-${op}`));
  if (r.exitCode !== 0) throw new Error(`${op} without faults failed (${r.exitCode}): ${r.stderr}`);
  const log = lane.emu.admin.requests();
  const firstWrite = log.find((e) => e.batch && e.method === "POST" && /ScheduleRequests$/.test(e.path));
  const outers = log.filter((e) => e.method === "POST" && /\/\$batch$/.test(e.path) && !e.batch);
  const index = outers.findIndex((e) => e.requestId === firstWrite?.batch?.requestId);
  if (index < 0) throw new Error(`${op}: no $batch carried the writes`);
  return index;
}

interface Deferred {
  promise: Promise<CaseResult>;
  resolve(r: CaseResult): void;
  reject(e: unknown): void;
}
function deferred(): Deferred {
  let resolve: (r: CaseResult) => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const promise = new Promise<CaseResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Each case's test awaits its own promise; a lane that fails early must not go unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

const pending = new Map(cases.map((c) => [c.id, deferred()]));
const results: CaseResult[] = [];
const lanes: Promise<void>[] = [];

beforeAll(() => {
  const byLane = new Map<string, Case[]>();
  for (const c of cases) byLane.set(c.lane, [...(byLane.get(c.lane) ?? []), c]);
  let n = 0;
  const runLane = async (name: string, laneCases: Case[]) => {
    let lane: Lane | undefined;
    try {
      lane = await openLane(name, {
        scenario: faultTenant,
        autoSignIn: operator,
        provisioningDelaySeconds: 0,
        settings: { pageSize: 4 },
      });
      const calibrated = new Map<Op, number>();
      for (const c of laneCases) {
        const d = pending.get(c.id);
        try {
          if (!calibrated.has(c.op)) calibrated.set(c.op, await measureBatchesBeforeWrites(lane, c.op));
          const res = await runCase(lane, c, ++n, calibrated.get(c.op) ?? 0);
          results.push(res);
          d?.resolve(res);
        } catch (e) {
          d?.reject(e);
        }
      }
    } catch (e) {
      for (const c of laneCases) pending.get(c.id)?.reject(e);
    } finally {
      await lane?.close();
    }
  };
  for (const [name, laneCases] of byLane) if (name !== "clock") lanes.push(runLane(name, laneCases));
  const others = [...lanes];
  lanes.push(
    (async () => {
      await Promise.allSettled(others);
      await runLane("clock", byLane.get("clock") ?? []);
    })(),
  );
});

afterAll(async () => {
  await Promise.all(lanes);
  const order = new Map(cases.map((c, i) => [c.id, i]));
  const rows = [...results]
    .sort((a, b) => (order.get(a.c.id) ?? 0) - (order.get(b.c.id) ?? 0))
    .map((r) => {
      const codes = [...new Set(r.codes)].join(", ");
      const counts = Object.entries(r.outcomes)
        .map(([k, v]) => `${v} ${k}${k === "failed" && codes ? ` (${codes})` : ""}`)
        .join(", ");
      const ok = r.problems.length === 0 && r.exitCode === r.c.exit ? "state matches" : "MISMATCH";
      return [
        r.c.fault,
        r.c.op,
        String(r.c.op === "list" ? allRoles.length : r.c.op === "activate" ? toActivate.length : toDeactivate.length),
        `exit ${r.exitCode} (want ${r.c.exit}); ${counts || "no results"}; ${ok}`,
        String(r.duplicates),
      ];
    });
  const dup = results.reduce((s, r) => s + r.duplicates, 0);
  const bad = results.filter((r) => r.problems.length > 0 || r.exitCode !== r.c.exit).length;
  console.log(
    `${formatTable("FAULT SUITE", ["fault", "operation", "roles", "outcome", "duplicates"], rows)}\n` +
      `faults: ${results.length} cases, ${results.length - bad} as expected, ${bad} not; duplicate activation requests = ${dup}`,
  );
});

describe("fault suite: every role ends in a known state, the exit code is right, nothing is sent twice", () => {
  it.each(cases.map((c) => [c.id, c] as const))("%s", { timeout: 150_000 }, async (_id, c) => {
    const r = await (pending.get(c.id)?.promise ?? Promise.reject(new Error("case not scheduled")));
    expect(r.problems).toEqual([]);
    expect(r.exitCode).toBe(c.exit);
    expect(r.outcomes).toEqual(c.outcomes);
    expect(r.duplicates).toBe(0);
    expect(r.signIns).toBe(c.signIns ?? 0);
  });
});

describe("the checker itself can fail", () => {
  const oid = "00000000-0000-4000-8000-000000000001";
  const entry = (seq: number, status: number, body: unknown): RequestLogEntry => ({
    seq,
    time: "2026-01-01T00:00:00Z",
    requestId: `r${seq}`,
    surface: "graph",
    method: "POST",
    path: "/graph/v1.0/roleManagement/directory/roleAssignmentScheduleRequests",
    query: {},
    headers: {},
    body,
    status,
    durationMs: 1,
    batch: { requestId: "outer", itemId: String(seq) },
  });
  const activation = { action: "selfActivate", roleDefinitionId: "r1", directoryScopeId: "/", principalId: oid };

  it("counts a second accepted activation of a role as a duplicate, and a refused one not", () => {
    expect(duplicates(writesIn([entry(1, 201, activation), entry(2, 429, activation)]))).toBe(0);
    expect(duplicates(writesIn([entry(1, 201, activation), entry(2, 201, activation)]))).toBe(1);
  });

  it("flags a reported activation the tenant does not hold, and one the tenant holds unreported", () => {
    const c = cases.find((x) => x.op === "activate");
    if (!c) throw new Error("no activation case");
    const dump: TenantDump = {
      now: "2026-01-01T00:00:00Z",
      users: [{ upn: operator, oid }],
      groups: [{ id: "g1", displayName: "PIM-Ops" }],
      subscriptions: [{ subscriptionId: "s1", displayName: "Northwind Prod" }],
      assignments: [],
      requests: [],
    };
    const claimed = toActivate.map((r) => ({
      kind: r.kind,
      name: r.name,
      outcome: "activated",
      requestId: "x",
      error: null,
    }));
    expect(verify(c, claimed, dump, dump, []).problems.length).toBeGreaterThan(0);
    const held: TenantDump = {
      ...dump,
      requests: [
        {
          id: "hidden",
          action: "selfActivate",
          status: "Provisioned",
          principalId: oid,
          target: { plane: "group", groupId: "g1", accessId: "member" },
        },
      ],
    };
    const failed = toActivate.map((r) => ({
      kind: r.kind,
      name: r.name,
      outcome: "failed",
      requestId: null,
      error: { code: "x" },
    }));
    expect(verify(c, failed, dump, held, []).problems).toContainEqual(expect.stringMatching(/unreported|tenant says/));
  });
});
