/**
 * Hostile and malformed requests: every one gets a Graph error answer in the envelope (4xx, or
 * 501 for what is not served) and never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activation, envelopeKeys, expectedEnvelopeKeys, roles, startTenant, type Tenant } from "./helpers";

let t: Tenant;
let token: string;
beforeAll(async () => {
  t = await startTenant();
  token = await t.token(t.admin.upn);
});
afterAll(() => t.close());

const paths = [
  "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal'",
  "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on=)",
  "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser()",
  "/roleManagement/directory/roleEligibilityScheduleInstances('')",
  "/roleManagement/directory/roleEligibilityScheduleInstances/%E0%A4%A",
  "/roleManagement/directory/roleEligibilityScheduleInstances?$filter=%27",
  "/roleManagement/directory/roleEligibilityScheduleInstances?$filter=((((principalId eq 'x'",
  "/roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId eq 'x' and and",
  "/roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId in ()",
  "/roleManagement/directory/roleEligibilityScheduleInstances?$expand=roleDefinition((",
  "/roleManagement/directory/roleEligibilityScheduleInstances?$expand=roleDefinition($expand=x)",
  "/roleManagement/directory/roleEligibilityScheduleInstances?$select=",
  "/roleManagement/directory/roleEligibilityScheduleInstances?$top=-1",
  "/roleManagement/directory/roleEligibilityScheduleInstances?$skiptoken=eyJvIjotMX0",
  "/policies/roleManagementPolicies/Group_not-a-guid_x",
  "/policies/roleManagementPolicyAssignments/%00",
  "/users/%2e%2e%2f%2e%2e",
  "/identity/conditionalAccess/authenticationContextClassReferences/c1'",
  "/$batch",
  "/",
  "",
];

describe("never a 500", () => {
  it.each(paths)("GET %j", async (path) => {
    const res = await t.get(token, path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status === 501 || res.status < 500).toBe(true);
    expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
  });

  it("answers a filter value that names nothing with an empty collection", async () => {
    const res = await t.get(
      token,
      "/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '<script>alert(1)</script>'",
    );
    expect(res.status).toBe(200);
    expect(res.body.value).toEqual([]);
  });

  const bodies: Array<[string, unknown]> = [
    ["null", null],
    ["a number", 42],
    [
      "a huge justification",
      activation(t?.admin?.oid ?? "x", roles.globalReader, { justification: "x".repeat(100_000) }),
    ],
    ["nested garbage", { action: { $gt: "" }, principalId: ["a"], scheduleInfo: "soon" }],
    ["a ticketInfo array", { action: "selfActivate", ticketInfo: [] }],
    [
      "a non-GUID principal",
      { action: "selfActivate", principalId: "../../etc", roleDefinitionId: "x", directoryScopeId: "/" },
    ],
    ["prototype keys", JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}')],
  ];

  it.each(bodies.map(([name]) => name))("POST a request body with %s", async (name) => {
    const body = bodies.find(([n]) => n === name)?.[1];
    const res = await t.call(token, "POST", "/roleManagement/directory/roleAssignmentScheduleRequests", {
      rawBody: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["not JSON", "requests"],
    ["requests not an array", JSON.stringify({ requests: {} })],
    ["an item that is a string", JSON.stringify({ requests: ["x"] })],
    ["an absolute item URL", JSON.stringify({ requests: [{ id: "1", method: "GET", url: "https://example.com/me" }] })],
    [
      "a nested batch",
      JSON.stringify({
        requests: [
          {
            id: "1",
            method: "POST",
            url: "/$batch",
            headers: { "content-type": "application/json" },
            body: { requests: [] },
          },
        ],
      }),
    ],
    [
      "a bad percent-encoding in an item URL",
      JSON.stringify({ requests: [{ id: "1", method: "GET", url: "/users/%E0%A4%A" }] }),
    ],
    [
      "headers that are not an object",
      JSON.stringify({ requests: [{ id: "1", method: "GET", url: "/me", headers: "x" }] }),
    ],
  ])("$batch with %s", async (_name, raw) => {
    const res = await t.call(token, "POST", "/$batch", {
      rawBody: raw,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBeLessThan(500);
    for (const item of res.body.responses ?? []) expect(item.status === 501 || item.status < 500).toBe(true);
  });
});
