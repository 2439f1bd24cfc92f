/**
 * Our Graph wire types against Microsoft's own (@microsoft/microsoft-graph-types, v1.0):
 *  1. compile time: each contract type is assignable to Microsoft's type for the same entity
 *     (checked by `tsc`, which `npm run check` runs over the tests);
 *  2. run time: every property our contract declares, and every property the local tenant
 *     actually emits for each entity, exists in Microsoft's type (following `extends`).
 * The only exemptions are the enum-like properties whose casing the service itself varies:
 * PIM-for-Groups `memberType` / `assignmentType` (CSDL lower-case, documentation PascalCase) and
 * policy rule `target.operations` (`all` for directory roles, `All` for groups).
 */
import { readFileSync } from "node:fs";
import type * as MS from "@microsoft/microsoft-graph-types";
import { createClock, createEmulator, type Emulator } from "@pimkit/emulator";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type * as C from "../src/graph";
import { microsoftGraphInterfaces, parseInterfaces, propertiesOf, undeclaredProperties } from "./ts-interfaces";

type Rule = Omit<C.GraphPolicyRule, "target"> & { target?: Omit<C.GraphPolicyRuleTarget, "operations"> | null };

describe("compile-time assignability to @microsoft/microsoft-graph-types", () => {
  it("directory roles", () => {
    expectTypeOf<C.GraphRoleDefinition>().toExtend<MS.UnifiedRoleDefinition>();
    expectTypeOf<C.GraphRoleEligibilityScheduleInstance>().toExtend<MS.UnifiedRoleEligibilityScheduleInstance>();
    expectTypeOf<C.GraphRoleAssignmentScheduleInstance>().toExtend<MS.UnifiedRoleAssignmentScheduleInstance>();
    expectTypeOf<C.GraphRoleEligibilitySchedule>().toExtend<MS.UnifiedRoleEligibilitySchedule>();
    expectTypeOf<C.GraphRoleAssignmentSchedule>().toExtend<MS.UnifiedRoleAssignmentSchedule>();
    expectTypeOf<C.GraphRoleAssignmentScheduleRequestInput>().toExtend<MS.UnifiedRoleAssignmentScheduleRequest>();
    expectTypeOf<C.GraphRoleAssignmentScheduleRequest>().toExtend<MS.UnifiedRoleAssignmentScheduleRequest>();
  });

  it("PIM for Groups (casing-variant enums left out)", () => {
    expectTypeOf<
      Omit<C.GraphGroupEligibilityScheduleInstance, "memberType">
    >().toExtend<MS.PrivilegedAccessGroupEligibilityScheduleInstance>();
    expectTypeOf<
      Omit<C.GraphGroupAssignmentScheduleInstance, "memberType" | "assignmentType">
    >().toExtend<MS.PrivilegedAccessGroupAssignmentScheduleInstance>();
    expectTypeOf<
      Omit<C.GraphGroupEligibilitySchedule, "memberType">
    >().toExtend<MS.PrivilegedAccessGroupEligibilitySchedule>();
    expectTypeOf<
      Omit<C.GraphGroupAssignmentSchedule, "memberType" | "assignmentType">
    >().toExtend<MS.PrivilegedAccessGroupAssignmentSchedule>();
    expectTypeOf<C.GraphGroupAssignmentScheduleRequestInput>().toExtend<MS.PrivilegedAccessGroupAssignmentScheduleRequest>();
    expectTypeOf<C.GraphGroupAssignmentScheduleRequest>().toExtend<MS.PrivilegedAccessGroupAssignmentScheduleRequest>();
    expectTypeOf<C.GraphGroupRef>().toExtend<MS.Group>();
  });

  it("policies (rule target operations left out)", () => {
    expectTypeOf<C.GraphRoleManagementPolicyAssignment>().toExtend<
      Omit<MS.UnifiedRoleManagementPolicyAssignment, "policy"> & { policy?: unknown }
    >();
    expectTypeOf<
      Omit<C.GraphRoleManagementPolicy, "rules" | "effectiveRules">
    >().toExtend<MS.UnifiedRoleManagementPolicy>();
    expectTypeOf<Rule>().toExtend<MS.UnifiedRoleManagementPolicyRule>();
    expectTypeOf<Rule>().toExtend<MS.UnifiedRoleManagementPolicyExpirationRule>();
    expectTypeOf<Rule>().toExtend<MS.UnifiedRoleManagementPolicyEnablementRule>();
    expectTypeOf<Rule>().toExtend<MS.UnifiedRoleManagementPolicyAuthenticationContextRule>();
    expectTypeOf<Rule>().toExtend<MS.UnifiedRoleManagementPolicyApprovalRule>();
    expectTypeOf<Rule>().toExtend<MS.UnifiedRoleManagementPolicyNotificationRule>();
    expectTypeOf<C.GraphApprovalStage>().toExtend<MS.UnifiedApprovalStage>();
    expectTypeOf<C.GraphSubjectSet>().toExtend<MS.SingleUser>();
  });

  it("approvals, Conditional Access and directory objects", () => {
    expectTypeOf<C.GraphApproval>().toExtend<MS.Approval>();
    expectTypeOf<C.GraphApprovalStep>().toExtend<MS.ApprovalStage>();
    expectTypeOf<C.GraphAuthenticationContextClassReference>().toExtend<MS.AuthenticationContextClassReference>();
    expectTypeOf<C.GraphConditionalAccessPolicy>().toExtend<MS.ConditionalAccessPolicy>();
    expectTypeOf<C.GraphUser>().toExtend<MS.User>();
    expectTypeOf<C.GraphAdministrativeUnit>().toExtend<MS.AdministrativeUnit>();
    expectTypeOf<C.GraphDirectoryObject>().toExtend<MS.DirectoryObject>();
    expectTypeOf<C.GraphIdentitySet>().toExtend<MS.IdentitySet>();
    expectTypeOf<C.GraphTicketInfo>().toExtend<MS.TicketInfo>();
    expectTypeOf<C.GraphRequestSchedule>().toExtend<MS.RequestSchedule>();
  });
});

