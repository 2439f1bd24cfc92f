/**
 * `/_emulator/*`: JSON over HTTP for tools and tests in another process. No auth: the dispatcher
 * serves it only to callers on this machine. Every route maps to one `EmulatorAdmin` method.
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InvalidFaultError } from "../http/fault-injector";
import type { FaultSpec } from "../http/faults";
import { type EmuRequest, type EmuResponse, empty, json, type Surface } from "../http/types";
import type { PolicySettings, PolicyTarget } from "../state/model";
import type { ApprovalDecisionResult, EmulatorAdmin, RuntimeSettings } from "./api";

const prefix = "/_emulator";

class BadRequest extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

function problem(status: number, code: string, message: string, path?: string): EmuResponse {
  return json(status, { error: { code, message, ...(path !== undefined ? { path } : {}) } });
}

function readJson(req: EmuRequest): unknown {
  const text = req.text();
  if (text.trim().length === 0) return undefined;
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  try {
    return type.includes("yaml") ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new BadRequest(
      "InvalidJson",
      `The body is not valid ${type.includes("yaml") ? "YAML" : "JSON"}: ${(error as Error).message}`,
    );
  }
}

function zodPath(path: ReadonlyArray<PropertyKey>): string {
  return `$${path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`;
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = zodPath(issue?.path ?? []);
  throw new BadRequest("InvalidRequest", `${path}: ${issue?.message ?? "invalid"}`, path);
}

const faultSchema = z.strictObject({
  kind: z.enum(["status", "reset", "hang", "truncate", "latency"]),
  method: z.string().optional(),
  path: z.string().optional(),
  inBatch: z.boolean().optional(),
  status: z.number().int().optional(),
  retryAfter: z.string().optional(),
  body: z.unknown().optional(),
  latencyMs: z.number().nonnegative().optional(),
  times: z.number().int().nonnegative().optional(),
  after: z.number().int().nonnegative().optional(),
  probability: z.number().min(0).max(1).optional(),
  afterHandling: z.boolean().optional(),
});

const clockSchema = z.union([
  z.strictObject({ advanceSeconds: z.number() }),
  z.strictObject({ set: z.iso.datetime({ offset: true }) }),
]);

const decisionSchema = z
  .strictObject({ justification: z.string().nullable().optional(), approver: z.string().optional() })
  .optional();

const policyTargetSchema: z.ZodType<PolicyTarget> = z.union([
  z.strictObject({ plane: z.literal("directoryRole"), roleDefinitionId: z.string().min(1) }),
  z.strictObject({ plane: z.literal("group"), groupId: z.string().min(1), accessId: z.enum(["member", "owner"]) }),
  z.strictObject({ plane: z.literal("azure"), scope: z.string().min(1), roleDefinitionId: z.string().min(1) }),
]);

const policySettingsSchema: z.ZodType<Partial<PolicySettings>> = z.strictObject({
  maxDuration: z
    .string()
    .regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, "an ISO-8601 duration")
    .optional(),
  justification: z.boolean().optional(),
  ticket: z.boolean().optional(),
  mfa: z.boolean().optional(),
  authContext: z
    .string()
    .regex(/^c([1-9]|[1-9]\d)$/, "an authentication context id c1..c99")
    .nullable()
    .optional(),
  approval: z.boolean().optional(),
  approvers: z.array(z.string()).optional(),
});

const policySchema = z.strictObject({ target: policyTargetSchema, settings: policySettingsSchema });

const settingsSchema: z.ZodType<Partial<RuntimeSettings>> = z.strictObject({
  latencyMs: z.number().nonnegative().optional(),
  acrsChallenge: z.enum(["body", "www-authenticate"]).optional(),
  requireCp1ForAcrs: z.boolean().optional(),
  groupEnumCasing: z.enum(["csdl", "pascal"]).optional(),
  pageSize: z.number().int().positive().optional(),
  provisioningDelaySeconds: z.number().nonnegative().optional(),
  tokenLifetimeSeconds: z.number().int().positive().optional(),
  autoSignIn: z.string().min(1).nullable().optional(),
});

/** `POST /_emulator/scenario` takes `"demo"`, `{"scenario": <name|path|object>}`, or a scenario object. */
function scenarioSource(body: unknown): string | object {
  if (typeof body === "string" && body.length > 0) return body;
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    const keys = Object.keys(body);
    if (keys.length === 1 && keys[0] === "scenario") {
      const inner = (body as { scenario: unknown }).scenario;
      if ((typeof inner === "string" && inner.length > 0) || (inner !== null && typeof inner === "object")) {
        return inner as string | object;
      }
      throw new BadRequest("InvalidScenario", "scenario must be a name, a file path or a scenario object", "$");
    }
    return body;
  }
  throw new BadRequest("InvalidScenario", "the body must name a scenario or hold one", "$");
}

function isScenarioError(error: unknown): error is Error & { path: string } {
  return error instanceof Error && typeof (error as { path?: unknown }).path === "string";
}

function decisionResponse(result: ApprovalDecisionResult, approvalId: string): EmuResponse {
  if (result.ok) return json(200, { approval: result.approval, request: result.request });
  switch (result.error) {
    case "NotFound":
      return problem(404, "NotFound", `No approval ${approvalId}.`);
    case "NotApprover":
      return problem(403, "NotApprover", "That user is not an approver of the current stage.");
    case "AlreadyReviewed":
      return problem(409, "AlreadyReviewed", "The approval was already decided.");
    case "SelfApproval":
      return problem(400, "SelfApproval", "A requestor cannot approve their own request.");
    case "UnknownApprover":
      return problem(400, "UnknownApprover", result.message);
    case "NoPendingStage":
      return problem(409, "NoPendingStage", result.message);
  }
}

