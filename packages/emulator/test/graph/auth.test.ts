import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelopeKeys, expectedEnvelopeKeys, graphAudience, startTenant, type Tenant } from "./helpers";

let t: Tenant;
beforeAll(async () => {
  t = await startTenant();
});
afterAll(() => t.close());

const path = "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')";

describe("bearer token checks", () => {
  it("answers 401 InvalidAuthenticationToken with the Graph challenge when no token is sent", async () => {
    const res = await t.get(undefined, path);
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe("InvalidAuthenticationToken");
    expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
    expect(res.headers.get("www-authenticate")).toMatch(
      /^Bearer realm="", authorization_uri="https:\/\/login\.microsoftonline\.com\/common\/oauth2\/authorize", client_id="00000003-0000-0000-c000-000000000000"$/,
    );
  });

  it.each([
    ["a token that is not a JWT", async () => "not-a-jwt"],
    [
      "an expired token",
      async () =>
        t.emu.issueAccessToken({
          upn: t.admin.upn,
          audience: graphAudience,
          scopes: ["RoleEligibilitySchedule.Read.Directory"],
          expiresInSeconds: -600,
        }),
    ],
    [
      "a token signed with another key",
      async () =>
        t.emu.issueAccessToken({
          upn: t.admin.upn,
          audience: graphAudience,
          scopes: ["RoleEligibilitySchedule.Read.Directory"],
          forge: true,
        }),
    ],
    [
      "a token for Azure Resource Manager",
      async () =>
        t.emu.issueAccessToken({
          upn: t.admin.upn,
          audience: "https://management.azure.com",
          scopes: ["user_impersonation"],
        }),
    ],
  ])("answers 401 InvalidAuthenticationToken for %s", async (_name, make) => {
    const res = await t.get(await make(), path);
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe("InvalidAuthenticationToken");
    expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
  });

  it("gives each token failure its own message", async () => {
    const messages = new Set<string>();
    for (const token of [
      undefined,
      "not-a-jwt",
      await t.emu.issueAccessToken({ upn: t.admin.upn, audience: graphAudience, scopes: [], expiresInSeconds: -600 }),
      await t.emu.issueAccessToken({ upn: t.admin.upn, audience: graphAudience, scopes: [], forge: true }),
      await t.emu.issueAccessToken({ upn: t.admin.upn, audience: "https://management.azure.com", scopes: [] }),
    ]) {
      messages.add(String((await t.get(token, path)).body.error?.message));
    }
    expect(messages.size).toBe(5);
  });

  it("echoes client-request-id and sends request-id", async () => {
    const res = await t.call(undefined, "GET", path, {
      headers: { "client-request-id": "0f0f0f0f-1111-2222-3333-444444444444" },
    });
    expect(res.headers.get("client-request-id")).toBe("0f0f0f0f-1111-2222-3333-444444444444");
    expect(res.body.error?.innerError?.["client-request-id"]).toBe("0f0f0f0f-1111-2222-3333-444444444444");
    expect(res.headers.get("request-id")).toBe(res.body.error?.innerError?.["request-id"]);
  });
});

describe("delegated scopes", () => {
  it("answers a PIM read without its scope with 403 UnknownError wrapping PermissionScopeNotGranted", async () => {
    const token = await t.token(t.admin.upn, { scopes: ["User.Read"] });
    const res = await t.get(token, path);
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe("UnknownError");
    const inner = JSON.parse(String(res.body.error?.message));
    expect(inner.errorCode).toBe("PermissionScopeNotGranted");
    expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
  });

  it("accepts the least privileged scope and the higher ones", async () => {
    for (const scope of [
      "RoleEligibilitySchedule.Read.Directory",
      "RoleManagement.Read.Directory",
      "RoleManagement.ReadWrite.Directory",
    ]) {
      const res = await t.get(await t.token(t.admin.upn, { scopes: [scope] }), path);
      expect(res.status, scope).toBe(200);
    }
  });

  it("needs the ReadWrite scope to read requests (Read alone is refused as the service does)", async () => {
    const read = await t.token(t.admin.upn, { scopes: ["RoleAssignmentSchedule.Read.Directory"] });
    const res = await t.get(
      read,
      "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')",
    );
    expect(res.status).toBe(403);
    const write = await t.token(t.admin.upn, { scopes: ["RoleAssignmentSchedule.ReadWrite.Directory"] });
    expect(
      (
        await t.get(
          write,
          "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')",
        )
      ).status,
    ).toBe(200);
  });

  it("keeps the directory-role and group scope families apart", async () => {
    const directoryOnly = await t.token(t.admin.upn, { scopes: ["RoleEligibilitySchedule.Read.Directory"] });
    const res = await t.get(
      directoryOnly,
      "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances/filterByCurrentUser(on='principal')",
    );
    expect(res.status).toBe(403);
  });

  it("answers Conditional Access reads without scope with 403 AccessDenied", async () => {
    const token = await t.token(t.admin.upn, { scopes: ["User.Read"] });
    const res = await t.get(token, "/identity/conditionalAccess/authenticationContextClassReferences");
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe("AccessDenied");
  });

  it("answers directory-object reads without scope with 403 Authorization_RequestDenied", async () => {
    const token = await t.token(t.admin.upn, { scopes: ["User.Read"] });
    const res = await t.get(token, "/administrativeUnits");
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe("Authorization_RequestDenied");
  });

  it("refuses to create a request without a write scope", async () => {
    const token = await t.token(t.admin.upn, { scopes: ["RoleAssignmentSchedule.Read.Directory"] });
    const res = await t.post(token, "/roleManagement/directory/roleAssignmentScheduleRequests", {});
    expect(res.status).toBe(403);
    expect(JSON.parse(String(res.body.error?.message)).errorCode).toBe("PermissionScopeNotGranted");
  });
});

describe("routes", () => {
  it("answers 501 NotImplemented naming an unknown route", async () => {
    const token = await t.token(t.admin.upn);
    const res = await t.get(token, "/me/planner/tasks");
    expect(res.status).toBe(501);
    expect(res.body.error?.code).toBe("NotImplemented");
    expect(res.body.error?.message).toContain("/v1.0/me/planner/tasks");
  });

  it("answers 501 for a method a known route does not serve", async () => {
    const token = await t.token(t.admin.upn);
    const res = await t.call(
      token,
      "DELETE",
      "/roleManagement/directory/roleAssignmentScheduleRequests/00000000-0000-0000-0000-000000000000",
    );
    expect(res.status).toBe(501);
  });

  it("serves directory-role approvals only in beta, where the API exists", async () => {
    const token = await t.token(t.admin.upn);
    const v1 = await t.get(
      token,
      "/roleManagement/directory/roleAssignmentApprovals/00000000-0000-0000-0000-000000000000",
    );
    expect(v1.status).toBe(501);
    const beta = await t.call(
      token,
      "GET",
      "/roleManagement/directory/roleAssignmentApprovals/00000000-0000-0000-0000-000000000000",
      { version: "beta" },
    );
    expect(beta.status).toBe(404);
  });

  it("refuses an unknown API version", async () => {
    const token = await t.token(t.admin.upn);
    const res = await t.emu.fetch(`${t.emu.url}/graph/v2.0/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
  });

  it("matches path segments case-insensitively, as Graph does", async () => {
    const token = await t.token(t.admin.upn);
    const res = await t.get(
      token,
      `/IdentityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=principalId eq '${t.admin.oid}'`,
    );
    expect(res.status).toBe(200);
  });
});