/** Contract interface -> Microsoft interface(s) a property may come from. */
const contractMap: Record<string, string[]> = {
  GraphRoleDefinition: ["UnifiedRoleDefinition"],
  GraphDirectoryObject: ["User", "Group", "AdministrativeUnit"],
  GraphRoleEligibilityScheduleInstance: ["UnifiedRoleEligibilityScheduleInstance"],
  GraphRoleAssignmentScheduleInstance: ["UnifiedRoleAssignmentScheduleInstance"],
  GraphRoleEligibilitySchedule: ["UnifiedRoleEligibilitySchedule"],
  GraphRoleAssignmentSchedule: ["UnifiedRoleAssignmentSchedule"],
  GraphRoleAssignmentScheduleRequestInput: ["UnifiedRoleAssignmentScheduleRequest"],
  GraphRoleAssignmentScheduleRequest: ["UnifiedRoleAssignmentScheduleRequest"],
  GraphGroupRef: ["Group"],
  GraphGroupEligibilityScheduleInstance: ["PrivilegedAccessGroupEligibilityScheduleInstance"],
  GraphGroupAssignmentScheduleInstance: ["PrivilegedAccessGroupAssignmentScheduleInstance"],
  GraphGroupEligibilitySchedule: ["PrivilegedAccessGroupEligibilitySchedule"],
  GraphGroupAssignmentSchedule: ["PrivilegedAccessGroupAssignmentSchedule"],
  GraphGroupAssignmentScheduleRequestInput: ["PrivilegedAccessGroupAssignmentScheduleRequest"],
  GraphGroupAssignmentScheduleRequest: ["PrivilegedAccessGroupAssignmentScheduleRequest"],
  GraphPolicyRuleTarget: ["UnifiedRoleManagementPolicyRuleTarget"],
  GraphPolicyRule: [
    "UnifiedRoleManagementPolicyExpirationRule",
    "UnifiedRoleManagementPolicyEnablementRule",
    "UnifiedRoleManagementPolicyAuthenticationContextRule",
    "UnifiedRoleManagementPolicyApprovalRule",
    "UnifiedRoleManagementPolicyNotificationRule",
  ],
  GraphApprovalStage: ["UnifiedApprovalStage"],
  GraphSubjectSet: ["SingleUser", "GroupMembers"],
  GraphRoleManagementPolicy: ["UnifiedRoleManagementPolicy"],
  GraphRoleManagementPolicyAssignment: ["UnifiedRoleManagementPolicyAssignment"],
  GraphAuthenticationContextClassReference: ["AuthenticationContextClassReference"],
  GraphConditionalAccessPolicy: ["ConditionalAccessPolicy"],
  GraphApprovalStep: ["ApprovalStage"],
  GraphApproval: ["Approval"],
  GraphUser: ["User"],
  GraphAdministrativeUnit: ["AdministrativeUnit"],
  GraphIdentity: ["Identity"],
  GraphIdentitySet: ["IdentitySet"],
  GraphTicketInfo: ["TicketInfo"],
  GraphRequestSchedule: ["RequestSchedule"],
  GraphExpirationPattern: ["ExpirationPattern"],
};

