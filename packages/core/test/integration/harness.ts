import { createEmulator, type Emulator, type EmulatorOptions, type RequestLogEntry } from "@pimkit/emulator";
import { createEmulatorCredential, type EmulatorCredential, type EmulatorCredentialOptions } from "@pimkit/testkit";
import type { Clock } from "../../src/clock";
import { createPimClient, type PimClient, type PimClientOptions, type PimRole, type TraceEvent } from "../../src/index";

export const admin = "alex.morgan@contoso.example.com";
export const limited = "sam.lindqvist@contoso.example.com";

/**
 * Real time for `now`, but waits are recorded and skipped: retries honour Retry-After without the
 * test sleeping through it.
 */
export interface SkipClock extends Clock {
  slept: number[];
  advance(ms: number): void;
}

export function skipClock(): SkipClock {
  let offset = 0;
  const slept: number[] = [];
  return {
    slept,
    advance(ms) {
      offset += ms;
    },
    now: () => Date.now() + offset,
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason ?? new Error("aborted");
      slept.push(ms);
      offset += Math.max(0, ms);
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

export interface Harness {
  emu: Emulator;
  credential: EmulatorCredential;
  client: PimClient;
  clock: SkipClock;
  traces: TraceEvent[];
  close(): Promise<void>;
}

const shared = new Map<string, Promise<Emulator>>();

/**
 * A signed-in client against the local tenant. Emulators are shared per test file and set of
 * options (creating one costs a certificate and key pair) and reset between tests; `fresh` gives a
 * test its own when it changes the scenario.
 */
export async function harness(
  o: {
    emulator?: EmulatorOptions;
    upn?: string;
    credential?: Partial<EmulatorCredentialOptions>;
    client?: Partial<PimClientOptions>;
    fresh?: boolean;
  } = {},
): Promise<Harness> {
  const options: EmulatorOptions = { scenario: "demo", listen: false, ...(o.emulator ?? {}) };
  let emu: Emulator;
  if (o.fresh) emu = await createEmulator(options);
  else {
    const key = JSON.stringify(options);
    let p = shared.get(key);
    if (!p) {
      p = createEmulator(options);
      shared.set(key, p);
    }
    emu = await p;
    emu.admin.reset();
  }
  const credential = createEmulatorCredential(emu, { upn: o.upn ?? admin, ...(o.credential ?? {}) });
  const clock = skipClock();
  const traces: TraceEvent[] = [];
  const client = createPimClient({
    cloud: emu.cloud,
    credential,
    fetch: emu.fetch,
    clock,
    trace: (t) => traces.push(t),
    retry: { attemptTimeoutMs: 2_000 },
    ...(o.client ?? {}),
  });
  return { emu, credential, client, clock, traces, close: () => (o.fresh ? emu.close() : Promise.resolve()) };
}

/** Closes the shared emulators of this test file. */
export async function closeShared(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.all(all.map(async (p) => (await p).close()));
}

export function byName(roles: PimRole[], name: string, accessId?: "member" | "owner"): PimRole {
  const found = roles.filter((r) => r.name === name && (accessId === undefined || r.accessId === accessId));
  if (found.length !== 1)
    throw new Error(`expected one role named ${name}${accessId ? `:${accessId}` : ""}, found ${found.length}`);
  return found[0] as PimRole;
}

function bodyOf(e: RequestLogEntry): Record<string, unknown> {
  return typeof e.body === "object" && e.body !== null ? (e.body as Record<string, unknown>) : {};
}

/**
 * Activation writes the tenant accepted, per role, from the emulator's request log: Graph POSTs of
 * `selfActivate` (not validation-only) and ARM PUTs of `SelfActivate` answered 201.
 */
export function acceptedActivations(emu: Emulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of emu.admin.requests()) {
    if (e.status !== 201 && e.status !== 200) continue;
    const body = bodyOf(e);
    let key: string | undefined;
    if (
      e.surface === "graph" &&
      e.method === "POST" &&
      /(roleAssignmentScheduleRequests|assignmentScheduleRequests)$/.test(e.path)
    ) {
      if (body.action !== "selfActivate" || body.isValidationOnly === true) continue;
      key = body.groupId
        ? `group:${String(body.groupId)}:${String(body.accessId)}`
        : `entra:${String(body.roleDefinitionId)}:${String(body.directoryScopeId)}`;
    } else if (e.surface === "arm" && e.method === "PUT" && /\/roleAssignmentScheduleRequests\/[^/]+$/i.test(e.path)) {
      const props = (body.properties ?? {}) as Record<string, unknown>;
      if (props.requestType !== "SelfActivate") continue;
      key = `azure:${e.path.replace(/\/providers\/Microsoft\.Authorization\/.*$/i, "")}:${String(props.roleDefinitionId)}`;
    }
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export function maxPerRole(counts: Map<string, number>): number {
  return Math.max(0, ...counts.values());
}

/** Requests that change state (activation / deactivation writes) in the log. */
export function writes(emu: Emulator): RequestLogEntry[] {
  return emu.admin
    .requests()
    .filter(
      (e) =>
        (e.method === "POST" || e.method === "PUT") &&
        !e.path.endsWith("/$batch") &&
        (e.surface === "graph" || e.surface === "arm"),
    );
}
