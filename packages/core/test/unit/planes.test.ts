import { describe, expect, it } from "vitest";
import { assemble } from "../../src/discovery";
import * as azure from "../../src/planes/azure-roles";
import * as entra from "../../src/planes/entra-roles";
import * as groups from "../../src/planes/groups";
import { unknownRequirements } from "../../src/policy";
import { policyKey } from "../../src/policy-service";
import type { ActivationRequirements } from "../../src/types";

const ga = "62e90394-69f5-4237-9190-012177145e10";
const me = "11111111-1111-1111-1111-111111111111";
const sub = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001";
const contributor = `${sub}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;

describe("Entra roles mapping", () => {
  it("maps directory and administrative-unit eligibilities, names resolved", () => {
    const dir = entra.fromEligibility({
      id: "x-1-e",
      principalId: me,
      roleDefinitionId: ga,
      directoryScopeId: "/",
      startDateTime: "2025-01-10T09:00:00Z",
      endDateTime: null,
      memberType: "Direct",
      roleDefinition: { id: ga, displayName: "Global Administrator" },
    });
    expect(dir).toMatchObject({
      kind: "entraRole",
      name: "Global Administrator",
      scope: { id: "/", type: "directory" },
    });
    expect(dir.eligibility).toEqual({ start: "2025-01-10T09:00:00.000Z", end: null, memberType: "direct" });
    const au = entra.fromEligibility({
      id: "y",
      principalId: me,
      roleDefinitionId: "fe930be7-5e62-47db-91af-98c3a49a38b1",
      directoryScopeId: "/administrativeUnits/au-1",
      roleDefinition: { id: "fe930be7-5e62-47db-91af-98c3a49a38b1", displayName: "User Administrator" },
    });
    const roles = assemble([au], [], new Map(), new Map([["au-1", "Paris office"]]));
    expect(roles[0]?.scope).toEqual({
      id: "/administrativeUnits/au-1",
      displayName: "Paris office",
      type: "administrativeUnit",
    });
  });

  it("activated vs permanent assignments; body uses camelCase enums and the scope verbatim", () => {
    const act = entra.fromAssignment({
      id: "a",
      principalId: me,
      roleDefinitionId: ga,
      directoryScopeId: "/",
      assignmentType: "Activated",
      endDateTime: "2026-03-01T12:00:03Z",
    });
    const perm = entra.fromAssignment({
      id: "b",
      principalId: me,
      roleDefinitionId: ga,
      directoryScopeId: "/",
      assignmentType: "Assigned",
    });
    expect(act.assignment?.assignmentType).toBe("activated");
    expect(perm.assignment?.assignmentType).toBe("permanent");
    const body = entra.activationBody({
      roleDefinitionId: ga,
      directoryScopeId: "/administrativeUnits/au-1",
      principalId: me,
      justification: "j",
      ticket: { system: "SN", number: "1" },
      start: null,
      duration: "PT30M",
    });
    expect(body).toEqual({
      action: "selfActivate",
      principalId: me,
      roleDefinitionId: ga,
      directoryScopeId: "/administrativeUnits/au-1",
      justification: "j",
      ticketInfo: { ticketNumber: "1", ticketSystem: "SN" },
      scheduleInfo: { expiration: { type: "afterDuration", duration: "PT30M" } },
    });
  });
});

describe("Groups mapping", () => {
  it("member and owner of one group are separate items with accessId kept, enum case ignored", () => {
    const m = groups.fromEligibility({
      id: "g_member_1",
      principalId: me,
      groupId: "g1",
      accessId: "member",
      memberType: "direct",
      group: { id: "g1", displayName: "grp-ops" },
    });
    const o = groups.fromEligibility({
      id: "g_owner_1",
      principalId: me,
      groupId: "g1",
      accessId: "owner",
      memberType: "Direct",
      group: null,
    });
    const roles = assemble([m, o], [], new Map(), new Map());
    expect(roles.map((r) => r.accessId).sort()).toEqual(["member", "owner"]);
    expect(new Set(roles.map((r) => r.id)).size).toBe(2);
    expect(policyKey(m)).not.toBe(policyKey(o));
    expect(
      groups.fromAssignment({ id: "z", principalId: me, groupId: "g1", accessId: "owner", assignmentType: "activated" })
        .assignment?.assignmentType,
    ).toBe("activated");
    expect(
      groups.activationBody({
        groupId: "g1",
        accessId: "owner",
        principalId: me,
        justification: null,
        ticket: null,
        start: "2026-03-02T00:00:00.000Z",
        duration: "PT1H",
      }),
    ).toEqual({
      accessId: "owner",
      action: "selfActivate",
      principalId: me,
      groupId: "g1",
      scheduleInfo: {
        startDateTime: "2026-03-02T00:00:00.000Z",
        expiration: { type: "afterDuration", duration: "PT1H" },
      },
    });
  });
});

describe("Azure roles mapping", () => {
  it("scope types for management group, subscription, resource group and resource", () => {
    expect(azure.scopeTypeOf("/providers/Microsoft.Management/managementGroups/mg1")).toBe("managementGroup");
    expect(azure.scopeTypeOf(sub)).toBe("subscription");
    expect(azure.scopeTypeOf(`${sub}/resourceGroups/rg1`)).toBe("resourceGroup");
    expect(azure.scopeTypeOf(`${sub}/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1`)).toBe("resource");
    expect(azure.scopeTypeOf("/x", "resourcegroup")).toBe("resourceGroup");
    expect(azure.normalizeScope("/providers/Microsoft.Subscription/subscriptions/S/resourceGroups/RG-1")).toBe(
      "/subscriptions/S/resourceGroups/RG-1",
    );
    expect(azure.isWithinScope(`${sub}/resourceGroups/rg1`, sub)).toBe(true);
    expect(azure.isWithinScope(`${sub}0/resourceGroups/rg1`, sub)).toBe(false);
  });

  it("maps an eligibility with expanded names and an activation body with PascalCase enums", () => {
    const r = azure.fromEligibility({
      id: `${sub}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/9`,
      name: "9",
      type: "Microsoft.Authorization/roleEligibilityScheduleInstances",
      properties: {
        scope: sub,
        roleDefinitionId: contributor,
        principalId: me,
        roleEligibilityScheduleId: `${sub}/providers/Microsoft.Authorization/roleEligibilitySchedules/8`,
        memberType: "Direct",
        expandedProperties: {
          scope: { id: sub, displayName: "Prod", type: "subscription" },
          roleDefinition: { displayName: "Contributor" },
        },
      },
    });
    expect(r).toMatchObject({ name: "Contributor", scope: { id: sub, displayName: "Prod", type: "subscription" } });
    // Same role via a differently spelled role definition id still merges.
    expect(
      azure.azureKey(sub, "/providers/Microsoft.Authorization/roleDefinitions/B24988AC-6180-42A0-AB88-20F7382DD24C"),
    ).toBe(r?.key);
    const body = azure.activationBody({
      roleDefinitionId: contributor,
      principalId: me,
      eligibilityScheduleId: "E",
      justification: "deploy",
      ticket: null,
      start: null,
      duration: "PT1H",
    });
    expect(body.properties).toMatchObject({
      requestType: "SelfActivate",
      linkedRoleEligibilityScheduleId: "E",
      scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT1H" } },
    });
  });

  it("merges eligibility + activation into one active item with requirements", () => {
    const el = azure.fromEligibility({
      id: "e",
      name: "e",
      type: "t",
      properties: { scope: sub, roleDefinitionId: contributor, startDateTime: "2025-01-01T00:00:00Z" },
    });
    const ac = azure.fromAssignment({
      id: "a",
      name: "a",
      type: "t",
      properties: {
        scope: sub,
        roleDefinitionId: contributor,
        assignmentType: "Activated",
        endDateTime: "2026-10-09T19:35:14+00:00",
      },
    });
    if (!el || !ac) throw new Error("mapping failed");
    const req: ActivationRequirements = { ...unknownRequirements, known: true, maxDuration: "PT8H" };
    const [role] = assemble([el, ac], [], new Map([[policyKey(el), req]]), new Map());
    expect(role).toMatchObject({
      state: "active",
      assignmentType: "activated",
      activeUntil: "2026-10-09T19:35:14.000Z",
      requirements: { maxDuration: "PT8H" },
    });
    expect(role?.id).toMatch(/^azure-[0-9a-z]+$/);
  });
});