export function createAdminSurface(admin: EmulatorAdmin): Surface {
  const route = (req: EmuRequest): EmuResponse => {
    const rest = req.path.slice(prefix.length).replace(/\/+$/, "");
    const segments = rest
      .split("/")
      .filter((s) => s.length > 0)
      .map(decodeURIComponent);
    const [head, id, action] = segments;
    const method = req.method;
    const notAllowed = () => problem(405, "MethodNotAllowed", `${method} is not supported on ${req.path}.`);

    switch (head) {
      case "reset":
        if (segments.length !== 1) break;
        if (method !== "POST") return notAllowed();
        admin.reset({ keepSignIns: req.url.searchParams.get("keepSignIns") === "true" });
        return json(200, { ok: true });
      case "scenario": {
        if (segments.length !== 1) break;
        if (method !== "POST") return notAllowed();
        const source = scenarioSource(readJson(req));
        try {
          admin.loadScenario(source);
        } catch (error) {
          if (isScenarioError(error)) return problem(400, "InvalidScenario", error.message, error.path);
          throw error;
        }
        return json(200, { ok: true, state: admin.state() });
      }
      case "requests": {
        if (segments.length !== 1) break;
        if (method === "DELETE") {
          admin.clearRequests();
          return empty(204);
        }
        if (method !== "GET") return notAllowed();
        const since = req.url.searchParams.get("since");
        if (since !== null && !/^\d+$/.test(since)) {
          return problem(400, "InvalidRequest", "since must be a sequence number", "since");
        }
        return json(200, { value: admin.requests(since !== null ? { since: Number(since) } : undefined) });
      }
      case "faults": {
        if (segments.length === 2 && id) {
          if (method !== "DELETE") return notAllowed();
          if (!admin.listFaults().some((f) => f.id === id)) return problem(404, "NotFound", `No fault ${id}.`);
          admin.removeFault(id);
          return empty(204);
        }
        if (segments.length !== 1) break;
        if (method === "GET") return json(200, { value: admin.listFaults() });
        if (method === "DELETE") {
          admin.clearFaults();
          return empty(204);
        }
        if (method !== "POST") return notAllowed();
        const body = readJson(req);
        const specs: FaultSpec[] = Array.isArray(body)
          ? body.map((b, i) => {
              try {
                return parseWith(faultSchema, b) as FaultSpec;
              } catch (error) {
                if (error instanceof BadRequest)
                  throw new BadRequest(error.code, `[${i}] ${error.message}`, error.path);
                throw error;
              }
            })
          : [parseWith(faultSchema, body) as FaultSpec];
        try {
          const added = specs.map((s) => admin.addFault(s));
          return json(201, Array.isArray(body) ? { value: added } : added[0]);
        } catch (error) {
          if (error instanceof InvalidFaultError)
            throw new BadRequest("InvalidFault", error.message, `$.${error.field}`);
          throw error;
        }
      }
      case "clock": {
        if (segments.length !== 1) break;
        if (method === "GET") return json(200, { now: admin.clock.now().toISOString() });
        if (method !== "POST") return notAllowed();
        const body = parseWith(clockSchema, readJson(req));
        const now = "advanceSeconds" in body ? admin.clock.advance(body.advanceSeconds) : admin.clock.set(body.set);
        return json(200, { now: now.toISOString() });
      }
      case "approvals": {
        if (segments.length === 1) {
          if (method !== "GET") return notAllowed();
          return json(200, { value: admin.approvals.list() });
        }
        if (segments.length !== 3 || !id || (action !== "approve" && action !== "deny")) break;
        if (method !== "POST") return notAllowed();
        const options = parseWith(decisionSchema, readJson(req)) ?? {};
        const result = action === "approve" ? admin.approvals.approve(id, options) : admin.approvals.deny(id, options);
        return decisionResponse(result, id);
      }
      case "state":
        if (segments.length !== 1) break;
        if (method !== "GET") return notAllowed();
        return json(200, admin.state());
      case "policies": {
        if (segments.length !== 1) break;
        if (method !== "POST") return notAllowed();
        const body = parseWith(policySchema, readJson(req));
        try {
          return json(200, admin.setPolicy(body.target, body.settings));
        } catch (error) {
          // The store refuses targets the tenant does not have, or settings the service would refuse.
          if (error instanceof Error) throw new BadRequest("InvalidPolicy", error.message, "$.target");
          throw error;
        }
      }
      case "settings": {
        if (segments.length !== 1) break;
        if (method === "GET") return json(200, admin.settings());
        if (method !== "PATCH") return notAllowed();
        return json(200, admin.settings(parseWith(settingsSchema, readJson(req) ?? {})));
      }
      default:
        break;
    }
    return problem(404, "NotFound", `No admin route ${method} ${req.path}.`);
  };

  return (req) => {
    if (req.path !== prefix && !req.path.startsWith(`${prefix}/`)) return undefined;
    try {
      return route(req);
    } catch (error) {
      if (error instanceof BadRequest) return problem(400, error.code, error.message, error.path);
      if (error instanceof RangeError || error instanceof URIError) {
        return problem(400, "InvalidRequest", error.message);
      }
      throw error;
    }
  };
}