describe("contract property names exist in Microsoft's types", () => {
  const ours = parseInterfaces(readFileSync(new URL("../src/graph.ts", import.meta.url), "utf8"));
  const ms = microsoftGraphInterfaces();

  it("parses Microsoft's types, inheritance included", () => {
    const props = propertiesOf(ms, "UnifiedRoleAssignmentScheduleRequest");
    for (const p of ["id", "status", "approvalId", "action", "targetScheduleId", "ticketInfo"])
      expect(props.has(p), p).toBe(true);
    expect(propertiesOf(ms, "PrivilegedAccessGroupEligibilityScheduleInstance").has("startDateTime")).toBe(true);
  });

  it.each(Object.entries(contractMap))("%s", (contract, targets) => {
    const props = propertiesOf(ours, contract);
    expect(props.size).toBeGreaterThan(0);
    const missing = [...props.keys()]
      .filter((p) => !p.startsWith("@odata."))
      .filter((p) => !targets.some((t) => propertiesOf(ms, t).has(p)));
    expect(missing).toEqual([]);
  });

  it("maps every entity-shaped contract interface", () => {
    const notEntities = new Set([
      "GraphCollection",
      "GraphErrorBody",
      "GraphBatchRequestItem",
      "GraphBatchRequest",
      "GraphBatchResponseItem",
      "GraphBatchResponse",
      "GraphPolicyRuleBase",
      "GraphApprovalDecision",
    ]);
    const unmapped = [...ours.keys()].filter((n) => !(n in contractMap) && !notEntities.has(n));
    expect(unmapped).toEqual([]);
  });
});

