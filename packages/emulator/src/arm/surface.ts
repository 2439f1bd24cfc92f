/**
 * The Azure Resource Manager surface of the local tenant, served under `/arm` (a client uses
 * `{url}/arm` as its ARM endpoint). Order of checks as ARM's front door does them: the route and
 * its api-version first (ARM answers MissingApiVersionParameter even to anonymous callers), then
 * the bearer token, then the resource provider's own validation.
 */
import { armSupportedApiVersions } from "@pimkit/contracts";
import type { EmulatorContext } from "../context";
import { type EmuRequest, type EmuResponse, json, type Surface } from "../http/types";
import { authenticate } from "./auth";
import type { ArmCall } from "./call";
import { ArmError, armErrors } from "./errors";
import { getApproval, getStage, listApprovals, listStages, reviewStage } from "./handlers/approvals";
import { getPolicy, getPolicyAssignment, listPolicies, listPolicyAssignments } from "./handlers/policies";
import { cancelRequest, getRequest, listRequests, putRequest, validateRequest } from "./handlers/requests";
import {
  getManagementGroup,
  getResourceGroup,
  getRoleDefinition,
  getSubscription,
  listEligibleChildResources,
  listManagementGroups,
  listResourceGroups,
  listRoleDefinitions,
  listSubscriptions,
  listTenants,
} from "./handlers/resources";
import { getSchedule, listSchedules, type ScheduleKind } from "./handlers/schedules";
import { normalisePath } from "./scope";

export const armPrefix = "/arm";

type Handler = (call: ArmCall) => EmuResponse;

interface Route {
  /** ARM resource type (lower case), keys `armSupportedApiVersions`. */
  type: string;
  /** How ARM words an unsupported api-version for this type. */
  versionError: "authorization" | "management" | "roleDefinitions" | "resources";
  handler: Handler;
}

const scheduleKinds: Record<string, ScheduleKind> = {
  roleeligibilityscheduleinstances: "roleEligibilityScheduleInstances",
  roleeligibilityschedules: "roleEligibilitySchedules",
  roleassignmentscheduleinstances: "roleAssignmentScheduleInstances",
  roleassignmentschedules: "roleAssignmentSchedules",
};

const authorizationMarker = "/providers/microsoft.authorization/";
const managementGroupsPath = "/providers/microsoft.management/managementgroups";

