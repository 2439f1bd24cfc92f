/**
 * Activation with approval on ARM: PendingApproval with an approval path, the approver's view
 * (roleAssignmentApprovals, api-version 2021-01-01-preview, tenant and scope variants), decisions
 * by PUT and PATCH of a stage, and who may do what.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ArmHarness, admin, approver, armHarness, limited, roles } from "./helpers";

const v = "api-version=2020-10-01";
const va = "api-version=2021-01-01-preview";
const auth = "/providers/Microsoft.Authorization";

interface Stage {
  id: string;
  name: string;
  type: string;
  properties: Record<string, unknown>;
}
interface Approval {
  id: string;
  name: string;
  type: string;
  properties: { stages: Stage[] };
}
interface RequestBody {
  name: string;
  properties: { status: string; approvalId?: string };
}

describe("roleAssignmentApprovals", () => {
  let h: ArmHarness;
  let prod: string;
  let contributorId: string;
  // A fresh tenant per test: one pending request per role and principal is all PIM allows.
  beforeEach(async () => {
    h = await armHarness();
    prod = `/subscriptions/${h.subscriptionId("Contoso Production")}`;
    contributorId = `${prod}${auth}/roleDefinitions/${roles.contributor}`;
    h.emu.admin.setPolicy(
      { plane: "azure", scope: prod, roleDefinitionId: roles.contributor },
      { approval: true, approvers: [h.oid(approver)] },
    );
  });
  afterEach(() => h.close());

  const requestActivation = async () => {
    const name = crypto.randomUUID();
    const res = await h.call("PUT", `${prod}${auth}/roleAssignmentScheduleRequests/${name}?${v}`, {
      body: {
        properties: {
          principalId: h.oid(admin),
          roleDefinitionId: contributorId,
          requestType: "SelfActivate",
          justification: "Release 42",
          ticketInfo: { ticketNumber: "CHG-42", ticketSystem: "ServiceNow" },
          scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT2H" } },
        },
      },
    });
    expect(res.status).toBe(201);
    const body = await h.json<RequestBody>(res);
    expect(body.properties.status).toBe("PendingApproval");
    const approvalId = body.properties.approvalId ?? "";
    expect(approvalId).toMatch(/^\/providers\/Microsoft\.Authorization\/roleAssignmentApprovals\/[0-9a-f-]{36}$/);
    return { name, approvalPath: approvalId, approvalName: approvalId.split("/").pop() ?? "" };
  };

  const status = async (name: string) =>
    (await h.json<RequestBody>(await h.call("GET", `${prod}${auth}/roleAssignmentScheduleRequests/${name}?${v}`)))
      .properties.status;

  it("shows the approver the pending approval, its stages, and the request through asApprover()", async () => {
    const { name, approvalPath, approvalName } = await requestActivation();
    const list = await h.call("GET", `${auth}/roleAssignmentApprovals?${va}&$filter=asApprover()`, { as: approver });
    expect(list.status).toBe(200);
    const approvals = (await h.json<{ value: Approval[] }>(list)).value;
    const mine = approvals.find((a) => a.name === approvalName);
    expect(mine).toMatchObject({
      id: approvalPath,
      type: "Microsoft.Authorization/roleAssignmentApprovals/stages",
    });
    const [stage] = mine?.properties.stages ?? [];
    expect(stage?.id).toBe(`${approvalPath}/stages/${stage?.name}`);
    expect(stage?.properties).toMatchObject({ status: "InProgress", assignedToMe: true, reviewResult: "NotReviewed" });
    expect(stage?.properties).not.toHaveProperty("reviewedBy");

    // The requestor is not an approver.
    const forRequestor = await h.call("GET", `${auth}/roleAssignmentApprovals?${va}&$filter=asApprover()`);
    expect((await h.json<{ value: Approval[] }>(forRequestor)).value).toEqual([]);

    const pending = await h.call("GET", `${auth}/roleAssignmentScheduleRequests?${v}&$filter=asApprover()`, {
      as: approver,
    });
    expect((await h.json<{ value: RequestBody[] }>(pending)).value.map((r) => r.name)).toContain(name);

    const stages = await h.call("GET", `${approvalPath}/stages?${va}`, { as: approver });
    expect((await h.json<{ value: Stage[] }>(stages)).value.map((s) => s.name)).toEqual([stage?.name]);
    const one = await h.call("GET", `${approvalPath}/stages/${stage?.name}?${va}`, { as: approver });
    expect(one.status).toBe(200);
  });

  it("approves by PUT of the stage; the activation then takes effect", async () => {
    const { name, approvalPath } = await requestActivation();
    // A second request for the same role while one is pending.
    const second = await h.call("PUT", `${prod}${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}?${v}`, {
      body: {
        properties: {
          principalId: h.oid(admin),
          roleDefinitionId: contributorId,
          requestType: "SelfActivate",
          justification: "again",
          ticketInfo: { ticketNumber: "CHG-43", ticketSystem: "ServiceNow" },
          scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT1H" } },
        },
      },
    });
    expect(second.status).toBe(400);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe("PendingRoleAssignmentRequest");
    const approval = await h.json<Approval>(await h.call("GET", `${approvalPath}?${va}`, { as: approver }));
    const stageId = approval.properties.stages[0]?.name ?? "";
    const res = await h.call("PUT", `${approvalPath}/stages/${stageId}?${va}`, {
      as: approver,
      body: { properties: { reviewResult: "Approve", justification: "Release approved in CAB" } },
    });
    expect(res.status).toBe(200);
    const stage = await h.json<Stage>(res);
    expect(stage.properties).toMatchObject({
      status: "Completed",
      reviewResult: "Approve",
      justification: "Release approved in CAB",
      reviewedBy: {
        principalType: "user",
        principalId: h.oid(approver),
        principalName: "Priya Natarajan",
        userPrincipalName: approver,
      },
      reviewedDateTime: "2026-03-02T08:00:00.000Z",
    });
    expect(await status(name)).toBe("Provisioned");
    const again = await h.call("PUT", `${approvalPath}/stages/${stageId}?${va}`, {
      as: approver,
      body: { properties: { reviewResult: "Deny" } },
    });
    expect(again.status).toBe(400);
  });

  it("denies by PATCH at a scope, and refuses decisions from anyone but an approver", async () => {
    const { name, approvalName } = await requestActivation();
    const scoped = `${prod}${auth}/roleAssignmentApprovals/${approvalName}`;
    const approval = await h.json<Approval>(await h.call("GET", `${scoped}?${va}`, { as: approver }));
    expect(approval.id).toBe(scoped);
    const stageId = approval.properties.stages[0]?.name ?? "";

    const byRequestor = await h.call("PATCH", `${scoped}/stages/${stageId}?${va}`, {
      body: { properties: { reviewResult: "Approve", justification: "self" } },
    });
    expect(byRequestor.status).toBe(403);
    const byStranger = await h.call("GET", `${scoped}?${va}`, { as: limited });
    expect(byStranger.status).toBe(403);

    const badResult = await h.call("PATCH", `${scoped}/stages/${stageId}?${va}`, {
      as: approver,
      body: { properties: { reviewResult: "Maybe" } },
    });
    expect(badResult.status).toBe(400);

    const deny = await h.call("PATCH", `${scoped}/stages/${stageId}?${va}`, {
      as: approver,
      body: { properties: { reviewResult: "deny", justification: "Not during the freeze" } },
    });
    expect(deny.status).toBe(200);
    expect((await h.json<Stage>(deny)).properties).toMatchObject({ status: "Completed", reviewResult: "Deny" });
    expect(await status(name)).toBe("Denied");

    const scopedList = await h.call("GET", `${prod}${auth}/roleAssignmentApprovals?${va}&$filter=asCreatedBy()`);
    expect((await h.json<{ value: Approval[] }>(scopedList)).value.map((a) => a.name)).toContain(approvalName);
    const missing = await h.call("GET", `${auth}/roleAssignmentApprovals/00000000-0000-0000-0000-000000000000?${va}`, {
      as: approver,
    });
    expect(missing.status).toBe(404);
  });
});
