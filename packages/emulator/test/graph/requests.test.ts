import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  activation,
  allPages,
  claimsOfWrappedChallenge,
  envelopeKeys,
  expectedEnvelopeKeys,
  roles,
  startTenant,
  type Tenant,
} from "./helpers";

let t: Tenant;
let token: string;
beforeAll(async () => {
  t = await startTenant();
});
beforeEach(async () => {
  t.emu.admin.reset();
  t.emu.admin.settings({ pageSize: 3 });
  token = await t.token(t.admin.upn);
});
afterAll(() => t.close());

const requests = "/roleManagement/directory/roleAssignmentScheduleRequests";
const sevenDigits = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

async function expectPolicyFailure(body: Record<string, unknown>, rule: string, tok = token) {
  const res = await t.post(tok, requests, body);
  expect(res.status).toBe(400);
  expect(res.body.error?.code).toBe("RoleAssignmentRequestPolicyValidationFailed");
  expect(res.body.error?.message).toMatch(/^The following policy rules failed: /);
  expect(res.body.error?.message).toContain(rule);
  expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
}

describe("activation", () => {
  it("activates: 201 with the full entity, camelCase expiration type and PascalCase status", async () => {
    const res = await t.post(token, requests, activation(t.admin.oid, roles.globalReader));
    expect(res.status).toBe(201);
    expect(res.body["@odata.context"]).toBe(
      `${t.emu.url}/graph/v1.0/$metadata#roleManagement/directory/roleAssignmentScheduleRequests/$entity`,
    );
    expect(res.body).toMatchObject({
      status: "Provisioned",
      action: "selfActivate",
      principalId: t.admin.oid,
      roleDefinitionId: roles.globalReader,
      directoryScopeId: "/",
      appScopeId: null,
      isValidationOnly: false,
      approvalId: null,
      customData: null,
      justification: "INC-4711 break-fix",
      createdBy: { application: null, device: null, user: { displayName: null, id: t.admin.oid } },
      scheduleInfo: { recurrence: null, expiration: { type: "afterDuration", duration: "PT1H", endDateTime: null } },
      ticketInfo: { ticketNumber: null, ticketSystem: null },
    });
    expect(res.body.targetScheduleId).toBe(res.body.id);
    expect(String(res.body.id)).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(res.body.createdDateTime)).toMatch(sevenDigits);
    expect(String((res.body.scheduleInfo as { startDateTime: string }).startDateTime)).toMatch(sevenDigits);

    const active = await t.get(
      token,
      `/roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '${t.admin.oid}' and roleDefinitionId eq '${roles.globalReader}'`,
    );
    expect(active.body.value).toHaveLength(1);
    expect(active.body.value?.[0]).toMatchObject({
      assignmentType: "Activated",
      roleAssignmentScheduleId: res.body.id,
    });

    const byId = await t.get(token, `${requests}/${String(res.body.id)}`);
    expect(byId.status).toBe(200);
    expect(byId.body.status).toBe("Provisioned");
  });

  it("validates only when isValidationOnly is true: 201, nothing stored", async () => {
    const res = await t.post(token, requests, activation(t.admin.oid, roles.globalReader, { isValidationOnly: true }));
    expect(res.status).toBe(201);
    expect(res.body.isValidationOnly).toBe(true);
    const active = await t.get(
      token,
      `/roleManagement/directory/roleAssignmentScheduleInstances?$filter=roleDefinitionId eq '${roles.globalReader}'`,
    );
    expect(active.body.value).toHaveLength(0);
  });

  it("grants a future-dated activation (status Granted)", async () => {
    const start = new Date(t.emu.admin.clock.now().getTime() + 24 * 3600_000).toISOString();
    const res = await t.post(
      token,
      requests,
      activation(t.admin.oid, roles.globalReader, {
        scheduleInfo: { startDateTime: start, expiration: { type: "afterDuration", duration: "PT5H" } },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("Granted");
  });
});

describe("policy enforcement", () => {
  it("JustificationRule: justification required", async () => {
    await expectPolicyFailure(
      activation(t.admin.oid, roles.globalReader, { justification: null }),
      "JustificationRule",
    );
  });

  it("TicketingRule: ticket required", async () => {
    await expectPolicyFailure(activation(t.admin.oid, roles.exchangeAdministrator), "TicketingRule");
    const ok = await t.post(
      token,
      requests,
      activation(t.admin.oid, roles.exchangeAdministrator, {
        ticketInfo: { ticketNumber: "CHG-1", ticketSystem: "ServiceNow" },
      }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body.ticketInfo).toEqual({ ticketNumber: "CHG-1", ticketSystem: "ServiceNow" });
  });

  it("ExpirationRule: longer than the policy's maximum", async () => {
    await expectPolicyFailure(
      activation(t.admin.oid, roles.globalReader, {
        scheduleInfo: { expiration: { type: "afterDuration", duration: "PT9H" } },
      }),
      "ExpirationRule",
    );
  });

  it("names every failed rule in one message", async () => {
    const res = await t.post(
      token,
      requests,
      activation(t.admin.oid, roles.exchangeAdministrator, {
        justification: "",
        scheduleInfo: { expiration: { type: "afterDuration", duration: "PT9H" } },
      }),
    );
    expect(res.status).toBe(400);
    for (const rule of ["ExpirationRule", "JustificationRule", "TicketingRule"])
      expect(res.body.error?.message).toContain(rule);
  });

  it("MfaRule: the token's amr lacks mfa", async () => {
    const noMfa = await t.token(t.admin.upn, { amr: ["pwd"] });
    await expectPolicyFailure(activation(t.admin.oid, roles.helpdeskAdministrator), "MfaRule", noMfa);
    expect((await t.post(token, requests, activation(t.admin.oid, roles.helpdeskAdministrator))).status).toBe(201);
  });

  it("authentication context: 400 UnknownError wrapping the ACRS failure with URL-encoded claims", async () => {
    const res = await t.post(token, requests, activation(t.admin.oid, roles.securityAdministrator));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("UnknownError");
    expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
    const inner = JSON.parse(String(res.body.error?.message));
    expect(inner.errorCode).toBe("RoleAssignmentRequestAcrsValidationFailed");
    expect(inner.message).toMatch(/&claims=%7B/);
    expect(inner.message).toContain("%2C%20");
    expect(claimsOfWrappedChallenge(String(res.body.error?.message))).toEqual({
      access_token: { acrs: { essential: true, value: "c1" } },
    });

    const stepped = await t.token(t.admin.upn, { acrs: ["c1"] });
    const retry = await t.post(stepped, requests, activation(t.admin.oid, roles.securityAdministrator));
    expect(retry.status).toBe(201);
    expect(retry.body.status).toBe("Provisioned");
  });

  it("authentication context, www-authenticate mode: 401 with an insufficient_claims challenge", async () => {
    t.emu.admin.settings({ acrsChallenge: "www-authenticate" });
    const res = await t.post(token, requests, activation(t.admin.oid, roles.securityAdministrator));
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe("InvalidAuthenticationToken");
    expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
    const header = res.headers.get("www-authenticate") ?? "";
    expect(header).toContain(
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    );
    expect(header).toContain('error="insufficient_claims"');
    const claims = /claims="([^"]+)"/.exec(header)?.[1] ?? "";
    expect(JSON.parse(Buffer.from(claims, "base64").toString("utf8"))).toEqual({
      access_token: { acrs: { essential: true, value: "c1" } },
    });
  });

  it("approval: the request waits as PendingApproval until an approver decides", async () => {
    const res = await t.post(token, requests, activation(t.admin.oid, roles.privilegedRoleAdministrator));
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("PendingApproval");
    const approvalId = String(res.body.approvalId);
    expect(approvalId).toMatch(/^[0-9a-f-]{36}$/);

    const mine = await t.get(
      token,
      `${requests}?$filter=principalId eq '${t.admin.oid}' and status eq 'PendingApproval'`,
    );
    expect(mine.body.value?.map((r) => r.id)).toEqual([res.body.id]);

    const approverToken = await t.token(t.approver.upn);
    const queue = await t.get(
      approverToken,
      `${requests}/filterByCurrentUser(on='approver')?$filter=status eq 'PendingApproval'`,
    );
    expect(queue.body.value?.map((r) => r.id)).toEqual([res.body.id]);

    const approval = await t.call(
      approverToken,
      "GET",
      `/roleManagement/directory/roleAssignmentApprovals/${approvalId}`,
      { version: "beta" },
    );
    expect(approval.status).toBe(200);
    const steps = approval.body.steps as Array<Record<string, unknown>>;
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ assignedToMe: true, reviewResult: "NotReviewed", status: "InProgress" });

    const requesterView = await t.call(
      token,
      "GET",
      `/roleManagement/directory/roleAssignmentApprovals/${approvalId}`,
      { version: "beta" },
    );
    expect((requesterView.body.steps as Array<Record<string, unknown>>)[0]?.assignedToMe).toBe(false);

    const decide = await t.call(
      approverToken,
      "PATCH",
      `/roleManagement/directory/roleAssignmentApprovals/${approvalId}/steps/${String(steps[0]?.id)}`,
      {
        version: "beta",
        body: { reviewResult: "Approve", justification: "Looks right" },
      },
    );
    expect(decide.status).toBe(204);

    const after = await t.get(token, `${requests}/${String(res.body.id)}`);
    expect(after.body.status).toBe("Provisioned");
    const step = await t.call(
      approverToken,
      "GET",
      `/roleManagement/directory/roleAssignmentApprovals/${approvalId}/steps/${String(steps[0]?.id)}`,
      { version: "beta" },
    );
    expect(step.body).toMatchObject({
      reviewResult: "Approve",
      status: "Completed",
      justification: "Looks right",
      reviewedBy: { id: t.approver.oid },
    });
  });

  it("approval: a requester cannot decide their own request", async () => {
    const res = await t.post(token, requests, activation(t.admin.oid, roles.privilegedRoleAdministrator));
    const approvalId = String(res.body.approvalId);
    const approval = await t.call(token, "GET", `/roleManagement/directory/roleAssignmentApprovals/${approvalId}`, {
      version: "beta",
    });
    const stepId = String((approval.body.steps as Array<Record<string, unknown>>)[0]?.id);
    const decide = await t.call(
      token,
      "PATCH",
      `/roleManagement/directory/roleAssignmentApprovals/${approvalId}/steps/${stepId}`,
      {
        version: "beta",
        body: { reviewResult: "Approve", justification: "me" },
      },
    );
    expect(decide.status).toBe(403);
  });

  it("a second request while one waits for approval: PendingRoleAssignmentRequest", async () => {
    expect((await t.post(token, requests, activation(t.admin.oid, roles.privilegedRoleAdministrator))).status).toBe(
      201,
    );
    const again = await t.post(token, requests, activation(t.admin.oid, roles.privilegedRoleAdministrator));
    expect(again.status).toBe(400);
    expect(again.body.error?.code).toBe("PendingRoleAssignmentRequest");
    expect(envelopeKeys(again.body)).toEqual(expectedEnvelopeKeys);
  });

  it("already active: RoleAssignmentExists", async () => {
    const res = await t.post(token, requests, activation(t.admin.oid, roles.applicationAdministrator));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("RoleAssignmentExists");
    expect(res.body.error?.message).toBe("The Role assignment already exists.");
    expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
  });

  it("not eligible: a failed EligibilityRule", async () => {
    const other = await t.token(t.approver.upn);
    const res = await t.post(other, requests, activation(t.approver.oid, roles.globalAdministrator));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("RoleAssignmentRequestPolicyValidationFailed");
    expect(res.body.error?.message).toContain("EligibilityRule");
    expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
  });

  it("acting for another principal: 403", async () => {
    const res = await t.post(token, requests, activation(t.limited.oid, roles.globalReader));
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe("UnauthorizedAccessException");
  });
});