/** Finds the handler for a method and (normalised, decoded) path; undefined when none. */
export function route(method: string, path: string): Route | undefined {
  const lower = path.toLowerCase();
  const seg = path.split("/").slice(1);
  const lseg = lower.split("/").slice(1);

  const at = lower.lastIndexOf(authorizationMarker);
  if (at >= 0) {
    const scopeRaw = path.slice(0, at);
    const rest = path.slice(at + authorizationMarker.length).split("/");
    const type = (rest[0] ?? "").toLowerCase();
    const name = rest[1];
    const sub = rest[2]?.toLowerCase();
    const subName = rest[3];
    const auth = (handler: Handler): Route => ({ type, versionError: "authorization", handler });
    const kind = scheduleKinds[type];
    if (kind) {
      if (method !== "GET" || rest.length > 2) return undefined;
      return auth((c) =>
        name === undefined ? listSchedules(c, kind, scopeRaw) : getSchedule(c, kind, scopeRaw, name),
      );
    }
    switch (type) {
      case "roleassignmentschedulerequests":
        if (name === undefined) return method === "GET" ? auth((c) => listRequests(c, scopeRaw)) : undefined;
        if (rest.length === 2 && method === "GET") return auth((c) => getRequest(c, scopeRaw, name));
        if (rest.length === 2 && method === "PUT") return auth((c) => putRequest(c, scopeRaw, name));
        if (rest.length === 3 && method === "POST" && sub === "validate")
          return auth((c) => validateRequest(c, scopeRaw, name));
        if (rest.length === 3 && method === "POST" && sub === "cancel")
          return auth((c) => cancelRequest(c, scopeRaw, name));
        return undefined;
      case "rolemanagementpolicies":
        if (method !== "GET" || rest.length > 2) return undefined;
        return auth((c) => (name === undefined ? listPolicies(c, scopeRaw) : getPolicy(c, scopeRaw, name)));
      case "rolemanagementpolicyassignments":
        if (method !== "GET" || rest.length > 2) return undefined;
        return auth((c) =>
          name === undefined ? listPolicyAssignments(c, scopeRaw) : getPolicyAssignment(c, scopeRaw, name),
        );
      case "roledefinitions":
        if (method !== "GET" || rest.length > 2) return undefined;
        return {
          type,
          versionError: "roleDefinitions",
          handler: (c) =>
            name === undefined ? listRoleDefinitions(c, scopeRaw) : getRoleDefinition(c, scopeRaw, name),
        };
      case "eligiblechildresources":
        if (method !== "GET" || rest.length > 1) return undefined;
        return auth((c) => listEligibleChildResources(c, scopeRaw));
      case "roleassignmentapprovals": {
        // Tenant-level approvals have no scope segment; `scopeRaw` is '' then.
        const scope = scopeRaw === "" ? undefined : scopeRaw;
        if (name === undefined) return method === "GET" ? auth((c) => listApprovals(c, scope)) : undefined;
        if (rest.length === 2 && method === "GET") return auth((c) => getApproval(c, scope, name));
        if (sub !== "stages") return undefined;
        if (rest.length === 3 && method === "GET") return auth((c) => listStages(c, scope, name));
        if (rest.length === 4 && subName !== undefined) {
          if (method === "GET") return auth((c) => getStage(c, scope, name, subName));
          if (method === "PUT" || method === "PATCH") return auth((c) => reviewStage(c, scope, name, subName));
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  if (method !== "GET") return undefined;
  const resources = (type: string, handler: Handler): Route => ({ type, versionError: "resources", handler });
  if (lower === "/tenants") return resources("tenants", listTenants);
  if (lseg[0] === "subscriptions") {
    const sub = seg[1];
    if (sub === undefined) return resources("subscriptions", listSubscriptions);
    if (seg.length === 2) return resources("subscriptions", (c) => getSubscription(c, sub));
    if (lseg[2] === "resourcegroups") {
      const rg = seg[3];
      if (rg === undefined) return resources("resourcegroups", (c) => listResourceGroups(c, sub));
      if (seg.length === 4) return resources("resourcegroups", (c) => getResourceGroup(c, sub, rg));
    }
    return undefined;
  }
  if (lower === managementGroupsPath) {
    return { type: "managementgroups", versionError: "management", handler: listManagementGroups };
  }
  if (lower.startsWith(`${managementGroupsPath}/`) && seg.length === 4) {
    const name = seg[3] ?? "";
    return { type: "managementgroups", versionError: "management", handler: (c) => getManagementGroup(c, name) };
  }
  return undefined;
}

const typeNames: Record<string, string> = {
  roleeligibilityscheduleinstances: "roleEligibilityScheduleInstances",
  roleassignmentscheduleinstances: "roleAssignmentScheduleInstances",
  roleeligibilityschedules: "roleEligibilitySchedules",
  roleassignmentschedules: "roleAssignmentSchedules",
  roleassignmentschedulerequests: "roleAssignmentScheduleRequests",
  eligiblechildresources: "eligibleChildResources",
  rolemanagementpolicies: "roleManagementPolicies",
  rolemanagementpolicyassignments: "roleManagementPolicyAssignments",
  roleassignmentapprovals: "roleAssignmentApprovals",
  roledefinitions: "roleDefinitions",
  managementgroups: "managementGroups",
};

function checkApiVersion(req: EmuRequest, r: Route): void {
  let version: string | null = null;
  for (const [k, v] of req.url.searchParams) if (k.toLowerCase() === "api-version") version = v;
  if (version === null || version === "") throw armErrors.missingApiVersion();
  const supported = armSupportedApiVersions[r.type] ?? [];
  if (supported.includes(version)) return;
  const name = typeNames[r.type] ?? r.type;
  switch (r.versionError) {
    case "authorization":
      throw armErrors.invalidResourceTypeVersion(name, "Microsoft.Authorization", version, supported);
    case "management":
      throw armErrors.invalidResourceTypeVersion(name, "Microsoft.Management", version, supported);
    case "roleDefinitions":
      throw armErrors.noRegisteredProvider(name, version, supported);
    case "resources":
      throw armErrors.invalidApiVersion(version, supported);
  }
}

function decodeSegments(path: string): string {
  return path
    .split("/")
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    })
    .join("/");
}

/**
 * ARM reports the remaining request budget per hour; the local tenant counts down from ARM's
 * published limits (12000 reads, 1200 writes per tenant) and refills every clock hour.
 */
function createBudget(ctx: EmulatorContext) {
  let hour = -1;
  let reads = 0;
  let writes = 0;
  return (method: string, path: string): Record<string, string> => {
    const now = Math.floor(ctx.clock.nowMs() / 3_600_000);
    if (now !== hour) {
      hour = now;
      reads = 0;
      writes = 0;
    }
    // Subscription-scoped calls also report the subscription's budget, as ARM does.
    const scopes = /^\/(providers\/microsoft\.subscription\/)?subscriptions\/[^/]+/i.test(path)
      ? ["tenant", "subscription"]
      : ["tenant"];
    const read = method === "GET" || method === "HEAD";
    if (read) reads += 1;
    else writes += 1;
    const remaining = String(read ? Math.max(0, 12000 - reads) : Math.max(0, 1200 - writes));
    return Object.fromEntries(
      scopes.map((s) => [`x-ms-ratelimit-remaining-${s}-${read ? "reads" : "writes"}`, remaining]),
    );
  };
}

function withHeaders(res: EmuResponse, headers: Record<string, string>): EmuResponse {
  return { ...res, headers: { ...headers, ...(res.headers ?? {}) } };
}

export function createArmSurface(ctx: EmulatorContext): Surface {
  const budget = createBudget(ctx);
  return async (req) => {
    if (req.path !== armPrefix && !req.path.startsWith(`${armPrefix}/`)) return undefined;
    const path = normalisePath(decodeSegments(req.path.slice(armPrefix.length)));
    const base: Record<string, string> = {
      "Cache-Control": "no-cache",
      Pragma: "no-cache",
      Expires: "-1",
      "x-ms-request-id": req.requestId,
      "x-ms-correlation-request-id": req.headers["x-ms-correlation-request-id"] || req.requestId,
      ...budget(req.method, path),
    };
    try {
      const r = route(req.method, path);
      if (!r) {
        const hasVersion = [...req.url.searchParams.keys()].some((k) => k.toLowerCase() === "api-version");
        if (!hasVersion) throw armErrors.missingApiVersion();
        throw armErrors.notImplemented(req.method, `${armPrefix}${path}`);
      }
      checkApiVersion(req, r);
      const claims = await authenticate(req, ctx);
      // Read once per request: the context's getter hands out the state of the moment (reset and
      // scenario loads replace it). A token for a guest tenant sees that tenant, not the home one.
      const state = ctx.state.forTenant(claims.tid);
      const call: ArmCall = {
        req,
        ctx,
        state,
        claims,
        user: state.user(claims.oid),
        query: req.url.searchParams,
        // Built from the path as received (still encoded), so nextLink repeats it faithfully.
        selfUrl: new URL(
          `${ctx.publicBase}${armPrefix}${normalisePath(req.path.slice(armPrefix.length))}${req.url.search}`,
        ),
      };
      return withHeaders(r.handler(call), base);
    } catch (error) {
      if (error instanceof ArmError) return withHeaders(json(error.status, error.body(), error.headers), base);
      throw error;
    }
  };
}
