import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  allPages,
  claimsOfWrappedChallenge,
  type Entity,
  envelopeKeys,
  expectedEnvelopeKeys,
  startTenant,
  type Tenant,
} from "./helpers";

let t: Tenant;
let token: string;
let tier0: string;
let breakGlass: string;
beforeAll(async () => {
  t = await startTenant();
  tier0 = t.groupId("PIM-Tier0-Operators");
  breakGlass = t.groupId("PIM-KeyVault-BreakGlass");
});
beforeEach(async () => {
  t.emu.admin.reset();
  t.emu.admin.settings({ pageSize: 3 });
  token = await t.token(t.admin.upn);
});
afterAll(() => t.close());

const base = "/identityGovernance/privilegedAccess/group";
const requests = `${base}/assignmentScheduleRequests`;

function groupActivation(groupId: string, accessId: string, extra: Record<string, unknown> = {}) {
  return {
    accessId,
    action: "selfActivate",
    principalId: t.admin.oid,
    groupId,
    justification: "Need LAPS read",
    scheduleInfo: { startDateTime: null, expiration: { type: "afterDuration", duration: "PT1H" } },
    ...extra,
  };
}

describe("eligibility and assignment instances", () => {
  it("refuses the plain list without a principalId or groupId filter", async () => {
    for (const query of ["", "?$filter=accessId eq 'member'"]) {
      const res = await t.get(token, `${base}/eligibilityScheduleInstances${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error?.code).toBe("UnknownError");
      expect(JSON.parse(String(res.body.error?.message)).errorCode).toBe("InvalidFilter");
      expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
    }
    expect((await t.get(token, `${base}/assignmentScheduleInstances`)).status).toBe(400);
  });

  it("lists by principalId or by groupId", async () => {
    const mine = await allPages(
      t,
      token,
      `${base}/eligibilityScheduleInstances?$filter=principalId eq '${t.admin.oid}'`,
    );
    expect(mine.items).toHaveLength(3);
    const group = await allPages(t, token, `${base}/eligibilityScheduleInstances?$filter=groupId eq '${breakGlass}'`);
    expect(group.items.map((e) => e.principalId).sort()).toEqual([t.admin.oid, t.limited.oid].sort());
  });

  it("keeps member and owner apart, with {groupId}_{accessId}_{guid} ids and CSDL casing", async () => {
    const res = await t.get(
      token,
      `${base}/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$filter=groupId eq '${tier0}'`,
    );
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe(
      `${t.emu.url}/graph/v1.0/$metadata#Collection(privilegedAccessGroupEligibilityScheduleInstance)`,
    );
    const items = res.body.value ?? [];
    expect(items.map((e) => e.accessId).sort()).toEqual(["member", "owner"]);
    for (const e of items) {
      expect(e["@odata.type"]).toBe("#microsoft.graph.privilegedAccessGroupEligibilityScheduleInstance");
      expect(String(e.id)).toMatch(new RegExp(`^${tier0}_${String(e.accessId)}_[0-9a-f-]{36}$`));
      expect(e.eligibilityScheduleId).toBe(e.id);
      expect(e.memberType).toBe("direct");
    }
  });

  it("answers PascalCase enums when the tenant is set to the documentation's casing", async () => {
    t.emu.admin.settings({ groupEnumCasing: "pascal" });
    const res = await t.get(token, `${base}/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$top=1`);
    expect(res.body.value?.[0]?.memberType).toBe("Direct");
  });

  it("expands group and principal", async () => {
    const res = await t.get(
      token,
      `${base}/eligibilityScheduleInstances?$filter=groupId eq '${tier0}' and accessId eq 'member'&$expand=group,principal`,
    );
    const e = res.body.value?.[0] as Entity;
    expect(e.group).toMatchObject({ id: tier0, displayName: "PIM-Tier0-Operators" });
    expect(e.principal).toMatchObject({ "@odata.type": "#microsoft.graph.user", id: t.admin.oid });
  });

  it("refuses an accessId outside the enum", async () => {
    const res = await t.get(
      token,
      `${base}/eligibilityScheduleInstances?$filter=groupId eq '${tier0}' and accessId eq 'admin'`,
    );
    expect(res.status).toBe(400);
  });

  it("gets an eligibility schedule by id", async () => {
    const list = await t.get(token, `${base}/eligibilitySchedules/filterByCurrentUser(on='principal')?$top=1`);
    const id = String(list.body.value?.[0]?.id);
    const res = await t.get(token, `${base}/eligibilitySchedules/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: "Provisioned" });
  });
});

describe("assignment requests", () => {
  it("activates membership: 201, targetScheduleId {groupId}_{accessId}_{requestId}, only member becomes active", async () => {
    const res = await t.post(token, requests, groupActivation(tier0, "member"));
    expect(res.status).toBe(201);
    expect(res.body["@odata.context"]).toBe(
      `${t.emu.url}/graph/v1.0/$metadata#identityGovernance/privilegedAccess/group/assignmentScheduleRequests/$entity`,
    );
    expect(res.body).toMatchObject({
      status: "Provisioned",
      accessId: "member",
      groupId: tier0,
      action: "selfActivate",
      isValidationOnly: false,
    });
    expect(res.body.targetScheduleId).toBe(`${tier0}_member_${String(res.body.id)}`);

    const active = await t.get(
      token,
      `${base}/assignmentScheduleInstances?$filter=principalId eq '${t.admin.oid}' and groupId eq '${tier0}'`,
    );
    expect(active.body.value).toHaveLength(1);
    expect(active.body.value?.[0]).toMatchObject({
      accessId: "member",
      assignmentType: "activated",
      memberType: "direct",
      assignmentScheduleId: res.body.targetScheduleId,
    });

    const schedules = await t.get(token, `${base}/assignmentSchedules/filterByCurrentUser(on='principal')`);
    expect(schedules.body.value?.map((s) => s.id)).toEqual([res.body.targetScheduleId]);
  });

  it("enforces the group's own policy: justification", async () => {
    const res = await t.post(token, requests, groupActivation(tier0, "member", { justification: null }));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("RoleAssignmentRequestPolicyValidationFailed");
    expect(res.body.error?.message).toContain("JustificationRule");
  });

  it("answers an authentication-context policy with the wrapped ACRS challenge", async () => {
    const res = await t.post(token, requests, groupActivation(breakGlass, "member"));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("UnknownError");
    expect(claimsOfWrappedChallenge(String(res.body.error?.message))).toEqual({
      access_token: { acrs: { essential: true, value: "c1" } },
    });
  });

  it("owner needs approval: PendingApproval, then a denial through the v1.0 stage", async () => {
    const res = await t.post(token, requests, groupActivation(tier0, "owner"));
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("PendingApproval");
    const approvalId = String(res.body.approvalId);
    const approverToken = await t.token(t.approver.upn);

    const queue = await t.get(approverToken, `${requests}/filterByCurrentUser(on='approver')`);
    expect(queue.body.value?.map((r) => r.id)).toEqual([res.body.id]);

    const approval = await t.get(approverToken, `${base}/assignmentApprovals/${approvalId}`);
    expect(approval.status).toBe(200);
    const stages = approval.body.stages as Entity[];
    expect(stages[0]).toMatchObject({ assignedToMe: true, reviewResult: "NotReviewed", status: "InProgress" });
    const listed = await t.get(approverToken, `${base}/assignmentApprovals/${approvalId}/stages`);
    expect(listed.body.value).toHaveLength(1);

    const decide = await t.call(
      approverToken,
      "PATCH",
      `${base}/assignmentApprovals/${approvalId}/stages/${String(stages[0]?.id)}`,
      {
        body: { reviewResult: "Deny", justification: "Not during the freeze" },
      },
    );
    expect(decide.status).toBe(204);
    expect((await t.get(token, `${requests}/${String(res.body.id)}`)).body.status).toBe("Denied");
    const again = await t.call(
      approverToken,
      "PATCH",
      `${base}/assignmentApprovals/${approvalId}/stages/${String(stages[0]?.id)}`,
      {
        body: { reviewResult: "Approve", justification: "changed my mind" },
      },
    );
    expect(again.status).toBe(400);
  });

  it("refuses a decision value other than Approve or Deny", async () => {
    const res = await t.post(token, requests, groupActivation(tier0, "owner"));
    const approverToken = await t.token(t.approver.upn);
    const approval = await t.get(approverToken, `${base}/assignmentApprovals/${String(res.body.approvalId)}`);
    const stageId = String((approval.body.stages as Entity[])[0]?.id);
    const decide = await t.call(
      approverToken,
      "PATCH",
      `${base}/assignmentApprovals/${String(res.body.approvalId)}/stages/${stageId}`,
      {
        body: { reviewResult: "Maybe" },
      },
    );
    expect(decide.status).toBe(400);
  });

  it("deactivating the relationship that is not active: RoleAssignmentDoesNotExist", async () => {
    await t.post(token, requests, groupActivation(tier0, "member"));
    const res = await t.post(token, requests, {
      accessId: "owner",
      action: "selfDeactivate",
      principalId: t.admin.oid,
      groupId: tier0,
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("RoleAssignmentDoesNotExist");
  });

  it("refuses a request without accessId", async () => {
    const res = await t.post(token, requests, groupActivation(tier0, "member", { accessId: undefined }));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("InvalidRoleAssignmentRequest");
  });

  it("lists requests only with a filter, and by current user; cancels a pending one", async () => {
    const res = await t.post(token, requests, groupActivation(tier0, "owner"));
    expect((await t.get(token, requests)).status).toBe(400);
    const filtered = await t.get(
      token,
      `${requests}?$filter=principalId eq '${t.admin.oid}' and status eq 'PendingApproval'`,
    );
    expect(filtered.body.value?.map((r) => r.id)).toEqual([res.body.id]);
    const mine = await t.get(token, `${requests}/filterByCurrentUser(on='principal')`);
    expect(mine.body.value?.[0]?.["@odata.type"]).toBe(
      "#microsoft.graph.privilegedAccessGroupAssignmentScheduleRequest",
    );
    expect((await t.call(token, "POST", `${requests}/${String(res.body.id)}/cancel`)).status).toBe(204);
    expect((await t.get(token, `${requests}/${String(res.body.id)}`)).body.status).toBe("Canceled");
  });
});