describe("deactivation", () => {
  const deactivate = (principalId: string, roleDefinitionId: string) => ({
    action: "selfDeactivate",
    principalId,
    roleDefinitionId,
    directoryScopeId: "/",
  });

  it("nothing active: RoleAssignmentDoesNotExist", async () => {
    const res = await t.post(token, requests, deactivate(t.admin.oid, roles.globalReader));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("RoleAssignmentDoesNotExist");
    expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
  });

  it("within five minutes: ActiveDurationTooShort; after: Revoked and gone", async () => {
    expect((await t.post(token, requests, activation(t.admin.oid, roles.reportsReader))).status).toBe(201);
    const early = await t.post(token, requests, deactivate(t.admin.oid, roles.reportsReader));
    expect(early.status).toBe(400);
    expect(early.body.error?.code).toBe("ActiveDurationTooShort");
    expect(envelopeKeys(early.body)).toEqual(expectedEnvelopeKeys);
    t.emu.admin.clock.advance(6 * 60);
    const fresh = await t.token(t.admin.upn);
    const done = await t.post(fresh, requests, deactivate(t.admin.oid, roles.reportsReader));
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ status: "Revoked", action: "selfDeactivate", scheduleInfo: null });
    const active = await t.get(
      fresh,
      `/roleManagement/directory/roleAssignmentScheduleInstances?$filter=roleDefinitionId eq '${roles.reportsReader}'`,
    );
    expect(active.body.value).toHaveLength(0);
  });
});

