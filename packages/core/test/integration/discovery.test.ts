import { createEmulatorCredential } from "@pimkit/testkit";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createPimClient } from "../../src/index";
import { admin, byName, closeShared, type Harness, harness } from "./harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(closeShared);

describe("discovery against the demo tenant", () => {
  it("lists every plane with names, scopes, states and the policy of each kind", async () => {
    h = await harness();
    const { roles, problems, principalId } = await h.client.listRoles();
    expect(problems).toEqual([]);
    expect(principalId).toBe(h.emu.users.find((u) => u.upn === admin)?.oid);

    // Entra: no requirements / justification / justification+ticket / MFA / c1 / approval / c2 + sub-hour.
    expect(byName(roles, "Reports Reader").requirements).toMatchObject({
      justification: false,
      ticket: false,
      mfa: false,
      approval: false,
      authContext: null,
      known: true,
    });
    expect(byName(roles, "Global Reader").requirements).toMatchObject({ justification: true, ticket: false });
    expect(byName(roles, "Exchange Administrator").requirements).toMatchObject({ justification: true, ticket: true });
    expect(byName(roles, "Helpdesk Administrator").requirements).toMatchObject({ mfa: true });
    expect(byName(roles, "Security Administrator").requirements).toMatchObject({
      maxDuration: "PT1H",
      authContext: { id: "c1", name: "Privileged access step-up" },
    });
    expect(byName(roles, "Privileged Role Administrator").requirements).toMatchObject({
      approval: true,
      maxDuration: "PT2H",
    });
    expect(byName(roles, "Global Administrator").requirements).toMatchObject({
      maxDuration: "PT30M",
      authContext: { id: "c2", name: "Tier 0 passkey" },
    });

    // Administrative-unit scope, name resolved.
    expect(byName(roles, "User Administrator").scope).toMatchObject({
      type: "administrativeUnit",
      displayName: "Finance Department",
    });

    // Active: an activation and a standing assignment.
    expect(byName(roles, "Application Administrator")).toMatchObject({ state: "active", assignmentType: "activated" });
    expect(byName(roles, "Application Administrator").activeUntil).not.toBeNull();
    expect(byName(roles, "Service Support Administrator")).toMatchObject({
      state: "active",
      assignmentType: "permanent",
      eligibility: null,
    });

    // Groups: member and owner are separate items with their own policies.
    const member = byName(roles, "PIM-Tier0-Operators", "member");
    const owner = byName(roles, "PIM-Tier0-Operators", "owner");
    expect(member.id).not.toBe(owner.id);
    expect(member.requirements).toMatchObject({ maxDuration: "PT4H", approval: false });
    expect(owner.requirements).toMatchObject({ maxDuration: "PT2H", approval: true });
    expect(member.scope.type).toBe("group");

    // Azure: management group, subscription, resource group and resource scopes.
    const reader = roles.find((r) => r.kind === "azureRole" && r.name === "Reader");
    expect(reader?.scope).toMatchObject({ type: "managementGroup", displayName: "Contoso Platform" });
    expect(byName(roles, "Contributor")).toMatchObject({
      scope: { type: "subscription", displayName: "Contoso Production" },
      requirements: { ticket: true, maxDuration: "PT4H" },
    });
    expect(byName(roles, "Owner")).toMatchObject({
      scope: { type: "resourceGroup", displayName: "rg-web-prod" },
      requirements: { authContext: { id: "c1" } },
    });
    expect(byName(roles, "Key Vault Administrator")).toMatchObject({
      scope: { type: "resource" },
      requirements: { mfa: true },
    });

    // Ids are stable across runs and safe for a shell.
    const again = await h.client.listRoles();
    expect(again.roles.map((r) => r.id)).toEqual(roles.map((r) => r.id));
    for (const r of roles) expect(r.id).toMatch(/^(entra|group|azure)-[0-9a-z]+$/);
  });

  it("caches policies and administrative unit names per tenant for 30 minutes, with explicit invalidation", async () => {
    h = await harness();
    const auReads = (from: number) =>
      h?.emu.admin
        .requests()
        .slice(from)
        .filter((e) => /\/administrativeUnits\//i.test(e.path)).length;
    await h.client.listRoles();
    expect(auReads(0)).toBeGreaterThan(0);
    const before = h.emu.admin.requests().length;
    const warm = await h.client.listRoles();
    const second = h.emu.admin.requests().slice(before);
    expect(second.filter((e) => /roleManagementPolicy/i.test(e.path))).toHaveLength(0);
    expect(auReads(before)).toBe(0);
    expect(byName(warm.roles, "User Administrator").scope.displayName).toBe("Finance Department");
    // Past the 30-minute TTL the policies and names are read again.
    h.clock.advance(31 * 60_000);
    const ttl = h.emu.admin.requests().length;
    await h.client.listRoles();
    expect(
      h.emu.admin
        .requests()
        .slice(ttl)
        .filter((e) => /roleManagementPolicy/i.test(e.path)).length,
    ).toBeGreaterThan(0);
    expect(auReads(ttl)).toBeGreaterThan(0);
    // `refresh` reads them again at once.
    const refreshed = h.emu.admin.requests().length;
    await h.client.listRoles({ refresh: true });
    expect(auReads(refreshed)).toBeGreaterThan(0);
    await h.client.invalidateCache();
    const mark = h.emu.admin.requests().length;
    await h.client.listRoles();
    expect(
      h.emu.admin
        .requests()
        .slice(mark)
        .filter((e) => /roleManagementPolicy/i.test(e.path)).length,
    ).toBeGreaterThan(0);
  });

  it("reads the whole of Graph discovery in one $batch and Azure policies from effectiveRules", async () => {
    h = await harness();
    await h.client.listRoles();
    const outer = h.traces.filter((t) => !t.url.includes("/_emulator/"));
    expect(outer.filter((t) => t.url.endsWith("/$batch")).length).toBeLessThanOrEqual(3);
    // effectiveRules present on the assignment: no second call for the policy itself.
    expect(outer.filter((t) => /roleManagementPolicies\//i.test(t.url))).toHaveLength(0);
  });

  it("a plane the user may not read is a problem with a code, not a failure", async () => {
    h = await harness();
    h.emu.admin.addFault({
      kind: "status",
      status: 403,
      path: "roleEligibilityScheduleInstances\\?api-version",
      method: "GET",
      inBatch: false,
      body: {
        error: { code: "AuthorizationFailed", message: "The client does not have authorization to perform action." },
      },
    });
    const { roles, problems } = await h.client.listRoles();
    expect(problems).toEqual([
      expect.objectContaining({
        kind: "azureRole",
        area: "eligible",
        code: "forbidden",
        upstream: expect.objectContaining({ status: 403, code: "AuthorizationFailed" }),
      }),
    ]);
    expect(roles.some((r) => r.kind === "entraRole")).toBe(true);
    expect(roles.some((r) => r.kind === "group")).toBe(true);
    expect(roles.some((r) => r.kind === "azureRole" && r.state === "eligible")).toBe(false);
  });

  it("a policy the user may not read yields unknown requirements, never defaults", async () => {
    h = await harness({ fresh: true });
    const scenario = {
      name: "forbidden-policy",
      tenant: { displayName: "Tailspin Toys", domain: "tailspin.example.com" },
      users: [
        { upn: "kim.park@tailspin.example.com", displayName: "Kim Park", canMfa: true, contexts: [] },
        { upn: "ops@tailspin.example.com", displayName: "Ops", canMfa: true, contexts: [] },
      ],
      subscriptions: [{ displayName: "Tailspin Production" }],
      resourceGroups: [{ subscription: "Tailspin Production", name: "rg-shop" }],
      policies: [
        {
          azureRole: "Contributor",
          scope: { subscription: "Tailspin Production", resourceGroup: "rg-shop" },
          justification: true,
          readableBy: ["ops"],
        },
        { azureRole: "Reader", scope: { subscription: "Tailspin Production" }, justification: true },
      ],
      eligibilities: [
        {
          principal: "kim.park",
          azureRole: "Contributor",
          scope: { subscription: "Tailspin Production", resourceGroup: "rg-shop" },
        },
        { principal: "kim.park", azureRole: "Reader", scope: { subscription: "Tailspin Production" } },
      ],
    };
    h.emu.admin.loadScenario(scenario);
    const client = createPimClient({
      cloud: h.emu.cloud,
      credential: createEmulatorCredential(h.emu, { upn: "kim.park@tailspin.example.com" }),
      fetch: h.emu.fetch,
    });
    const { roles, problems } = await client.listRoles({ kinds: ["azureRole"] });
    expect(byName(roles, "Contributor").requirements).toEqual({
      maxDuration: null,
      justification: null,
      ticket: null,
      mfa: null,
      authContext: null,
      approval: null,
      known: false,
    });
    expect(byName(roles, "Reader").requirements).toMatchObject({ known: true, justification: true });
    expect(problems).toEqual([
      expect.objectContaining({ kind: "azureRole", area: "policy", code: "policy_unreadable" }),
    ]);
  });

  it("ARM policy in two steps when the assignment carries no effectiveRules", async () => {
    h = await harness();
    const emu = h.emu;
    // The tenant's real answers, with effectiveRules dropped from policy assignments (older api
    // surfaces omit them): the core must then read the policy itself.
    const stripping = async (input: string | URL | Request, init?: RequestInit) => {
      const res = await emu.fetch(input, init);
      if (!String(input).includes("roleManagementPolicyAssignments")) return res;
      const body = (await res.json()) as { value: { properties: Record<string, unknown> }[] };
      for (const a of body.value) delete a.properties.effectiveRules;
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    };
    const client = createPimClient({ cloud: emu.cloud, credential: h.credential, fetch: stripping });
    const { roles, problems } = await client.listRoles({ kinds: ["azureRole"] });
    expect(problems).toEqual([]);
    expect(byName(roles, "Contributor").requirements).toMatchObject({ known: true, ticket: true, maxDuration: "PT4H" });
    expect(byName(roles, "Owner").requirements).toMatchObject({ authContext: { id: "c1" } });
    const assignmentReads = emu.admin.requests().filter((e) => /roleManagementPolicyAssignments$/i.test(e.path));
    const policyReads = emu.admin.requests().filter((e) => /roleManagementPolicies\/[^/]+$/i.test(e.path));
    expect(policyReads.length).toBe(assignmentReads.length);
    expect(policyReads.length).toBe(4);
  });

  it("lists authentication contexts with names and the Conditional Access policies using them", async () => {
    h = await harness();
    const { contexts, problems } = await h.client.listAuthContexts();
    expect(problems).toEqual([]);
    expect(contexts.map((c) => [c.id, c.name])).toEqual([
      ["c1", "Privileged access step-up"],
      ["c2", "Tier 0 passkey"],
    ]);
    expect(contexts[1]?.policies).toEqual([
      expect.objectContaining({
        displayName: "PIM Tier 0: passkey on a compliant device (c2)",
        state: "enabled",
        builtInControls: ["mfa", "compliantDevice"],
      }),
    ]);
  });
});
