/**
 * Role management policies and policy assignments: the two-step read clients do, the 17 rules in
 * ARM's form, and the 403 for a policy the caller may not read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoScenario } from "../../src/scenario/demo";
import { type ArmHarness, admin, approver, armHarness, limited, roles } from "./helpers";

const v = "api-version=2020-10-01";
const auth = "/providers/Microsoft.Authorization";

interface Rule {
  id: string;
  ruleType: string;
  target: { caller: string; operations: string[]; level: string };
  [k: string]: unknown;
}
interface PolicyAssignment {
  id: string;
  name: string;
  type: string;
  properties: {
    scope: string;
    roleDefinitionId: string;
    policyId: string;
    effectiveRules: Rule[];
    policyAssignmentProperties: Record<string, unknown>;
  };
}
interface Policy {
  id: string;
  name: string;
  type: string;
  properties: {
    scope: string;
    rules: Rule[];
    effectiveRules: Rule[];
    policyProperties: unknown;
    isOrganizationDefault: boolean;
  };
}

const ruleIds = [
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
];

describe("two-step policy read", () => {
  let h: ArmHarness;
  let prod: string;
  beforeAll(async () => {
    h = await armHarness();
    prod = `/subscriptions/${h.subscriptionId("Contoso Production")}`;
  });
  afterAll(() => h.close());

  const assignmentFor = async (scope: string, roleDefinitionId: string) => {
    const filter = encodeURIComponent(`roleDefinitionId eq '${roleDefinitionId}'`);
    const res = await h.call("GET", `${scope}${auth}/roleManagementPolicyAssignments?${v}&$filter=${filter}`);
    expect(res.status).toBe(200);
    const { value } = await h.json<{ value: PolicyAssignment[] }>(res);
    expect(value.length).toBe(1);
    return value[0] as PolicyAssignment;
  };

  it("finds the policy assignment by role definition, with effectiveRules, then reads the policy", async () => {
    const roleId = `${prod}${auth}/roleDefinitions/${roles.contributor}`;
    const pa = await assignmentFor(prod, roleId);
    const policyGuid = pa.properties.policyId.split("/").pop() ?? "";
    expect(pa).toMatchObject({
      name: `${policyGuid}_${roles.contributor}`,
      id: `${prod}${auth}/roleManagementPolicyAssignments/${policyGuid}_${roles.contributor}`,
      type: "Microsoft.Authorization/roleManagementPolicyAssignments",
      properties: {
        scope: prod,
        roleDefinitionId: roleId,
        policyId: `${prod}${auth}/roleManagementPolicies/${policyGuid}`,
        policyAssignmentProperties: {
          scope: { id: prod, displayName: "Contoso Production", type: "subscription" },
          roleDefinition: { id: roleId, displayName: "Contributor", type: "BuiltInRole" },
          policy: { id: `${prod}${auth}/roleManagementPolicies/${policyGuid}` },
        },
      },
    });
    expect(pa.properties.effectiveRules.map((r) => r.id)).toEqual(ruleIds);

    const res = await h.call("GET", `${pa.properties.policyId}?${v}`);
    expect(res.status).toBe(200);
    const policy = await h.json<Policy>(res);
    expect(policy).toMatchObject({ name: policyGuid, type: "Microsoft.Authorization/roleManagementPolicies" });
    expect(policy.properties.scope).toBe(prod);
    expect(policy.properties.isOrganizationDefault).toBe(false);
    expect(policy.properties.policyProperties).toEqual({
      scope: { id: prod, displayName: "Contoso Production", type: "subscription" },
    });
    expect(policy.properties.rules).toEqual(policy.properties.effectiveRules);
    const rules = new Map(policy.properties.rules.map((r) => [r.id, r]));
    for (const r of policy.properties.rules) expect(r.target.operations).toEqual(["All"]);
    expect(rules.get("Expiration_EndUser_Assignment")).toEqual({
      isExpirationRequired: true,
      maximumDuration: "PT4H",
      id: "Expiration_EndUser_Assignment",
      ruleType: "RoleManagementPolicyExpirationRule",
      target: { caller: "EndUser", operations: ["All"], level: "Assignment" },
    });
    expect(rules.get("Enablement_EndUser_Assignment")?.enabledRules).toEqual(["Justification", "Ticketing"]);
    expect(rules.get("AuthenticationContext_EndUser_Assignment")).toMatchObject({
      ruleType: "RoleManagementPolicyAuthenticationContextRule",
      isEnabled: false,
      claimValue: "",
    });
    expect(rules.get("Notification_Approver_EndUser_Assignment")).toMatchObject({
      ruleType: "RoleManagementPolicyNotificationRule",
      notificationType: "Email",
      recipientType: "Approver",
    });
    expect(JSON.stringify(policy)).not.toContain("null");
  });

  it("carries an authentication context as claimValue and approvers as UserSets", async () => {
    const rg = `${prod}/resourceGroups/rg-web-prod`;
    const owner = await assignmentFor(rg, `${prod}${auth}/roleDefinitions/${roles.owner}`);
    const acrs = owner.properties.effectiveRules.find((r) => r.id === "AuthenticationContext_EndUser_Assignment");
    expect(acrs).toMatchObject({ isEnabled: true, claimValue: "c1" });

    h.emu.admin.setPolicy(
      { plane: "azure", scope: prod, roleDefinitionId: roles.contributor },
      { approval: true, approvers: [h.oid(approver)] },
    );
    const contributor = await assignmentFor(prod, `${prod}${auth}/roleDefinitions/${roles.contributor}`);
    const approval = contributor.properties.effectiveRules.find((r) => r.id === "Approval_EndUser_Assignment");
    expect(approval).toMatchObject({
      ruleType: "RoleManagementPolicyApprovalRule",
      setting: {
        isApprovalRequired: true,
        approvalMode: "SingleStage",
        approvalStages: [
          {
            approvalStageTimeOutInDays: 1,
            primaryApprovers: [
              { id: h.oid(approver), description: "Priya Natarajan", isBackup: false, userType: "User" },
            ],
          },
        ],
      },
    });
  });

  it("gives the tenant default policy for a role nobody set, and it can be read in the second step", async () => {
    const dev = `/subscriptions/${h.subscriptionId("Contoso Development")}`;
    const pa = await assignmentFor(dev, `${dev}${auth}/roleDefinitions/${roles.owner}`);
    const res = await h.call("GET", `${pa.properties.policyId}?${v}`);
    expect(res.status).toBe(200);
    const rules = (await h.json<Policy>(res)).properties.rules;
    expect(rules.find((r) => r.id === "Expiration_EndUser_Assignment")?.maximumDuration).toBe("PT8H");
  });

  it("lists policies and policy assignments at a scope and gets an assignment by name", async () => {
    const policies = await h.call("GET", `${prod}${auth}/roleManagementPolicies?${v}`);
    const names = (await h.json<{ value: Policy[] }>(policies)).value.map((p) => p.properties.scope);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set([prod]));
    const list = await h.call("GET", `${prod}${auth}/roleManagementPolicyAssignments?${v}`);
    const [first] = (await h.json<{ value: PolicyAssignment[] }>(list)).value;
    if (!first) throw new Error("a policy assignment at the subscription");
    const get = await h.call("GET", `${prod}${auth}/roleManagementPolicyAssignments/${first.name}?${v}`);
    expect(get.status).toBe(200);
    expect((await h.json<PolicyAssignment>(get)).id).toBe(first.id);
    const missing = await h.call(
      "GET",
      `${prod}${auth}/roleManagementPolicies/00000000-0000-0000-0000-000000000000?${v}`,
    );
    expect(missing.status).toBe(404);
  });

  it("refuses a filter the list does not support", async () => {
    const res = await h.call("GET", `${prod}${auth}/roleManagementPolicyAssignments?${v}&$filter=asTarget()`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UnsupportedQuery");
  });
});

describe("a policy only some users may read", () => {
  let h: ArmHarness;
  let prod: string;
  beforeAll(async () => {
    const scenario = demoScenario();
    for (const p of scenario.policies ?? []) {
      if ("azureRole" in p && p.azureRole === "Contributor") Object.assign(p, { readableBy: [approver] });
    }
    h = await armHarness({ scenario });
    prod = `/subscriptions/${h.subscriptionId("Contoso Production")}`;
  });
  afterAll(() => h.close());

  it("answers 403 AuthorizationFailed on both steps of the read for anyone else", async () => {
    const roleId = `${prod}${auth}/roleDefinitions/${roles.contributor}`;
    const filter = encodeURIComponent(`roleDefinitionId eq '${roleId}'`);
    const asApprover = await h.call("GET", `${prod}${auth}/roleManagementPolicyAssignments?${v}&$filter=${filter}`, {
      as: approver,
    });
    expect(asApprover.status).toBe(200);
    const [pa] = (await h.json<{ value: PolicyAssignment[] }>(asApprover)).value;
    if (!pa) throw new Error("the approver reads the policy assignment");

    for (const as of [admin, limited]) {
      const step1 = await h.call("GET", `${prod}${auth}/roleManagementPolicyAssignments?${v}&$filter=${filter}`, {
        as,
      });
      expect(step1.status).toBe(403);
      const body1 = (await step1.json()) as { error: { code: string; message: string } };
      expect(body1.error.code).toBe("AuthorizationFailed");
      expect(body1.error.message).toContain("'Microsoft.Authorization/roleManagementPolicyAssignments/read'");
      const step2 = await h.call("GET", `${pa.properties.policyId}?${v}`, { as });
      expect(step2.status).toBe(403);
      const body2 = (await step2.json()) as { error: { code: string; message: string } };
      expect(body2.error.message).toContain("'Microsoft.Authorization/roleManagementPolicies/read'");
      expect(body2.error.message).toContain(`over scope '${pa.properties.policyId}'`);
    }
    expect((await h.call("GET", `${pa.properties.policyId}?${v}`, { as: approver })).status).toBe(200);
  });
});
