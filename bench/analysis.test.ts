import type { RequestLogEntry } from "@pimkit/emulator";
import { describe, expect, it } from "vitest";
import { claimsChallenge, requirementsFromRules } from "./baselines/wire";
import type { EmulatorStateDump } from "./src/emulator-process";
import { countActivationWrites, countRequests, finalState, sequentialDepth } from "./src/log-analysis";
import { emulatorBusyMs, interactiveHandOffMs } from "./src/measure";

let seq = 0;
/** A log entry answered at `endMs` (ms after a fixed origin) after `durationMs` on the server. */
function entry(endMs: number, durationMs: number, over: Partial<RequestLogEntry> = {}): RequestLogEntry {
  seq += 1;
  return {
    seq,
    time: new Date(Date.UTC(2026, 0, 1) + endMs).toISOString(),
    requestId: `r${seq}`,
    surface: "graph",
    method: "GET",
    path: "/graph/v1.0/x",
    query: {},
    headers: {},
    status: 200,
    durationMs,
    ...over,
  };
}

describe("request log analysis", () => {
  it("sequential depth: a chain of dependent requests counts each, concurrent ones once", () => {
    const chain = [entry(40, 40), entry(81, 40), entry(122, 40)];
    const concurrent = [entry(163, 40), entry(164, 41), entry(165, 42)];
    expect(sequentialDepth([...chain, ...concurrent])).toBe(4);
    expect(sequentialDepth(concurrent)).toBe(1);
    // $batch items are not HTTP requests of their own.
    expect(sequentialDepth([entry(40, 40), entry(40, 1, { batch: { requestId: "r", itemId: "1" } })])).toBe(1);
  });

  it("counts HTTP requests per surface, $batch items, page follow-ups and throttling", () => {
    const c = countRequests([
      entry(1, 1, { surface: "entra", method: "POST", path: "/t/oauth2/v2.0/token" }),
      entry(2, 1, { method: "POST", path: "/graph/v1.0/$batch" }),
      entry(2, 1, { batch: { requestId: "b", itemId: "1" } }),
      entry(2, 1, { batch: { requestId: "b", itemId: "2" }, status: 429 }),
      entry(3, 1, { surface: "arm", path: "/arm/providers/x", query: { $skipToken: "abc" } }),
      entry(4, 1, { surface: "admin", path: "/_emulator/state" }),
    ]);
    expect(c).toEqual({
      total: 3,
      graph: 1,
      arm: 1,
      signIn: 1,
      batchItems: 2,
      paging: 1,
      resourceExcludingPaging: 1,
      throttled: 1,
    });
  });

  it("activation writes: accepted per role, duplicates, refusals, validation-only ignored", () => {
    const entraBody = { action: "selfActivate", roleDefinitionId: "R1", directoryScopeId: "/" };
    const armPath = "/arm/subscriptions/s1/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/";
    const armBody = {
      properties: {
        requestType: "SelfActivate",
        roleDefinitionId: "/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/GUID-A",
      },
    };
    const w = countActivationWrites([
      entry(1, 1, {
        method: "POST",
        path: "/graph/v1.0/roleManagement/directory/roleAssignmentScheduleRequests",
        body: entraBody,
        status: 201,
      }),
      entry(2, 1, {
        method: "POST",
        path: "/graph/v1.0/roleManagement/directory/roleAssignmentScheduleRequests",
        body: entraBody,
        status: 201,
      }),
      entry(3, 1, {
        method: "POST",
        path: "/graph/v1.0/roleManagement/directory/roleAssignmentScheduleRequests",
        body: { ...entraBody, isValidationOnly: true },
        status: 201,
      }),
      entry(4, 1, {
        method: "POST",
        path: "/graph/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests",
        body: { action: "selfActivate", groupId: "G", accessId: "owner" },
        status: 400,
      }),
      entry(5, 1, { surface: "arm", method: "PUT", path: `${armPath}n1`, body: armBody, status: 201 }),
      entry(6, 1, {
        surface: "arm",
        method: "PUT",
        path: `${armPath}n2`,
        body: { properties: { ...armBody.properties, requestType: "SelfDeactivate" } },
        status: 201,
      }),
    ]);
    expect(w).toEqual({
      accepted: 3,
      refused: 1,
      rolesWithDuplicates: 1,
      duplicateWrites: 1,
      rolesByPlane: { entra: 1, group: 0, azure: 1 },
    });
  });

  it("final state: every eligibility activated or pending, the rest named", () => {
    const oid = "u1";
    const dump: EmulatorStateDump = {
      eligibilities: [
        {
          id: "e1",
          principalId: oid,
          target: { plane: "directoryRole", roleDefinitionId: "R1", directoryScopeId: "/" },
        },
        { id: "e2", principalId: oid, target: { plane: "group", groupId: "G", accessId: "member" } },
        {
          id: "e3",
          principalId: oid,
          target: {
            plane: "azure",
            scope: "/subscriptions/S",
            roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/A",
          },
        },
        { id: "e4", principalId: oid, target: { plane: "azure", scope: "/subscriptions/T", roleDefinitionId: "A" } },
        { id: "e5", principalId: "someone-else", target: { plane: "group", groupId: "G", accessId: "owner" } },
      ],
      assignments: [
        {
          id: "a1",
          principalId: oid,
          target: { plane: "directoryRole", roleDefinitionId: "r1", directoryScopeId: "/" },
          assignmentType: "Activated",
          end: null,
        },
        {
          id: "a2",
          principalId: oid,
          target: { plane: "azure", scope: "/subscriptions/s", roleDefinitionId: "a" },
          assignmentType: "Activated",
          eligibilityId: "e3",
          end: null,
        },
      ],
      requests: [
        {
          id: "q1",
          action: "selfActivate",
          principalId: oid,
          target: { plane: "group", groupId: "G", accessId: "member" },
          status: "PendingApproval",
        },
      ],
    };
    expect(finalState(dump, oid)).toEqual({
      eligible: 4,
      activated: 2,
      pendingApproval: 1,
      untouched: 1,
      untouchedKeys: ["azure|/subscriptions/t|a"],
    });
  });

  it("emulator busy time is the union of request intervals", () => {
    expect(emulatorBusyMs([entry(40, 40), entry(50, 40), entry(200, 10)])).toBe(60);
  });

  it("browser hand-off: from the interaction_required answer to the authorize request", () => {
    const token400 = entry(100, 10, { surface: "entra", method: "POST", path: "/t/oauth2/v2.0/token", status: 400 });
    const authorize = entry(450, 50, { surface: "entra", path: "/t/oauth2/v2.0/authorize" });
    expect(interactiveHandOffMs([token400, authorize])).toBe(300);
    expect(interactiveHandOffMs([authorize])).toBe(0);
  });
});

