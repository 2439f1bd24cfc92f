import { describe, expect, test } from "vitest";
import { loadScenario } from "../../src/scenario/load";
import type { EligibilityRecord, PolicySettings } from "../../src/state/model";
import { parseScope } from "../../src/state/scopes";
import { ADMIN, APPROVER, LIMITED, MINUTE, T0, tenant } from "./helpers";

const t = tenant("demo");
const { state } = t;
const admin = t.user(ADMIN);
const approver = t.user(APPROVER);
const limited = t.user(LIMITED);

const none: Partial<PolicySettings> = {
  justification: false,
  ticket: false,
  mfa: false,
  authContext: null,
  approval: false,
};

function policyOf(e: EligibilityRecord): PolicySettings {
  const target =
    e.target.plane === "directoryRole"
      ? { plane: "directoryRole" as const, roleDefinitionId: e.target.roleDefinitionId }
      : e.target;
  return state.policyFor(target).settings;
}

function adminEligibility(pred: (e: EligibilityRecord) => boolean): EligibilityRecord[] {
  return state.eligibilities({ principalId: admin.oid }).filter(pred);
}

function entraRole(name: string): EligibilityRecord {
  const id = t.directoryRoleId(name);
  const [e] = adminEligibility((x) => x.target.plane === "directoryRole" && x.target.roleDefinitionId === id);
  if (!e) throw new Error(`admin not eligible for ${name}`);
  return e;
}