describe("every property the local tenant emits exists in Microsoft's types", () => {
  let emu: Emulator;
  let token: string;
  let admin: { upn: string; oid: string };
  const get = async (path: string) => {
    const res = await emu.fetch(`${emu.url}/graph/v1.0${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, path).toBeLessThan(300);
    return (await res.json()) as { value?: unknown[] } & Record<string, unknown>;
  };
  const post = async (path: string, body: unknown) => {
    const res = await emu.fetch(`${emu.url}/graph/v1.0${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    emu = await createEmulator({ listen: false, clock: createClock(new Date("2026-03-02T09:00:00Z"), true) });
    const first = emu.users[0];
    if (!first) throw new Error("no users");
    admin = first;
    token = await emu.issueAccessToken({
      upn: admin.upn,
      audience: "https://graph.microsoft.com",
      scopes: [
        "RoleEligibilitySchedule.Read.Directory",
        "RoleAssignmentSchedule.ReadWrite.Directory",
        "RoleManagementPolicy.Read.Directory",
        "RoleManagement.Read.Directory",
        "PrivilegedEligibilitySchedule.Read.AzureADGroup",
        "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
        "RoleManagementPolicy.Read.AzureADGroup",
        "AuthenticationContext.Read.All",
        "Policy.Read.ConditionalAccess",
        "Directory.Read.All",
        "User.Read",
      ],
    });
  });
  afterAll(() => emu.close());

  const check = (value: unknown, type: string) => expect(undeclaredProperties(value, type)).toEqual([]);

  it("directory roles: instances, schedules, requests and role definitions (with expansions)", async () => {
    const expand = "$expand=roleDefinition,principal,directoryScope";
    check(
      (
        await get(
          `/roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId eq '${admin.oid}'&${expand}`,
        )
      ).value,
      "UnifiedRoleEligibilityScheduleInstance",
    );
    check(
      (
        await get(
          `/roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '${admin.oid}'&${expand},activatedUsing`,
        )
      ).value,
      "UnifiedRoleAssignmentScheduleInstance",
    );
    check(
      (await get(`/roleManagement/directory/roleEligibilitySchedules?${expand}`)).value,
      "UnifiedRoleEligibilitySchedule",
    );
    check(
      (await get(`/roleManagement/directory/roleAssignmentSchedules?${expand}`)).value,
      "UnifiedRoleAssignmentSchedule",
    );
    check((await get("/roleManagement/directory/roleDefinitions")).value, "UnifiedRoleDefinition");
    const created = await post("/roleManagement/directory/roleAssignmentScheduleRequests", {
      action: "selfActivate",
      principalId: admin.oid,
      roleDefinitionId: "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
      directoryScopeId: "/",
      justification: "wire check",
      scheduleInfo: { expiration: { type: "afterDuration", duration: "PT1H" } },
    });
    expect(created.status).toBe("Provisioned");
    check(created, "UnifiedRoleAssignmentScheduleRequest");
    check(
      (await get(`/roleManagement/directory/roleAssignmentScheduleRequests?${expand}`)).value,
      "UnifiedRoleAssignmentScheduleRequest",
    );
  });

  it("PIM for Groups: instances, schedules and requests", async () => {
    const expand = "$expand=group,principal";
    const filter = `$filter=principalId eq '${admin.oid}'`;
    const eligible = await get(
      `/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?${filter}&${expand}`,
    );
    check(eligible.value, "PrivilegedAccessGroupEligibilityScheduleInstance");
    check(
      (await get(`/identityGovernance/privilegedAccess/group/eligibilitySchedules?${filter}&${expand}`)).value,
      "PrivilegedAccessGroupEligibilitySchedule",
    );
    const first = (eligible.value ?? [])[0] as { groupId: string; accessId: string };
    const created = await post("/identityGovernance/privilegedAccess/group/assignmentScheduleRequests", {
      accessId: first.accessId,
      action: "selfActivate",
      principalId: admin.oid,
      groupId: first.groupId,
      justification: "wire check",
      scheduleInfo: { expiration: { type: "afterDuration", duration: "PT1H" } },
    });
    check(created, "PrivilegedAccessGroupAssignmentScheduleRequest");
    check(
      (
        await get(
          `/identityGovernance/privilegedAccess/group/assignmentScheduleInstances?${filter}&${expand},activatedUsing`,
        )
      ).value,
      "PrivilegedAccessGroupAssignmentScheduleInstance",
    );
    check(
      (await get(`/identityGovernance/privilegedAccess/group/assignmentSchedules?${filter}&${expand}`)).value,
      "PrivilegedAccessGroupAssignmentSchedule",
    );
    check(
      (await get(`/identityGovernance/privilegedAccess/group/assignmentScheduleRequests?${filter}&${expand}`)).value,
      "PrivilegedAccessGroupAssignmentScheduleRequest",
    );
  });

  it("policies with rules, and approvals", async () => {
    const assignments = await get(
      "/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole'&$expand=policy($expand=rules)",
    );
    check(assignments.value, "UnifiedRoleManagementPolicyAssignment");
    const pending = await post("/roleManagement/directory/roleAssignmentScheduleRequests", {
      action: "selfActivate",
      principalId: admin.oid,
      roleDefinitionId: "e8611ab8-c189-46e8-94e1-60213ab1f814",
      directoryScopeId: "/",
      justification: "wire check",
      scheduleInfo: { expiration: { type: "afterDuration", duration: "PT1H" } },
    });
    expect(pending.status).toBe("PendingApproval");
    const groups = await get("/groups?$filter=displayName eq 'PIM-Tier0-Operators'&$select=id");
    const groupId = String((groups.value?.[0] as { id?: string } | undefined)?.id);
    const owner = await post("/identityGovernance/privilegedAccess/group/assignmentScheduleRequests", {
      accessId: "owner",
      action: "selfActivate",
      principalId: admin.oid,
      groupId,
      justification: "wire check",
      scheduleInfo: { expiration: { type: "afterDuration", duration: "PT1H" } },
    });
    expect(owner.status).toBe("PendingApproval");
    check(
      await get(`/identityGovernance/privilegedAccess/group/assignmentApprovals/${String(owner.approvalId)}`),
      "Approval",
    );
  });

  it("authentication contexts, Conditional Access policies and directory objects", async () => {
    check(
      (await get("/identity/conditionalAccess/authenticationContextClassReferences")).value,
      "AuthenticationContextClassReference",
    );
    check((await get("/identity/conditionalAccess/policies")).value, "ConditionalAccessPolicy");
    check(await get("/me"), "User");
    check((await get("/groups")).value, "Group");
    check((await get("/administrativeUnits")).value, "AdministrativeUnit");
  });

  it("catches a property Microsoft's type lacks (the check itself can fail)", () => {
    expect(
      undeclaredProperties({ id: "x", roleAssignmentScheduleId: "y" }, "UnifiedRoleAssignmentScheduleRequest"),
    ).toEqual(["$.roleAssignmentScheduleId: not a property of UnifiedRoleAssignmentScheduleRequest"]);
    expect(
      undeclaredProperties({ scheduleInfo: { expiration: { kind: "x" } } }, "UnifiedRoleAssignmentScheduleRequest"),
    ).toHaveLength(1);
  });
});
