/**
 * roleAssignmentScheduleRequests: every enforcement outcome with ARM's status, code and (where a
 * live recording exists) exact message; the recorded 201 shape; body binding; validate, cancel,
 * name conflicts and the authentication-context challenge in both transports.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ArmHarness, admin, armHarness, limited, roles } from "./helpers";

const v = "api-version=2020-10-01";
const auth = "/providers/Microsoft.Authorization";
const mg = "/providers/Microsoft.Management/managementGroups/contoso-platform";

interface CloudError {
  error: { code: string; message: string };
}
interface RequestBody {
  id: string;
  name: string;
  type: string;
  properties: Record<string, unknown> & { status: string };
}

function activation(principalId: string, roleDefinitionId: string, extra: Record<string, unknown> = {}) {
  return {
    properties: {
      principalId,
      roleDefinitionId,
      requestType: "SelfActivate",
      scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT1H" } },
      ...extra,
    },
  };
}

describe("SelfActivate", () => {
  let h: ArmHarness;
  let prod: string;
  let contributorId: string;
  beforeAll(async () => {
    h = await armHarness();
    prod = `/subscriptions/${h.subscriptionId("Contoso Production")}`;
    contributorId = `${prod}${auth}/roleDefinitions/${roles.contributor}`;
  });
  afterAll(() => h.close());

  const put = (scope: string, body: unknown, o: { as?: string; token?: string; name?: string } = {}) =>
    h.call("PUT", `${scope}${auth}/roleAssignmentScheduleRequests/${o.name ?? crypto.randomUUID()}?${v}`, {
      body,
      ...(o.as ? { as: o.as } : {}),
      ...(o.token ? { token: o.token } : {}),
    });

  it("names every failed policy rule with the recorded message format", async () => {
    const res = await put(prod, activation(h.oid(admin), contributorId));
    expect(res.status).toBe(400);
    expect(await h.json<CloudError>(res)).toEqual({
      error: {
        code: "RoleAssignmentRequestPolicyValidationFailed",
        message:
          "The following policy rules failed: JustificationRule - Justification is required, TicketingRule - Ticket information is required",
      },
    });
  });

  it("refuses a duration over the policy's maximum (ExpirationRule)", async () => {
    const res = await put(
      prod,
      activation(h.oid(admin), contributorId, {
        justification: "x",
        ticketInfo: { ticketNumber: "1", ticketSystem: "s" },
        scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT5H" } },
      }),
    );
    expect(res.status).toBe(400);
    const body = await h.json<CloudError>(res);
    expect(body.error.code).toBe("RoleAssignmentRequestPolicyValidationFailed");
    expect(body.error.message).toMatch(/^The following policy rules failed: ExpirationRule - /);
  });

  it("refuses an MFA-requiring role to a token without mfa (MfaRule)", async () => {
    const kv = `${prod}/resourceGroups/rg-data-prod/providers/Microsoft.KeyVault/vaults/kv-contoso-prod`;
    const res = await put(
      kv,
      activation(h.oid(admin), `${prod}${auth}/roleDefinitions/${roles.keyVaultAdministrator}`),
      {
        token: await h.token(admin, { mfa: false }),
      },
    );
    expect(res.status).toBe(400);
    expect((await h.json<CloudError>(res)).error.message).toBe(
      "The following policy rules failed: MfaRule - Multi-factor authentication is required",
    );
  });

  it("accepts a complete request with 201 in the recorded shape", async () => {
    const name = crypto.randomUUID();
    const res = await put(
      prod,
      activation(h.oid(admin), contributorId, {
        justification: "Deploy the hotfix",
        ticketInfo: { ticketNumber: "CHG-9", ticketSystem: "ServiceNow" },
      }),
      { name },
    );
    expect(res.status).toBe(201);
    const body = await h.json<RequestBody>(res);
    expect(Object.keys(body)).toEqual(["properties", "name", "id", "type"]);
    expect(body).toMatchObject({
      name,
      id: `${prod}${auth}/roleAssignmentScheduleRequests/${name}`,
      type: "Microsoft.Authorization/roleAssignmentScheduleRequests",
    });
    expect(body.properties).toMatchObject({
      targetRoleAssignmentScheduleId: `${prod}${auth}/roleAssignmentSchedules/${name}`,
      scope: prod,
      roleDefinitionId: contributorId,
      principalId: h.oid(admin),
      principalType: "User",
      requestType: "SelfActivate",
      status: "Provisioned",
      scheduleInfo: {
        startDateTime: "2026-03-02T08:00:00.0000000+00:00",
        expiration: { type: "AfterDuration", duration: "PT1H" },
      },
      ticketInfo: { ticketNumber: "CHG-9", ticketSystem: "ServiceNow" },
      justification: "Deploy the hotfix",
      requestorId: h.oid(admin),
      createdOn: "2026-03-02T08:00:00.0000000Z",
      expandedProperties: {
        principal: { id: h.oid(admin), type: "User", userPrincipalName: admin },
        roleDefinition: { id: contributorId, displayName: "Contributor", type: "BuiltInRole" },
        scope: { id: prod, displayName: "Contoso Production", type: "subscription" },
      },
    });
    expect(body.properties).not.toHaveProperty("approvalId");

    const again = await put(
      prod,
      activation(h.oid(admin), contributorId, {
        justification: "again",
        ticketInfo: { ticketNumber: "1", ticketSystem: "s" },
      }),
    );
    expect(again.status).toBe(400);
    expect(await h.json<CloudError>(again)).toEqual({
      error: { code: "RoleAssignmentExists", message: "The Role assignment already exists." },
    });
  });

  it("binds body keys case-insensitively, ignores unknown keys and answers empty ticketInfo as {}", async () => {
    // The shape az-pim-cli sends: PascalCase keys and an extra flag ARM does not know.
    const res = await put(mg, {
      Properties: {
        PrincipalId: h.oid(admin),
        RoleDefinitionId: `${auth}/roleDefinitions/${roles.reader}`,
        RequestType: "selfactivate",
        Justification: "look around",
        IsActivativation: true,
        ScheduleInfo: { StartDateTime: null, Expiration: { Type: "AfterDuration", Duration: "PT30M" } },
      },
    });
    expect(res.status).toBe(201);
    const body = await h.json<RequestBody>(res);
    expect(body.properties.requestType).toBe("SelfActivate");
    expect(body.properties.ticketInfo).toEqual({});
    expect(body.properties.roleDefinitionId).toBe(`${auth}/roleDefinitions/${roles.reader}`);
  });

  it("refuses a principal without an eligibility with 403 AuthorizationFailed", async () => {
    const name = crypto.randomUUID();
    const res = await put(
      prod,
      activation(h.oid(limited), contributorId, {
        justification: "x",
        ticketInfo: { ticketNumber: "1", ticketSystem: "s" },
      }),
      { as: limited, name },
    );
    expect(res.status).toBe(403);
    expect(await h.json<CloudError>(res)).toEqual({
      error: {
        code: "AuthorizationFailed",
        message: `The client '${limited}' with object id '${h.oid(limited)}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignmentScheduleRequests/write' over scope '${prod}${auth}/roleAssignmentScheduleRequests/${name}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      },
    });
  });

  it("refuses a self request made for someone else, and admin request types, with 403", async () => {
    const forOther = await put(mg, activation(h.oid(limited), `${auth}/roleDefinitions/${roles.reader}`));
    expect(forOther.status).toBe(403);
    const adminAssign = await put(mg, {
      properties: {
        principalId: h.oid(admin),
        roleDefinitionId: `${auth}/roleDefinitions/${roles.reader}`,
        requestType: "AdminAssign",
      },
    });
    expect(adminAssign.status).toBe(403);
    expect((await h.json<CloudError>(adminAssign)).error.message).toContain(
      "Microsoft.Authorization/roleAssignments/write",
    );
  });
});

describe("request validation", () => {
  let h: ArmHarness;
  beforeAll(async () => {
    h = await armHarness();
  });
  afterAll(() => h.close());

  const reader = () => activation(h.oid(admin), `${auth}/roleDefinitions/${roles.reader}`);
  const code = async (res: Response) => (await h.json<CloudError>(res)).error.code;

  it("requires the request name to be a GUID", async () => {
    const res = await h.call("PUT", `${mg}${auth}/roleAssignmentScheduleRequests/activate-me?${v}`, { body: reader() });
    expect(res.status).toBe(400);
    expect((await h.json<CloudError>(res)).error.message).toContain("'activate-me'");
  });

  it("refuses unparseable JSON and a body without properties or required fields", async () => {
    const url = () => `${mg}${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}?${v}`;
    const bad = await h.call("PUT", url(), { raw: "{not json" });
    expect(bad.status).toBe(400);
    expect(await code(bad)).toBe("InvalidRequestContent");
    const empty = await h.call("PUT", url(), { body: {} });
    expect(empty.status).toBe(400);
    expect((await h.json<CloudError>(empty)).error.message).toContain("Required property 'properties' not found");
    const noType = await h.call("PUT", url(), {
      body: { properties: { principalId: h.oid(admin), roleDefinitionId: `${auth}/roleDefinitions/${roles.reader}` } },
    });
    expect(noType.status).toBe(400);
    expect((await h.json<CloudError>(noType)).error.message).toContain("'requestType'");
    const badType = await h.call("PUT", url(), {
      body: { properties: { ...reader().properties, requestType: "SelfElevate" } },
    });
    expect(badType.status).toBe(400);
    expect(await code(badType)).toBe("InvalidRequestContent");
  });

  it("refuses an unknown role definition and a malformed duration", async () => {
    const unknownRole = await h.call("PUT", `${mg}${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}?${v}`, {
      body: activation(h.oid(admin), `${auth}/roleDefinitions/00000000-0000-0000-0000-000000000001`),
    });
    expect(unknownRole.status).toBe(400);
    expect(await code(unknownRole)).toBe("RoleDefinitionDoesNotExist");
    const badDuration = await h.call("PUT", `${mg}${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}?${v}`, {
      body: {
        properties: {
          ...reader().properties,
          scheduleInfo: { expiration: { type: "AfterDuration", duration: "1 hour" } },
        },
      },
    });
    expect(badDuration.status).toBe(400);
    expect(await code(badDuration)).toBe("BadRequest");
  });

  it("validate answers 200 with the outcome and stores nothing", async () => {
    const name = crypto.randomUUID();
    const res = await h.call("POST", `${mg}${auth}/roleAssignmentScheduleRequests/${name}/validate?${v}`, {
      body: reader(),
    });
    expect(res.status).toBe(200);
    expect((await h.json<RequestBody>(res)).properties.status).toBe("Provisioned");
    expect((await h.call("GET", `${mg}${auth}/roleAssignmentScheduleRequests/${name}?${v}`)).status).toBe(404);
    const active = await h.call("GET", `${auth}/roleAssignmentScheduleInstances?${v}&$filter=asTarget()`);
    expect((await h.json<{ value: unknown[] }>(active)).value).toEqual([]);
    // The validated name is still free.
    expect(
      (await h.call("PUT", `${mg}${auth}/roleAssignmentScheduleRequests/${name}?${v}`, { body: reader() })).status,
    ).toBe(201);
  });

  it("validate reports the same refusals as PUT", async () => {
    const prod = `/subscriptions/${h.subscriptionId("Contoso Production")}`;
    const res = await h.call(
      "POST",
      `${prod}${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}/validate?${v}`,
      {
        body: activation(h.oid(admin), `${prod}${auth}/roleDefinitions/${roles.contributor}`),
      },
    );
    expect(res.status).toBe(400);
    expect(await code(res)).toBe("RoleAssignmentRequestPolicyValidationFailed");
  });

  it("answers a reused request name with 409 RoleAssignmentRequestExists, even after the role ended", async () => {
    const name = crypto.randomUUID();
    const dev = `/subscriptions/${h.subscriptionId("Contoso Development")}`;
    const body = activation(h.oid(limited), `${dev}${auth}/roleDefinitions/${roles.reader}`, {
      justification: "review",
    });
    const first = await h.call("PUT", `${dev}${auth}/roleAssignmentScheduleRequests/${name}?${v}`, {
      body,
      as: limited,
    });
    expect(first.status).toBe(201);
    const second = await h.call("PUT", `${dev}${auth}/roleAssignmentScheduleRequests/${name}?${v}`, {
      body,
      as: limited,
    });
    expect(second.status).toBe(409);
    expect(await h.json<CloudError>(second)).toEqual({
      error: {
        code: "RoleAssignmentRequestExists",
        message: `A role assignment request with Id: ${name} already exists.`,
      },
    });
  });
});

describe("SelfDeactivate", () => {
  let h: ArmHarness;
  beforeAll(async () => {
    h = await armHarness();
  });
  afterAll(() => h.close());

  const body = (requestType: string) => ({
    properties: { principalId: h.oid(admin), roleDefinitionId: `${auth}/roleDefinitions/${roles.reader}`, requestType },
  });

  it("refuses within five minutes of activation, then revokes (recorded shape without scheduleInfo)", async () => {
    const act = await h.call("PUT", `${mg}${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}?${v}`, {
      body: activation(h.oid(admin), `${auth}/roleDefinitions/${roles.reader}`),
    });
    expect(act.status).toBe(201);
    const early = await h.call("PUT", `${mg}${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}?${v}`, {
      body: body("SelfDeactivate"),
    });
    expect(early.status).toBe(400);
    expect(await h.json<CloudError>(early)).toEqual({
      error: {
        code: "ActiveDurationTooShort",
        message: "The Active duration is too short. Miniumum Required is 5 minutes.",
      },
    });

    h.emu.admin.clock.advance(6 * 60);
    const name = crypto.randomUUID();
    const off = await h.call("PUT", `${mg}${auth}/roleAssignmentScheduleRequests/${name}?${v}`, {
      body: body("SelfDeactivate"),
    });
    expect(off.status).toBe(201);
    const revoked = await h.json<RequestBody>(off);
    expect(revoked.properties).toMatchObject({
      requestType: "SelfDeactivate",
      status: "Revoked",
      ticketInfo: {},
      scope: mg,
    });
    expect(revoked.properties).not.toHaveProperty("scheduleInfo");
    expect(revoked.properties).not.toHaveProperty("targetRoleAssignmentScheduleId");

    const again = await h.call("PUT", `${mg}${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}?${v}`, {
      body: body("SelfDeactivate"),
    });
    expect(again.status).toBe(400);
    expect(await h.json<CloudError>(again)).toEqual({
      error: { code: "RoleAssignmentDoesNotExist", message: "The Role assignment does not exist." },
    });
  });
});

describe("authentication context step-up", () => {
  let h: ArmHarness;
  let rg: string;
  let ownerId: string;
  beforeAll(async () => {
    h = await armHarness();
    const prod = `/subscriptions/${h.subscriptionId("Contoso Production")}`;
    rg = `${prod}/resourceGroups/rg-web-prod`;
    ownerId = `${prod}${auth}/roleDefinitions/${roles.owner}`;
  });
  afterAll(() => h.close());

  const owner = (token?: string) =>
    h.call("PUT", `${rg}${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}?${v}`, {
      body: activation(h.oid(admin), ownerId, { justification: "Rotate the TLS certificate" }),
      ...(token ? { token } : {}),
    });

  it("answers 400 RoleAssignmentRequestAcrsValidationFailed whose message carries the URL-encoded claims", async () => {
    const res = await owner(await h.token(admin, { mfa: false }));
    expect(res.status).toBe(400);
    const body = await h.json<CloudError>(res);
    expect(body.error.code).toBe("RoleAssignmentRequestAcrsValidationFailed");
    const encoded = /&claims=([^&\s"]+)/.exec(body.error.message)?.[1];
    if (!encoded) throw new Error("no claims in the message");
    expect(encoded).toContain("%2C%20");
    const claims = JSON.parse(decodeURIComponent(encoded)) as unknown;
    expect(claims).toEqual({ access_token: { acrs: { essential: true, value: "c1" } } });
    expect(res.headers.get("www-authenticate")).toBeNull();
  });

  it("accepts the identical request once the token carries the context", async () => {
    const res = await owner(await h.token(admin, { mfa: false, acrs: ["c1"] }));
    expect(res.status).toBe(201);
  });

  it("answers 401 with a base64 claims challenge when the tenant is set to challenge in WWW-Authenticate", async () => {
    const other = await armHarness({ settings: { acrsChallenge: "www-authenticate" } });
    try {
      const prod = `/subscriptions/${other.subscriptionId("Contoso Production")}`;
      const res = await other.call(
        "PUT",
        `${prod}/resourceGroups/rg-web-prod${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}?${v}`,
        {
          body: activation(other.oid(admin), `${prod}${auth}/roleDefinitions/${roles.owner}`, { justification: "x" }),
        },
      );
      expect(res.status).toBe(401);
      expect((await other.json<CloudError>(res)).error.code).toBe("RoleAssignmentRequestAcrsValidationFailed");
      const header = res.headers.get("www-authenticate") ?? "";
      expect(header).toMatch(
        /^Bearer authorization_uri="https:\/\/login\.windows\.net\/", error="invalid_token", error_description="[^"]+", claims="[A-Za-z0-9+/=]+"$/,
      );
      const b64 = /claims="([^"]+)"/.exec(header)?.[1] ?? "";
      expect(JSON.parse(Buffer.from(b64, "base64").toString("utf8"))).toEqual({
        access_token: { acrs: { essential: true, value: "c1" } },
      });
    } finally {
      await other.close();
    }
  });
});

describe("reading, listing and cancelling requests", () => {
  let h: ArmHarness;
  let dev: string;
  let readerId: string;
  beforeAll(async () => {
    h = await armHarness();
    dev = `/subscriptions/${h.subscriptionId("Contoso Development")}`;
    readerId = `${dev}${auth}/roleDefinitions/${roles.reader}`;
  });
  afterAll(() => h.close());

  it("schedules a future activation as Granted, cancels it (200, empty), and refuses a second cancel", async () => {
    const name = crypto.randomUUID();
    const put = await h.call("PUT", `${dev}${auth}/roleAssignmentScheduleRequests/${name}?${v}`, {
      as: limited,
      body: activation(h.oid(limited), readerId, {
        justification: "Tomorrow's audit",
        scheduleInfo: {
          startDateTime: "2026-03-03T08:00:00Z",
          expiration: { type: "AfterDuration", duration: "PT2H" },
        },
      }),
    });
    expect(put.status).toBe(201);
    const granted = await h.json<RequestBody>(put);
    expect(granted.properties.status).toBe("Granted");
    expect(granted.properties.scheduleInfo).toEqual({
      startDateTime: "2026-03-03T08:00:00.0000000+00:00",
      expiration: { type: "AfterDuration", duration: "PT2H" },
    });

    const cancel = await h.call("POST", `${dev}${auth}/roleAssignmentScheduleRequests/${name}/cancel?${v}`, {
      as: limited,
    });
    expect(cancel.status).toBe(200);
    expect(await cancel.text()).toBe("");
    const after = await h.call("GET", `${dev}${auth}/roleAssignmentScheduleRequests/${name}?${v}`, { as: limited });
    expect((await h.json<RequestBody>(after)).properties.status).toBe("Canceled");
    const again = await h.call("POST", `${dev}${auth}/roleAssignmentScheduleRequests/${name}/cancel?${v}`, {
      as: limited,
    });
    expect(again.status).toBe(400);
    expect(await h.json<CloudError>(again)).toEqual({
      error: { code: "RequestCannotBeCancelled", message: "Request is not in cancellable state." },
    });
  });

  it("keeps requests to their owner: another user gets 403, and cancelling a missing one 404", async () => {
    const name = crypto.randomUUID();
    await h.call("PUT", `${dev}${auth}/roleAssignmentScheduleRequests/${name}?${v}`, {
      as: limited,
      body: activation(h.oid(limited), readerId, {
        justification: "later",
        scheduleInfo: {
          startDateTime: "2026-03-04T08:00:00Z",
          expiration: { type: "AfterDuration", duration: "PT1H" },
        },
      }),
    });
    const peek = await h.call("GET", `${dev}${auth}/roleAssignmentScheduleRequests/${name}?${v}`, { as: admin });
    expect(peek.status).toBe(403);
    const cancel = await h.call("POST", `${dev}${auth}/roleAssignmentScheduleRequests/${name}/cancel?${v}`, {
      as: admin,
    });
    expect(cancel.status).toBe(403);
    const missing = await h.call(
      "POST",
      `${dev}${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}/cancel?${v}`,
    );
    expect(missing.status).toBe(404);
  });

  it("lists with asTarget(), asRequestor(), principalId eq; refuses an unfiltered list to a caller without read access", async () => {
    const names = async (filter: string, as = limited) => {
      const res = await h.call(
        "GET",
        `${dev}${auth}/roleAssignmentScheduleRequests?${v}&$filter=${encodeURIComponent(filter)}`,
        { as },
      );
      expect(res.status, filter).toBe(200);
      return (await h.json<{ value: RequestBody[] }>(res)).value.map((r) => r.name).sort();
    };
    const mine = await names("asTarget()");
    expect(mine.length).toBe(2);
    expect(await names("asRequestor()")).toEqual(mine);
    expect(await names(`principalId eq '${h.oid(limited)}'`)).toEqual(mine);
    expect(await names("asTarget()", admin)).toEqual([]);
    const atRoot = await h.call("GET", `${auth}/roleAssignmentScheduleRequests?${v}&$filter=asTarget()`, {
      as: limited,
    });
    expect((await h.json<{ value: unknown[] }>(atRoot)).value.length).toBe(2);
    const unfiltered = await h.call("GET", `${dev}${auth}/roleAssignmentScheduleRequests?${v}`, { as: limited });
    expect(unfiltered.status).toBe(400);
    expect((await h.json<CloudError>(unfiltered)).error.code).toBe("InsufficientPermissions");
  });
});