describe("demo tenant", () => {
  test("tenant under example.com, with a guest tenant", () => {
    expect(state.tenant.displayName).toBe("Contoso");
    expect(state.tenant.domain).toBe("contoso.example.com");
    expect(state.guestTenants.map((g) => g.domain)).toEqual(["fabrikam.example.com"]);
  });

  test("users in order: admin, approver, a user who cannot satisfy c2", () => {
    expect(state.users.map((u) => u.upn)).toEqual([ADMIN, APPROVER, LIMITED]);
    expect(admin).toMatchObject({ canMfa: true, contexts: ["c1", "c2"] });
    expect(limited.canMfa).toBe(true);
    expect(limited.contexts).toContain("c1");
    expect(limited.contexts).not.toContain("c2");
  });

  test("the admin is eligible on all three planes", () => {
    const planes = new Set(state.eligibilities({ principalId: admin.oid }).map((e) => e.target.plane));
    expect([...planes].sort()).toEqual(["azure", "directoryRole", "group"]);
  });

  test("auth contexts c1 and c2 with names, each used by a CA policy", () => {
    expect(state.authContexts.map((c) => c.id)).toEqual(["c1", "c2"]);
    for (const c of state.authContexts) expect(c.displayName.length).toBeGreaterThan(3);
    for (const id of ["c1", "c2"]) {
      expect(state.caPolicies.some((p) => p.state === "enabled" && p.authContexts.includes(id))).toBe(true);
    }
  });

  test("built-in roles carry Microsoft's template ids", () => {
    const byName = (n: string) => state.directoryRoles.find((r) => r.displayName === n)?.id;
    expect(byName("Global Administrator")).toBe("62e90394-69f5-4237-9190-012177145e10");
    expect(byName("Global Reader")).toBe("f2ef992c-3afb-46b9-b7cf-a126ee74c451");
    expect(byName("Exchange Administrator")).toBe("29232cdf-9323-42fd-ade2-1d097af3e4de");
    expect(byName("Security Administrator")).toBe("194ae4cb-b126-40b2-bd5b-6091b380977d");
    const az = (n: string) => state.azureRoleDefinitions.find((r) => r.displayName === n)?.id;
    expect(az("Owner")).toBe("8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
    expect(az("Contributor")).toBe("b24988ac-6180-42a0-ab88-20f7382dd24c");
    expect(az("Reader")).toBe("acdd72a7-3385-48ef-bd42-f606fba81ae7");
  });

  describe("the admin's Entra roles cover every policy kind", () => {
    test("no requirements", () => {
      expect(policyOf(entraRole("Reports Reader"))).toMatchObject(none);
    });
    test("justification only", () => {
      expect(policyOf(entraRole("Global Reader"))).toMatchObject({ ...none, justification: true });
    });
    test("justification and ticket", () => {
      expect(policyOf(entraRole("Exchange Administrator"))).toMatchObject({
        ...none,
        justification: true,
        ticket: true,
      });
    });
    test("MFA only", () => {
      expect(policyOf(entraRole("Helpdesk Administrator"))).toMatchObject({ ...none, mfa: true });
    });
    test("c1 and justification, at most PT1H", () => {
      expect(policyOf(entraRole("Security Administrator"))).toMatchObject({
        ...none,
        justification: true,
        authContext: "c1",
        maxDuration: "PT1H",
      });
    });
    test("approval by the approver, at most PT2H", () => {
      expect(policyOf(entraRole("Privileged Role Administrator"))).toMatchObject({
        approval: true,
        approvers: [approver.oid],
        maxDuration: "PT2H",
      });
    });
    test("c2, at most PT30M", () => {
      expect(policyOf(entraRole("Global Administrator"))).toMatchObject({
        authContext: "c2",
        mfa: false,
        maxDuration: "PT30M",
      });
    });
    test("one eligibility scoped to an administrative unit", () => {
      const au = state.administrativeUnits[0];
      const scoped = adminEligibility((e) => e.target.plane === "directoryRole" && e.target.directoryScopeId !== "/");
      expect(scoped).toHaveLength(1);
      expect(scoped[0]?.target).toMatchObject({ directoryScopeId: `/administrativeUnits/${au?.id}` });
    });
    test("one permanent Assigned assignment", () => {
      const assigned = state.assignments({ principalId: admin.oid }).filter((a) => a.assignmentType === "Assigned");
      expect(assigned).toHaveLength(1);
      expect(assigned[0]?.end).toBeNull();
      expect(assigned[0]?.target.plane).toBe("directoryRole");
    });
    test("one activation already active, expiring in about 20 minutes", () => {
      const active = state.assignments({ principalId: admin.oid }).filter((a) => a.assignmentType === "Activated");
      expect(active).toHaveLength(1);
      const left = Date.parse(active[0]?.end ?? "") - T0.getTime();
      expect(left).toBe(20 * MINUTE);
      const request = state.request("directoryRole", active[0]?.requestId ?? "");
      expect(request).toMatchObject({ status: "Provisioned", action: "selfActivate", assignmentId: active[0]?.id });
    });
  });

  describe("groups", () => {
    const tier0 = t.groupId("PIM-Tier0-Operators");
    test("the admin is member and owner of the first group, whose owner policy needs approval", () => {
      const access = adminEligibility((e) => e.target.plane === "group" && e.target.groupId === tier0).map((e) =>
        e.target.plane === "group" ? e.target.accessId : "",
      );
      expect(access.sort()).toEqual(["member", "owner"]);
      const member = state.policyFor({ plane: "group", groupId: tier0, accessId: "member" }).settings;
      const owner = state.policyFor({ plane: "group", groupId: tier0, accessId: "owner" }).settings;
      expect(member.approval).toBe(false);
      expect(owner).toMatchObject({ approval: true, approvers: [approver.oid] });
      expect(member).not.toEqual(owner);
    });
    test("one group needs c1", () => {
      const breakGlass = t.groupId("PIM-KeyVault-BreakGlass");
      expect(state.policyFor({ plane: "group", groupId: breakGlass, accessId: "member" }).settings.authContext).toBe(
        "c1",
      );
      expect(adminEligibility((e) => e.target.plane === "group" && e.target.groupId === breakGlass)).toHaveLength(1);
    });
  });

  describe("Azure: one role per scope level", () => {
    const azure = adminEligibility((e) => e.target.plane === "azure");
    const at = (kind: string) =>
      azure.filter((e) => e.target.plane === "azure" && parseScope(e.target.scope)?.kind === kind);
    test("management group, no requirements", () => {
      const [e] = at("managementGroup");
      expect(e && policyOf(e)).toMatchObject(none);
    });
    test("subscription, justification and ticket, at most PT4H", () => {
      const [e] = at("subscription");
      expect(e && policyOf(e)).toMatchObject({ ...none, justification: true, ticket: true, maxDuration: "PT4H" });
    });
    test("resource group, c1", () => {
      const [e] = at("resourceGroup");
      expect(e && policyOf(e)).toMatchObject({ authContext: "c1", mfa: false });
    });
    test("single resource, MFA", () => {
      const [e] = at("resource");
      expect(e && policyOf(e)).toMatchObject({ ...none, mfa: true });
    });
  });

  test("the third user has eligibilities, including a c2 role", () => {
    const mine = state.eligibilities({ principalId: limited.oid });
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.some((e) => policyOf(e).authContext === "c2")).toBe(true);
    expect(mine.some((e) => policyOf(e).authContext === "c1")).toBe(true);
  });

  test("ids are the same on every load", () => {
    const a = loadScenario("demo");
    const b = loadScenario("demo");
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
