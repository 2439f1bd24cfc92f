import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { stableGuid } from "../../src/scenario/ids";
import { loadScenario, ScenarioError, type ScenarioInput } from "../../src/scenario/load";

const dir = mkdtempSync(join(tmpdir(), "pimkit-scenario-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A small valid scenario; each test breaks one thing. */
function base(): ScenarioInput {
  return {
    tenant: { displayName: "Tailspin", domain: "tailspin.example.com" },
    users: [
      { upn: "kim@tailspin.example.com", displayName: "Kim Park", contexts: ["c1"] },
      { upn: "lee@tailspin.example.com", displayName: "Lee Chan" },
    ],
    authContexts: [{ id: "c1", displayName: "Step-up" }],
    administrativeUnits: [{ displayName: "Sales" }],
    groups: [{ displayName: "Ops Admins" }],
    managementGroups: [{ name: "tailspin", displayName: "Tailspin" }],
    subscriptions: [{ displayName: "Prod", managementGroup: "tailspin" }],
    resourceGroups: [{ subscription: "Prod", name: "rg-app" }],
    resources: [{ subscription: "Prod", resourceGroup: "rg-app", name: "kv-app", type: "Microsoft.KeyVault/vaults" }],
    policies: [{ directoryRole: "Global Reader", justification: false, mfa: false, maxDuration: "PT1H" }],
    eligibilities: [
      { principal: "kim@tailspin.example.com", directoryRole: "Global Reader" },
      { principal: "kim", group: "Ops Admins", accessId: "owner" },
      { principal: "Kim Park", azureRole: "Reader", scope: { subscription: "Prod", resourceGroup: "rg-app" } },
    ],
  };
}

function errorOf(source: string | object): ScenarioError {
  try {
    loadScenario(source);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("expected the scenario to be refused");
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("valid scenarios", () => {
  test("resolves references by upn, local part and display name", () => {
    const s = loadScenario(base());
    const kim = s.users[0];
    expect(kim?.upn).toBe("kim@tailspin.example.com");
    expect(s.eligibilities.map((e) => e.principalId)).toEqual([kim?.oid, kim?.oid, kim?.oid]);
    expect(s.eligibilities[0]?.target).toEqual({
      plane: "directoryRole",
      roleDefinitionId: "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
      directoryScopeId: "/",
    });
    expect(s.eligibilities[1]?.target).toMatchObject({ plane: "group", accessId: "owner" });
    const sub = s.subscriptions[0]?.subscriptionId;
    expect(s.eligibilities[2]?.target).toEqual({
      plane: "azure",
      scope: `/subscriptions/${sub}/resourceGroups/rg-app`,
      roleDefinitionId: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    });
  });

  test("ids are derived deterministically and differ per name", () => {
    const a = loadScenario(base());
    const b = loadScenario(base());
    expect(a.tenant.id).toBe(b.tenant.id);
    expect(a.users.map((u) => u.oid)).toEqual(b.users.map((u) => u.oid));
    expect(a.eligibilities.map((e) => e.id)).toEqual(b.eligibilities.map((e) => e.id));
    expect(a.policies.map((p) => p.policyGuid)).toEqual(b.policies.map((p) => p.policyGuid));
    expect(a.users[0]?.oid).not.toBe(a.users[1]?.oid);
    expect(a.tenant.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableGuid("x", "Y")).toBe(stableGuid("X", "y"));
  });

  test("explicit ids are kept", () => {
    const input = base();
    input.tenant.id = "11111111-2222-3333-4444-555555555555";
    const s = loadScenario(input);
    expect(s.tenant.id).toBe("11111111-2222-3333-4444-555555555555");
  });

  test("policy defaults mirror the service: PT8H, MFA and justification; setting a context turns MFA off", () => {
    const input = base();
    input.policies = [
      { directoryRole: "Security Administrator", authContext: "c1" },
      { group: "Ops Admins", accessId: "member" },
    ];
    const s = loadScenario(input);
    for (const plane of ["directoryRole", "group", "azure"] as const) {
      expect(s.policyDefaults[plane]).toEqual({
        maxDuration: "PT8H",
        justification: true,
        ticket: false,
        mfa: true,
        authContext: null,
        approval: false,
        approvers: [],
      });
    }
    expect(s.policies[0]?.settings).toMatchObject({ authContext: "c1", mfa: false, justification: true });
    expect(s.policies[1]?.settings).toMatchObject({ mfa: true, justification: true, maxDuration: "PT8H" });
  });

  test("loads JSON and YAML files", () => {
    const json = file("tenant.json", JSON.stringify(base()));
    expect(loadScenario(json).users).toHaveLength(2);
    const yaml = file(
      "tenant.yaml",
      [
        "tenant: { displayName: Tailspin, domain: tailspin.example.com }",
        "users:",
        "  - upn: kim@tailspin.example.com",
        "    displayName: Kim Park",
        "eligibilities:",
        "  - principal: kim",
        "    directoryRole: Global Reader",
        "    end: P90D",
      ].join("\n"),
    );
    const s = loadScenario(yaml);
    expect(s.eligibilities[0]?.end).toBe("P90D");
  });

  test("the example scenario shipped with the package loads", () => {
    const s = loadScenario(new URL("../../scenarios/minimal.yaml", import.meta.url).pathname);
    expect(s.users.length).toBeGreaterThan(0);
    expect(s.eligibilities.length).toBeGreaterThan(0);
  });
});

describe("refused scenarios name the JSON path of the problem", () => {
  test("bad JSON file", () => {
    const e = errorOf(file("broken.json", '{"tenant": {"displayName": "x",}'));
    expect(e.path).toBe("$");
    expect(e.message).toMatch(/not valid JSON/);
  });

  test("bad YAML file", () => {
    const e = errorOf(file("broken.yaml", "tenant: [unclosed\nusers: {"));
    expect(e.path).toBe("$");
    expect(e.message).toMatch(/not valid YAML at line \d+/);
  });

  test("missing file and unknown name", () => {
    expect(errorOf(join(dir, "nope.json")).message).toMatch(/cannot read/);
    expect(errorOf("contoso").message).toMatch(/unknown scenario/);
  });

  test("wrong type", () => {
    const input = base() as Record<string, unknown>;
    input.users = [{ upn: "kim@tailspin.example.com", displayName: "Kim", canMfa: "yes" }];
    const e = errorOf(input);
    expect(e.path).toBe("$.users[0].canMfa");
  });

  test("missing required field", () => {
    const input = base() as Record<string, unknown>;
    input.tenant = { displayName: "Tailspin" };
    expect(errorOf(input).path).toBe("$.tenant.domain");
  });

  test("unknown key (a typo) is an error, not ignored", () => {
    const input = base();
    input.eligibilities = [{ principal: "kim", directoryRole: "Global Reader", endd: "P1D" } as never];
    const e = errorOf(input);
    expect(e.path).toBe("$.eligibilities[0]");
    expect(e.message).toMatch(/endd/);
  });

  test("unknown group reference", () => {
    const input = base();
    input.eligibilities?.push(
      { principal: "kim", directoryRole: "Global Administrator" },
      { principal: "lee", directoryRole: "Reports Reader" },
      { principal: "lee", group: "Ops Admins" },
      { principal: "lee", group: "Payroll Admins" },
    );
    const e = errorOf(input);
    expect(e.path).toBe("$.eligibilities[6].group");
    expect(e.message).toMatch(/unknown group "Payroll Admins"/);
  });

  test.each([
    ["user", { principal: "nobody", directoryRole: "Global Reader" }, "$.eligibilities[3].principal"],
    ["directory role", { principal: "kim", directoryRole: "Chief Wizard" }, "$.eligibilities[3].directoryRole"],
    [
      "Azure role",
      { principal: "kim", azureRole: "Overlord", scope: { subscription: "Prod" } },
      "$.eligibilities[3].azureRole",
    ],
    [
      "subscription",
      { principal: "kim", azureRole: "Owner", scope: { subscription: "Test" } },
      "$.eligibilities[3].scope.subscription",
    ],
    [
      "resource group",
      { principal: "kim", azureRole: "Owner", scope: { subscription: "Prod", resourceGroup: "rg-x" } },
      "$.eligibilities[3].scope.resourceGroup",
    ],
    [
      "resource",
      {
        principal: "kim",
        azureRole: "Owner",
        scope: { subscription: "Prod", resourceGroup: "rg-app", resource: "kv-x" },
      },
      "$.eligibilities[3].scope.resource",
    ],
    [
      "management group",
      { principal: "kim", azureRole: "Owner", scope: { managementGroup: "mg-x" } },
      "$.eligibilities[3].scope.managementGroup",
    ],
    [
      "raw scope",
      { principal: "kim", azureRole: "Owner", scope: "/subscriptions/00000000-0000-0000-0000-000000000000" },
      "$.eligibilities[3].scope",
    ],
    [
      "administrative unit",
      { principal: "kim", directoryRole: "User Administrator", administrativeUnit: "Legal" },
      "$.eligibilities[3].administrativeUnit",
    ],
  ])("unknown %s", (_what, eligibility, path) => {
    const input = base();
    input.eligibilities?.push(eligibility as never);
    expect(errorOf(input).path).toBe(path);
  });

  test("a target must name exactly one plane", () => {
    const input = base();
    input.eligibilities = [{ principal: "kim", directoryRole: "Global Reader", group: "Ops Admins" }];
    expect(errorOf(input).path).toBe("$.eligibilities[0]");
    input.eligibilities = [{ principal: "kim", azureRole: "Reader" }];
    expect(errorOf(input).path).toBe("$.eligibilities[0].scope");
    input.eligibilities = [{ principal: "kim", directoryRole: "Global Reader", accessId: "owner" }];
    expect(errorOf(input).path).toBe("$.eligibilities[0].accessId");
  });

  test("a policy requiring both MFA and an authentication context is refused (MfaAndAcrsConflict)", () => {
    const input = base();
    input.policies = [
      { directoryRole: "Global Reader" },
      { directoryRole: "Security Administrator", mfa: true, authContext: "c1" },
    ];
    const e = errorOf(input);
    expect(e.path).toBe("$.policies[1]");
    expect(e.message).toMatch(/MfaAndAcrsConflict/);
  });

  test("policy defaults are checked too", () => {
    const input = base();
    input.policyDefaults = { azure: { mfa: true, authContext: "c1" } };
    expect(errorOf(input).path).toBe("$.policyDefaults.azure");
  });

  test("bad ISO durations", () => {
    const input = base();
    input.policies = [{ directoryRole: "Global Reader", maxDuration: "8 hours" }];
    const e = errorOf(input);
    expect(e.path).toBe("$.policies[0].maxDuration");
    input.policies = [{ directoryRole: "Global Reader", maxDuration: "P1M" }];
    expect(errorOf(input).path).toBe("$.policies[0].maxDuration");
    input.policies = [];
    input.eligibilities = [{ principal: "kim", directoryRole: "Global Reader", end: "next week" }];
    expect(errorOf(input).path).toBe("$.eligibilities[0].end");
  });

  test("authentication context ids are c1..c99 and must be declared", () => {
    const input = base();
    input.authContexts = [{ id: "c100", displayName: "Too far" }];
    expect(errorOf(input).path).toBe("$.authContexts[0].id");
    const other = base();
    other.authContexts = [{ id: "C1" as "c1", displayName: "Upper case" }];
    expect(errorOf(other).path).toBe("$.authContexts[0].id");
    const undeclared = base();
    undeclared.policies = [{ directoryRole: "Global Reader", authContext: "c7" }];
    expect(errorOf(undeclared).path).toBe("$.policies[0].authContext");
    const userContext = base();
    userContext.users[1] = { upn: "lee@tailspin.example.com", displayName: "Lee", contexts: ["c2"] };
    expect(errorOf(userContext).path).toBe("$.users[1].contexts[0]");
  });

  test("duplicate ids and duplicate objects", () => {
    const users = base();
    users.users.push({ upn: "KIM@tailspin.example.com", displayName: "Kim again" });
    expect(errorOf(users).path).toBe("$.users[2].upn");

    const oids = base();
    oids.users = [
      { upn: "a@tailspin.example.com", displayName: "A", oid: "11111111-1111-1111-1111-111111111111" },
      { upn: "b@tailspin.example.com", displayName: "B", oid: "11111111-1111-1111-1111-111111111111" },
    ];
    oids.eligibilities = [];
    expect(errorOf(oids).path).toBe("$.users[1].oid");

    const groups = base();
    groups.groups?.push({ displayName: "ops admins" });
    expect(errorOf(groups).path).toBe("$.groups[1].displayName");

    const elig = base();
    elig.eligibilities?.push({ principal: "Kim Park", directoryRole: "f2ef992c-3afb-46b9-b7cf-a126ee74c451" });
    expect(errorOf(elig).path).toBe("$.eligibilities[3]");

    const policies = base();
    policies.policies?.push({ directoryRole: "global reader", justification: true });
    expect(errorOf(policies).path).toBe("$.policies[1]");
  });

  test("approval needs approvers who exist", () => {
    const input = base();
    input.policies = [{ directoryRole: "Global Reader", approval: true }];
    expect(errorOf(input).path).toBe("$.policies[0].approvers");
    input.policies = [{ directoryRole: "Global Reader", approval: true, approvers: ["ghost@tailspin.example.com"] }];
    expect(errorOf(input).path).toBe("$.policies[0].approvers[0]");
  });

  test("an activation needs an eligibility", () => {
    const input = base();
    input.activations = [{ principal: "lee", directoryRole: "Global Reader", expiresInMinutes: 30 }];
    expect(errorOf(input).path).toBe("$.activations[0]");
  });

  test("management group cycles are refused", () => {
    const input = base();
    input.managementGroups = [
      { name: "a", displayName: "A", parent: "b" },
      { name: "b", displayName: "B", parent: "a" },
    ];
    input.subscriptions = [];
    input.resourceGroups = [];
    input.resources = [];
    input.eligibilities = [];
    expect(errorOf(input).path).toMatch(/^\$\.managementGroups\[[01]\]\.parent$/);
  });

  test("every problem is listed, the first one in .path", () => {
    const input = base();
    input.eligibilities = [
      { principal: "nobody", directoryRole: "Global Reader" },
      { principal: "kim", group: "Nope" },
    ];
    const e = errorOf(input);
    expect(e.issues.map((i) => i.path)).toEqual(["$.eligibilities[0].principal", "$.eligibilities[1].group"]);
    expect(e.path).toBe("$.eligibilities[0].principal");
  });
});