describe("comparators' wire helpers", () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    status,
    headers: new Headers(headers),
    body,
  });
  const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';

  it("reads the three claims-challenge shapes", () => {
    const wrapped = JSON.stringify({
      errorCode: "RoleAssignmentRequestAcrsValidationFailed",
      message: `&claims=${encodeURIComponent(claims)}`,
    });
    expect(claimsChallenge(res(400, { error: { code: "UnknownError", message: wrapped } }))).toBe(claims);
    expect(
      claimsChallenge(
        res(400, {
          error: {
            code: "RoleAssignmentRequestAcrsValidationFailed",
            message: `Failed. &claims=${encodeURIComponent(claims)}`,
          },
        }),
      ),
    ).toBe(claims);
    const header = `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(claims).toString("base64")}"`;
    expect(claimsChallenge(res(401, {}, { "www-authenticate": header }))).toBe(claims);
    expect(
      claimsChallenge(
        res(400, {
          error: {
            code: "RoleAssignmentRequestPolicyValidationFailed",
            message: 'The following policy rules failed: ["ExpirationRule"]',
          },
        }),
      ),
    ).toBeUndefined();
  });

  it("reads end-user rules by id, not the admin rules of the same type", () => {
    const req = requirementsFromRules([
      { id: "Expiration_Admin_Assignment", maximumDuration: "P365D" },
      { id: "Expiration_EndUser_Assignment", maximumDuration: "PT30M" },
      { id: "Enablement_Admin_Assignment", enabledRules: ["Justification", "Ticketing"] },
      { id: "Enablement_EndUser_Assignment", enabledRules: ["MultiFactorAuthentication"] },
      { id: "AuthenticationContext_EndUser_Assignment", isEnabled: true, claimValue: "c1" },
      { id: "Approval_EndUser_Assignment", setting: { isApprovalRequired: true } },
    ]);
    expect(req).toEqual({
      maxDuration: "PT30M",
      justification: false,
      ticket: false,
      authContext: "c1",
      approval: true,
    });
  });
});
