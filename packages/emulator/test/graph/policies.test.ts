import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Entity, roles, startTenant, type Tenant } from "./helpers";

let t: Tenant;
let token: string;
let tier0: string;
beforeAll(async () => {
  t = await startTenant({ settings: { pageSize: 100 } });
  token = await t.token(t.admin.upn);
  tier0 = t.groupId("PIM-Tier0-Operators");
});
afterAll(() => t.close());

const assignments = "/policies/roleManagementPolicyAssignments";
const guid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

function rulesOf(assignment: Entity): Entity[] {
  return ((assignment.policy as Entity).rules as Entity[]) ?? [];
}

function rule(rules: Entity[], id: string): Entity {
  const r = rules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
}

describe("roleManagementPolicyAssignments", () => {
  it("needs scopeId and scopeType in the filter", async () => {
    for (const q of ["", "?$filter=scopeId eq '/'", "?$filter=scopeType eq 'DirectoryRole'"]) {
      const res = await t.get(token, `${assignments}${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error?.code).toBe("UnknownError");
      expect(JSON.parse(String(res.body.error?.message)).errorCode).toBe("InvalidFilter");
    }
  });

  it("answers a scopeType no provider serves with MissingProvider", async () => {
    const res = await t.get(token, `${assignments}?$filter=scopeId eq '/' and scopeType eq 'azurerbac'`);
    expect(res.status).toBe(400);
    expect(JSON.parse(String(res.body.error?.message)).errorCode).toBe("MissingProvider");
  });

  it("gets one directory role's policy with nested $expand, in the documented id shapes", async () => {
    const res = await t.get(
      token,
      `${assignments}?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${roles.globalAdministrator}'&$expand=policy($expand=rules)`,
    );
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe(
      `${t.emu.url}/graph/v1.0/$metadata#policies/roleManagementPolicyAssignments(policy(rules()))`,
    );
    expect(res.body.value).toHaveLength(1);
    const a = res.body.value?.[0] as Entity;
    expect(String(a.id)).toMatch(new RegExp(`^DirectoryRole_${t.emu.tenantId}_${guid}_${roles.globalAdministrator}$`));
    expect(a.policyId).toBe(String(a.id).replace(`_${roles.globalAdministrator}`, ""));
    expect(a).toMatchObject({ scopeId: "/", scopeType: "DirectoryRole", roleDefinitionId: roles.globalAdministrator });
    expect(a.policy).toMatchObject({
      id: a.policyId,
      displayName: "DirectoryRole",
      scopeType: "DirectoryRole",
      isOrganizationDefault: false,
    });
    const rules = rulesOf(a);
    expect(rules).toHaveLength(17);
    expect(rule(rules, "Expiration_EndUser_Assignment")).toMatchObject({
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
      isExpirationRequired: true,
      maximumDuration: "PT30M",
      target: {
        caller: "EndUser",
        operations: ["all"],
        level: "Assignment",
        inheritableSettings: [],
        enforcedSettings: [],
      },
    });
    expect(rule(rules, "AuthenticationContext_EndUser_Assignment")).toMatchObject({
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule",
      isEnabled: true,
      claimValue: "c2",
    });
    expect(rule(rules, "Enablement_EndUser_Assignment")).toMatchObject({ enabledRules: ["Justification"] });
    for (const r of rules)
      expect(String(r["@odata.type"])).toMatch(
        /^#microsoft\.graph\.unifiedRoleManagementPolicy(Expiration|Enablement|AuthenticationContext|Approval|Notification)Rule$/,
      );
  });

  it("names approvers as singleUser subject sets", async () => {
    const res = await t.get(
      token,
      `${assignments}?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${roles.privilegedRoleAdministrator}'&$expand=policy($expand=rules)`,
    );
    const approval = rule(rulesOf(res.body.value?.[0] as Entity), "Approval_EndUser_Assignment");
    expect(approval).toMatchObject({
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
      setting: {
        isApprovalRequired: true,
        approvalMode: "SingleStage",
        approvalStages: [
          {
            primaryApprovers: [
              { "@odata.type": "#microsoft.graph.singleUser", userId: t.approver.oid, description: "Priya Natarajan" },
            ],
          },
        ],
      },
    });
  });

  it("lists every directory role under scopeType Directory with Directory_ ids", async () => {
    const res = await t.get(token, `${assignments}?$filter=scopeId eq '/' and scopeType eq 'Directory'`);
    expect(res.status).toBe(200);
    expect((res.body.value ?? []).length).toBeGreaterThan(9);
    for (const a of res.body.value ?? []) {
      expect(String(a.id)).toMatch(/^Directory_/);
      expect(a.scopeType).toBe("Directory");
      expect(a.policy).toBeUndefined();
    }
  });

  it("answers OR-combined roleDefinitionId predicates", async () => {
    const ors = [roles.globalAdministrator, roles.globalReader, roles.securityAdministrator]
      .map((r) => `roleDefinitionId eq '${r}'`)
      .join(" or ");
    const res = await t.get(
      token,
      `${assignments}?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and (${ors})`,
    );
    expect(res.status).toBe(200);
    expect(res.body.value?.map((a) => a.roleDefinitionId).sort()).toEqual(
      [roles.globalAdministrator, roles.globalReader, roles.securityAdministrator].sort(),
    );
  });

  it("refuses more than 15 OR'ed clauses with InvalidFilter", async () => {
    const ids = Array.from({ length: 16 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`);
    const ors = ids.map((r) => `roleDefinitionId eq '${r}'`).join(" or ");
    const res = await t.get(
      token,
      `${assignments}?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and (${ors})`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("InvalidFilter");
    const fifteen = ids
      .slice(0, 15)
      .map((r) => `roleDefinitionId eq '${r}'`)
      .join(" or ");
    expect(
      (await t.get(token, `${assignments}?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and (${fifteen})`))
        .status,
    ).toBe(200);
  });

  it("answers a group's member and owner policies apart, with ['All'] operations", async () => {
    const both = await t.get(token, `${assignments}?$filter=scopeId eq '${tier0}' and scopeType eq 'Group'`);
    expect(both.body.value?.map((a) => a.roleDefinitionId).sort()).toEqual(["member", "owner"]);
    for (const a of both.body.value ?? []) {
      expect(String(a.id)).toMatch(new RegExp(`^Group_${tier0}_${guid}_(member|owner)$`));
    }
    const owner = await t.get(
      token,
      `${assignments}?$filter=scopeId eq '${tier0}' and scopeType eq 'Group' and roleDefinitionId eq 'owner'&$expand=policy($expand=rules)`,
    );
    const rules = rulesOf(owner.body.value?.[0] as Entity);
    expect(rule(rules, "Approval_EndUser_Assignment")).toMatchObject({ setting: { isApprovalRequired: true } });
    expect(rule(rules, "Expiration_EndUser_Assignment")).toMatchObject({
      maximumDuration: "PT2H",
      target: { operations: ["All"] },
    });
    const member = await t.get(
      token,
      `${assignments}?$filter=scopeId eq '${tier0}' and scopeType eq 'Group' and roleDefinitionId eq 'member'&$expand=policy($expand=rules)`,
    );
    expect(rule(rulesOf(member.body.value?.[0] as Entity), "Approval_EndUser_Assignment")).toMatchObject({
      setting: { isApprovalRequired: false },
    });
  });

  it("needs the group policy scope for groups and the directory one for roles", async () => {
    const directoryOnly = await t.token(t.admin.upn, { scopes: ["RoleManagementPolicy.Read.Directory"] });
    expect(
      (await t.get(directoryOnly, `${assignments}?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole'`)).status,
    ).toBe(200);
    expect(
      (await t.get(directoryOnly, `${assignments}?$filter=scopeId eq '${tier0}' and scopeType eq 'Group'`)).status,
    ).toBe(403);
  });

  it("selects inside the nested expansion", async () => {
    const res = await t.get(
      token,
      `${assignments}?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${roles.globalReader}'&$select=id,policyId&$expand=policy($select=id;$expand=rules($select=id))`,
    );
    expect(res.status).toBe(200);
    const a = res.body.value?.[0] as Entity;
    expect(Object.keys(a).sort()).toEqual(["id", "policy", "policyId"]);
    expect(Object.keys(a.policy as Entity).sort()).toEqual(["id", "rules"]);
    for (const r of rulesOf(a)) expect(Object.keys(r).sort()).toEqual(["@odata.type", "id"]);
  });

  it("gets an assignment by id, and 404s a made-up one", async () => {
    const list = await t.get(
      token,
      `${assignments}?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${roles.globalReader}'`,
    );
    const id = String(list.body.value?.[0]?.id);
    const one = await t.get(token, `${assignments}/${id}?$expand=policy($expand=rules)`);
    expect(one.status).toBe(200);
    expect(one.body["@odata.context"]).toBe(
      `${t.emu.url}/graph/v1.0/$metadata#policies/roleManagementPolicyAssignments(policy(rules()))/$entity`,
    );
    expect(rulesOf(one.body as Entity)).toHaveLength(17);
    const missing = await t.get(
      token,
      `${assignments}/DirectoryRole_${t.emu.tenantId}_00000000-0000-0000-0000-000000000000_${roles.globalReader}`,
    );
    expect(missing.status).toBe(404);
  });
});

describe("roleManagementPolicies", () => {
  it("gets a policy with $expand=rules, its /rules and one rule", async () => {
    const list = await t.get(
      token,
      `${assignments}?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${roles.exchangeAdministrator}'`,
    );
    const policyId = String(list.body.value?.[0]?.policyId);
    const policy = await t.get(token, `/policies/roleManagementPolicies/${policyId}?$expand=rules`);
    expect(policy.status).toBe(200);
    expect(policy.body.id).toBe(policyId);
    expect(policy.body.rules as Entity[]).toHaveLength(17);
    expect(rule(policy.body.rules as Entity[], "Enablement_EndUser_Assignment")).toMatchObject({
      enabledRules: ["Justification", "Ticketing"],
    });

    const rules = await t.get(token, `/policies/roleManagementPolicies/${policyId}/rules`);
    expect(rules.body.value).toHaveLength(17);
    const one = await t.get(token, `/policies/roleManagementPolicies/${policyId}/rules/Expiration_EndUser_Assignment`);
    expect(one.body).toMatchObject({ id: "Expiration_EndUser_Assignment", maximumDuration: "PT8H" });
    expect((await t.get(token, `/policies/roleManagementPolicies/${policyId}/rules/NoSuchRule`)).status).toBe(404);
  });

  it("lists policies by scope", async () => {
    const res = await t.get(
      token,
      `/policies/roleManagementPolicies?$filter=scopeId eq '${tier0}' and scopeType eq 'Group'`,
    );
    expect(res.status).toBe(200);
    expect(res.body.value).toHaveLength(2);
    for (const p of res.body.value ?? []) expect(String(p.id)).toMatch(new RegExp(`^Group_${tier0}_${guid}$`));
  });
});