describe("cancel", () => {
  it("cancels a pending request with 204; a second cancel is refused; an unknown id is 404", async () => {
    const res = await t.post(token, requests, activation(t.admin.oid, roles.privilegedRoleAdministrator));
    const id = String(res.body.id);
    const cancel = await t.call(token, "POST", `${requests}/${id}/cancel`);
    expect(cancel.status).toBe(204);
    expect((await t.get(token, `${requests}/${id}`)).body.status).toBe("Canceled");
    const again = await t.call(token, "POST", `${requests}/${id}/cancel`);
    expect(again.status).toBe(400);
    expect(again.body.error?.code).toBe("RequestCannotBeCancelled");
    const unknown = await t.call(token, "POST", `${requests}/00000000-0000-0000-0000-000000000000/cancel`);
    expect(unknown.status).toBe(404);
  });

  it("refuses to cancel a provisioned request", async () => {
    const res = await t.post(token, requests, activation(t.admin.oid, roles.globalReader));
    const cancel = await t.call(token, "POST", `${requests}/${String(res.body.id)}/cancel`);
    expect(cancel.status).toBe(400);
  });
});

describe("request bodies", () => {
  it.each([
    ["no Content-Type", { rawBody: "{}" }, "BadRequest"],
    ["a non-JSON Content-Type", { rawBody: "{}", headers: { "content-type": "text/plain" } }, "BadRequest"],
    ["malformed JSON", { rawBody: '{"action":', headers: { "content-type": "application/json" } }, "BadRequest"],
    ["a JSON array", { rawBody: "[]", headers: { "content-type": "application/json" } }, "BadRequest"],
  ])("answers %s with 400", async (_name, options, code) => {
    const res = await t.call(token, "POST", requests, options);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe(code);
    expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
  });

  it("refuses a property the entity does not declare (roleAssignmentScheduleId)", async () => {
    const res = await t.post(
      token,
      requests,
      activation(t.admin.oid, roles.globalReader, { roleAssignmentScheduleId: "x" }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toContain("'roleAssignmentScheduleId'");
  });

  it("refuses an action outside the enum, and answers 501 for admin actions", async () => {
    expect(
      (await t.post(token, requests, activation(t.admin.oid, roles.globalReader, { action: "selfActivat" }))).status,
    ).toBe(400);
    const admin = await t.post(token, requests, activation(t.admin.oid, roles.globalReader, { action: "adminAssign" }));
    expect(admin.status).toBe(501);
  });

  it("accepts enum members in any case", async () => {
    const res = await t.post(token, requests, activation(t.admin.oid, roles.globalReader, { action: "SelfActivate" }));
    expect(res.status).toBe(201);
    expect(res.body.action).toBe("selfActivate");
  });

  it.each([
    ["no principalId", { principalId: undefined }, "InvalidRoleAssignmentRequest"],
    ["no directoryScopeId", { directoryScopeId: undefined }, "InvalidRoleAssignmentRequest"],
    ["a bad duration", { scheduleInfo: { expiration: { type: "afterDuration", duration: "1 hour" } } }, "BadRequest"],
    [
      "a bad start",
      { scheduleInfo: { startDateTime: "tomorrow", expiration: { type: "afterDuration", duration: "PT1H" } } },
      "BadRequest",
    ],
    ["a string isValidationOnly", { isValidationOnly: "False" }, "BadRequest"],
    [
      "an unknown expiration type",
      { scheduleInfo: { expiration: { type: "afterLunch", duration: "PT1H" } } },
      "BadRequest",
    ],
    ["an unknown ticketInfo property", { ticketInfo: { ticketNumber: "1", ticketUrl: "x" } }, "BadRequest"],
  ])("refuses %s", async (_name, extra, code) => {
    const res = await t.post(token, requests, activation(t.admin.oid, roles.globalReader, extra));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe(code);
  });
});

describe("listing requests", () => {
  it("lists the caller's requests with filterByCurrentUser(on='principal') and pages them", async () => {
    const before = await allPages(t, token, `${requests}/filterByCurrentUser(on='principal')`);
    // The scenario's running activation of Application Administrator came from a request too.
    expect(before.items.map((r) => r.roleDefinitionId)).toEqual([roles.applicationAdministrator]);
    for (const role of [
      roles.globalReader,
      roles.reportsReader,
      roles.helpdeskAdministrator,
      roles.exchangeAdministrator,
    ]) {
      await t.post(
        token,
        requests,
        activation(t.admin.oid, role, { ticketInfo: { ticketNumber: "1", ticketSystem: "x" } }),
      );
    }
    const { items, pages } = await allPages(t, token, `${requests}/filterByCurrentUser(on='principal')`);
    expect(items).toHaveLength(5);
    expect(pages).toBe(2);
    for (const r of items) expect(r["@odata.type"]).toBe("#microsoft.graph.unifiedRoleAssignmentScheduleRequest");
    const created = await t.get(
      token,
      `${requests}/filterByCurrentUser(on='createdBy')?$filter=roleDefinitionId eq '${roles.globalReader}'`,
    );
    expect(created.body.value).toHaveLength(1);
  });
});
