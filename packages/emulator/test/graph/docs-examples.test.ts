/**
 * The example requests of the Microsoft Graph v1.0 reference pages, replayed against the local
 * tenant (ids swapped for the demo tenant's), each with the outcome the page documents: status,
 * `@odata.context`, and the exact property set of the entities in the example response.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Entity, roles, startTenant, type Tenant } from "./helpers";

let t: Tenant;
let token: string;
let tier0: string;
beforeAll(async () => {
  t = await startTenant({ settings: { pageSize: 100 } });
  tier0 = t.groupId("PIM-Tier0-Operators");
});
beforeEach(async () => {
  t.emu.admin.reset();
  token = await t.token(t.admin.upn);
});
afterAll(() => t.close());

const keys = (e: Entity | undefined) => Object.keys(e ?? {}).sort();
const metadata = (fragment: string) => `${t.emu.url}/graph/v1.0/$metadata#${fragment}`;

// Property sets of the example responses on each page.
const eligibilityInstanceKeys = [
  "id",
  "principalId",
  "roleDefinitionId",
  "directoryScopeId",
  "appScopeId",
  "startDateTime",
  "endDateTime",
  "memberType",
  "roleEligibilityScheduleId",
].sort();
const assignmentInstanceKeys = [
  "id",
  "principalId",
  "roleDefinitionId",
  "directoryScopeId",
  "appScopeId",
  "startDateTime",
  "endDateTime",
  "assignmentType",
  "memberType",
  "roleAssignmentOriginId",
  "roleAssignmentScheduleId",
].sort();
const directoryRequestKeys = [
  "@odata.context",
  "id",
  "status",
  "createdDateTime",
  "completedDateTime",
  "approvalId",
  "customData",
  "action",
  "principalId",
  "roleDefinitionId",
  "directoryScopeId",
  "appScopeId",
  "isValidationOnly",
  "targetScheduleId",
  "justification",
  "createdBy",
  "scheduleInfo",
  "ticketInfo",
].sort();
const groupRequestKeys = [
  "@odata.context",
  "id",
  "status",
  "completedDateTime",
  "createdDateTime",
  "approvalId",
  "customData",
  "createdBy",
  "action",
  "isValidationOnly",
  "justification",
  "scheduleInfo",
  "ticketInfo",
  "accessId",
  "principalId",
  "groupId",
  "targetScheduleId",
].sort();
const policyAssignmentKeys = ["id", "policyId", "scopeId", "scopeType", "roleDefinitionId"].sort();
const policyKeys = [
  "id",
  "displayName",
  "description",
  "isOrganizationDefault",
  "scopeId",
  "scopeType",
  "lastModifiedDateTime",
  "lastModifiedBy",
  "rules",
].sort();

describe("rbacapplication (directory roles)", () => {
  it("list roleEligibilityScheduleInstances", async () => {
    const res = await t.get(token, "/roleManagement/directory/roleEligibilityScheduleInstances");
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe(metadata("roleManagement/directory/roleEligibilityScheduleInstances"));
    for (const e of res.body.value ?? []) expect(keys(e)).toEqual(eligibilityInstanceKeys);
  });

  it("list roleAssignmentScheduleInstances", async () => {
    const res = await t.get(token, "/roleManagement/directory/roleAssignmentScheduleInstances");
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe(metadata("roleManagement/directory/roleAssignmentScheduleInstances"));
    for (const e of res.body.value ?? []) expect(keys(e)).toEqual(assignmentInstanceKeys);
    const standing = res.body.value?.find((e) => e.assignmentType === "Assigned");
    expect(standing).toMatchObject({ startDateTime: null, endDateTime: null, memberType: "Direct", appScopeId: null });
    expect(standing?.roleAssignmentOriginId).toBe(standing?.id);
  });

  it("unifiedRoleEligibilityScheduleInstance: filterByCurrentUser", async () => {
    const res = await t.get(
      token,
      "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')",
    );
    expect(res.body["@odata.context"]).toBe(metadata("Collection(unifiedRoleEligibilityScheduleInstance)"));
    for (const e of res.body.value ?? []) expect(keys(e)).toEqual(["@odata.type", ...eligibilityInstanceKeys].sort());
  });

  it("unifiedRoleAssignmentScheduleInstance: filterByCurrentUser", async () => {
    const res = await t.get(
      token,
      "/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')",
    );
    expect(res.body["@odata.context"]).toBe(metadata("Collection(unifiedRoleAssignmentScheduleInstance)"));
    for (const e of res.body.value ?? []) expect(keys(e)).toEqual(["@odata.type", ...assignmentInstanceKeys].sort());
  });

  it("create roleAssignmentScheduleRequests, example 2: selfActivate starting later, PascalCase expiration type in, camelCase out", async () => {
    const now = t.emu.admin.clock.now();
    const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
    const res = await t.post(token, "/roleManagement/directory/roleAssignmentScheduleRequests/", {
      action: "selfActivate",
      principalId: t.admin.oid,
      roleDefinitionId: roles.exchangeAdministrator,
      directoryScopeId: "/",
      justification:
        "I need access to the Attribute Administrator role to manage attributes to be assigned to restricted AUs",
      scheduleInfo: { startDateTime: tomorrow, expiration: { type: "AfterDuration", duration: "PT5H" } },
      ticketInfo: { ticketNumber: "CONTOSO:Normal-67890", ticketSystem: "MS Project" },
    });
    expect(res.status).toBe(201);
    expect(res.body["@odata.context"]).toBe(
      metadata("roleManagement/directory/roleAssignmentScheduleRequests/$entity"),
    );
    expect(keys(res.body)).toEqual(directoryRequestKeys);
    expect(res.body).toMatchObject({
      status: "Granted",
      action: "selfActivate",
      isValidationOnly: false,
      scheduleInfo: { recurrence: null, expiration: { type: "afterDuration", endDateTime: null, duration: "PT5H" } },
      ticketInfo: { ticketNumber: "CONTOSO:Normal-67890", ticketSystem: "MS Project" },
    });
    expect(res.body.targetScheduleId).toBe(res.body.id);
    expect(keys(res.body.createdBy as Entity)).toEqual(["application", "device", "user"]);
  });

  it("create roleAssignmentScheduleRequests, example 1 (adminAssign): not emulated, 501", async () => {
    const res = await t.post(token, "/roleManagement/directory/roleAssignmentScheduleRequests", {
      action: "adminAssign",
      justification: "Assign Groups Admin to IT Helpdesk group",
      roleDefinitionId: "fdd7a751-b60b-444a-984c-02652fe8fa1c",
      directoryScopeId: "/",
      principalId: t.admin.oid,
      scheduleInfo: { startDateTime: "2022-04-10T00:00:00Z", expiration: { type: "NoExpiration" } },
    });
    expect(res.status).toBe(501);
  });

  it("unifiedRoleAssignmentScheduleRequest: cancel", async () => {
    const pending = await t.post(token, "/roleManagement/directory/roleAssignmentScheduleRequests", {
      action: "selfActivate",
      principalId: t.admin.oid,
      roleDefinitionId: roles.privilegedRoleAdministrator,
      directoryScopeId: "/",
      justification: "x",
      scheduleInfo: { expiration: { type: "afterDuration", duration: "PT1H" } },
    });
    const res = await t.call(
      token,
      "POST",
      `/roleManagement/directory/roleAssignmentScheduleRequests/${String(pending.body.id)}/cancel`,
    );
    expect(res.status).toBe(204);
    expect(res.body).toEqual({});
  });
});

describe("privilegedAccessGroup (PIM for Groups)", () => {
  it("list eligibilityScheduleInstances with $filter=groupId eq", async () => {
    const res = await t.get(
      token,
      `/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=groupId eq '${tier0}'`,
    );
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe(
      metadata("identityGovernance/privilegedAccess/group/eligibilityScheduleInstances"),
    );
    const docKeys = ["id", "startDateTime", "endDateTime", "accessId", "principalId", "groupId", "memberType"];
    for (const e of res.body.value ?? []) expect(keys(e)).toEqual([...docKeys, "eligibilityScheduleId"].sort());
    expect(res.body.value?.map((e) => e.accessId).sort()).toEqual(["member", "owner"]);
  });

  it("list assignmentScheduleInstances with $filter=groupId eq", async () => {
    await t.post(token, "/identityGovernance/privilegedAccess/group/assignmentScheduleRequests", {
      accessId: "member",
      principalId: t.admin.oid,
      groupId: tier0,
      action: "selfActivate",
      scheduleInfo: { startDateTime: null, expiration: { type: "afterDuration", duration: "PT2H" } },
      justification: "Activate assignment.",
    });
    const res = await t.get(
      token,
      `/identityGovernance/privilegedAccess/group/assignmentScheduleInstances?$filter=groupId eq '${tier0}'`,
    );
    expect(res.body["@odata.context"]).toBe(
      metadata("identityGovernance/privilegedAccess/group/assignmentScheduleInstances"),
    );
    expect(res.body.value).toHaveLength(1);
    expect(keys(res.body.value?.[0])).toEqual(
      [
        "id",
        "principalId",
        "startDateTime",
        "endDateTime",
        "assignmentType",
        "accessId",
        "groupId",
        "memberType",
        "assignmentScheduleId",
      ].sort(),
    );
  });

  it("filterByCurrentUser on eligibility and assignment instances", async () => {
    const e = await t.get(
      token,
      "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances/filterByCurrentUser(on='principal')",
    );
    expect(e.status).toBe(200);
    expect(keys(e.body.value?.[0])).toEqual(
      [
        "@odata.type",
        "id",
        "startDateTime",
        "endDateTime",
        "memberType",
        "principalId",
        "accessId",
        "groupId",
        "eligibilityScheduleId",
      ].sort(),
    );
    const a = await t.get(
      token,
      "/identityGovernance/privilegedAccess/group/assignmentScheduleInstances/filterByCurrentUser(on='principal')",
    );
    expect(a.status).toBe(200);
  });

  it("create assignmentScheduleRequest, example 2: selfActivate", async () => {
    const res = await t.post(token, "/identityGovernance/privilegedAccess/group/assignmentScheduleRequests", {
      accessId: "member",
      principalId: t.admin.oid,
      groupId: tier0,
      action: "selfActivate",
      scheduleInfo: {
        startDateTime: "2023-02-08T07:43:00.000Z",
        expiration: { type: "afterDuration", duration: "PT2H" },
      },
      justification: "Activate assignment.",
    });
    expect(res.status).toBe(201);
    expect(keys(res.body)).toEqual(groupRequestKeys);
    expect(res.body).toMatchObject({
      status: "Provisioned",
      action: "selfActivate",
      isValidationOnly: false,
      justification: "Activate assignment.",
      accessId: "member",
      groupId: tier0,
      ticketInfo: { ticketNumber: null, ticketSystem: null },
      createdBy: { user: { id: t.admin.oid } },
    });
    expect(res.body.targetScheduleId).toBe(`${tier0}_member_${String(res.body.id)}`);
  });

  it("create assignmentScheduleRequest, example 1 (adminAssign): not emulated, 501", async () => {
    const res = await t.post(token, "/identityGovernance/privilegedAccess/group/assignmentScheduleRequests", {
      accessId: "member",
      principalId: t.admin.oid,
      groupId: tier0,
      action: "adminAssign",
      scheduleInfo: {
        startDateTime: "2022-12-08T07:43:00.000Z",
        expiration: { type: "afterDuration", duration: "PT2H" },
      },
      justification: "Assign active member access.",
    });
    expect(res.status).toBe(501);
  });
});

describe("policyRoot: list roleManagementPolicyAssignments", () => {
  it("example 1: scopeId '/' and scopeType 'Directory'", async () => {
    const res = await t.get(
      token,
      "/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'Directory'",
    );
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe(metadata("policies/roleManagementPolicyAssignments"));
    for (const a of res.body.value ?? []) {
      expect(keys(a)).toEqual(policyAssignmentKeys);
      expect(String(a.id)).toBe(`${String(a.policyId)}_${String(a.roleDefinitionId)}`);
      expect(String(a.policyId)).toMatch(new RegExp(`^Directory_${t.emu.tenantId}_[0-9a-f-]{36}$`));
    }
  });

  it("example 2: one directory role with $expand=policy($expand=rules)", async () => {
    const res = await t.get(
      token,
      `/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${roles.globalAdministrator}'&$expand=policy($expand=rules)`,
    );
    expect(res.body["@odata.context"]).toBe(metadata("policies/roleManagementPolicyAssignments(policy(rules()))"));
    const a = res.body.value?.[0] as Entity;
    expect(keys(a)).toEqual([...policyAssignmentKeys, "policy"].sort());
    const policy = a.policy as Entity;
    expect(keys(policy)).toEqual(policyKeys);
    expect(policy.lastModifiedBy).toEqual({ displayName: null, id: null });
    const ids = (policy.rules as Entity[]).map((r) => r.id);
    expect(ids).toEqual([
      "Expiration_Admin_Eligibility",
      "Enablement_Admin_Eligibility",
      "Notification_Admin_Admin_Eligibility",
      "Notification_Requestor_Admin_Eligibility",
      "Notification_Approver_Admin_Eligibility",
      "Expiration_Admin_Assignment",
      "Enablement_Admin_Assignment",
      "Notification_Admin_Admin_Assignment",
      "Notification_Requestor_Admin_Assignment",
      "Notification_Approver_Admin_Assignment",
      "Expiration_EndUser_Assignment",
      "Enablement_EndUser_Assignment",
      "Approval_EndUser_Assignment",
      "AuthenticationContext_EndUser_Assignment",
      "Notification_Admin_EndUser_Assignment",
      "Notification_Requestor_EndUser_Assignment",
      "Notification_Approver_EndUser_Assignment",
    ]);
    const approval = (policy.rules as Entity[]).find((r) => r.id === "Approval_EndUser_Assignment");
    expect(keys(approval)).toEqual(["@odata.type", "id", "setting", "target"]);
    expect(keys(approval?.setting as Entity)).toEqual([
      "approvalMode",
      "approvalStages",
      "isApprovalRequired",
      "isApprovalRequiredForExtension",
      "isRequestorJustificationRequired",
    ]);
    const notification = (policy.rules as Entity[]).find((r) => r.id === "Notification_Admin_Admin_Eligibility");
    expect(notification).toMatchObject({
      notificationType: "Email",
      recipientType: "Admin",
      notificationLevel: "All",
      isDefaultRecipientsEnabled: true,
      notificationRecipients: [],
    });
  });

  it("example 3: scopeId of a group and scopeType 'Group'", async () => {
    const res = await t.get(
      token,
      `/policies/roleManagementPolicyAssignments?$filter=scopeId eq '${tier0}' and scopeType eq 'Group'`,
    );
    expect(res.body.value?.map((a) => a.roleDefinitionId).sort()).toEqual(["member", "owner"]);
    for (const a of res.body.value ?? []) expect(keys(a)).toEqual(policyAssignmentKeys);
  });

  it("example 4: a group's owner policy with rules, operations ['All']", async () => {
    const res = await t.get(
      token,
      `/policies/roleManagementPolicyAssignments?$filter=scopeId eq '${tier0}' and scopeType eq 'Group' and roleDefinitionId eq 'owner'&$expand=policy($expand=rules)`,
    );
    const policy = res.body.value?.[0]?.policy as Entity;
    expect(policy).toMatchObject({ displayName: "Group", description: "Group", scopeId: tier0, scopeType: "Group" });
    for (const r of policy.rules as Entity[]) expect((r.target as Entity).operations).toEqual(["All"]);
  });
});

describe("unifiedRoleManagementPolicyAssignment: get", () => {
  it("examples 1 and 2: by id, with and without the policy expanded", async () => {
    const list = await t.get(
      token,
      `/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'Directory' and roleDefinitionId eq '${roles.globalAdministrator}'`,
    );
    const id = String(list.body.value?.[0]?.id);
    const plain = await t.get(token, `/policies/roleManagementPolicyAssignments/${id}`);
    expect(plain.body["@odata.context"]).toBe(metadata("policies/roleManagementPolicyAssignments/$entity"));
    expect(keys(plain.body)).toEqual(["@odata.context", ...policyAssignmentKeys].sort());
    const expanded = await t.get(
      token,
      `/policies/roleManagementPolicyAssignments/${id}?$expand=policy($expand=rules)`,
    );
    expect(expanded.body["@odata.context"]).toBe(
      metadata("policies/roleManagementPolicyAssignments(policy(rules()))/$entity"),
    );
    expect((expanded.body.policy as Entity).displayName).toBe("Directory");
  });
});

describe("conditionalAccessRoot: list authenticationContextClassReferences", () => {
  it("lists the contexts with their four properties", async () => {
    const res = await t.get(token, "/identity/conditionalAccess/authenticationContextClassReferences");
    expect(res.status).toBe(200);
    for (const c of res.body.value ?? []) expect(keys(c)).toEqual(["description", "displayName", "id", "isAvailable"]);
  });
});

describe("json-batching", () => {
  it("example 1: five unrelated requests answer 200 with a status per item", async () => {
    const res = await t.post(token, "/$batch", {
      requests: [
        { id: "1", method: "GET", url: "/me/memberOf" },
        { id: "2", method: "GET", url: "/me/planner/tasks" },
        { id: "3", method: "DELETE", url: `/groups/${tier0}` },
        {
          id: "4",
          url: `/users/${t.admin.oid}/getPasswordSingleSignOnCredentials`,
          method: "POST",
          body: {},
          headers: { "Content-Type": "application/json" },
        },
        {
          id: "5",
          url: "users?$select=id,displayName,userPrincipalName&$filter=city eq null&$count=true",
          method: "GET",
          headers: { ConsistencyLevel: "eventual" },
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.responses?.map((r) => r.id)).toEqual(["1", "2", "3", "4", "5"]);
    for (const r of res.body.responses ?? []) {
      expect(typeof r.status).toBe("number");
      // None of these APIs is part of the local tenant; each answers on its own.
      expect(r.status).toBe(501);
      expect(r.body?.error?.code).toBe("NotImplemented");
    }
  });

  it("example 2: a dependsOn chain runs in sequence", async () => {
    const res = await t.post(token, "/$batch", {
      requests: [
        { id: "1", method: "GET", url: "/me" },
        { id: "2", dependsOn: ["1"], method: "GET", url: "/me" },
        { id: "4", dependsOn: ["2"], method: "GET", url: "/me" },
        { id: "3", dependsOn: ["4"], method: "GET", url: "/me" },
      ],
    });
    expect(res.body.responses?.map((r) => [r.id, r.status])).toEqual([
      ["1", 200],
      ["2", 200],
      ["4", 200],
      ["3", 200],
    ]);
    const log = t.emu.admin.requests().filter((e) => e.batch);
    expect(log.map((e) => e.batch?.itemId)).toEqual(["1", "2", "4", "3"]);
  });
});
