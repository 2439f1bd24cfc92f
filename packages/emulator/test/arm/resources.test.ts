/**
 * The names around the schedules: role definitions, tenants, management groups, subscriptions,
 * resource groups (visible by RBAC, i.e. active assignments, not eligibilities) and
 * eligibleChildResources for reduced-scope activation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ArmHarness, admin, armHarness, limited, roles } from "./helpers";

const auth = "/providers/Microsoft.Authorization";

interface Named {
  id: string;
  name: string;
  type: string;
  properties?: Record<string, unknown>;
}

describe("role definitions", () => {
  let h: ArmHarness;
  beforeAll(async () => {
    h = await armHarness();
  });
  afterAll(() => h.close());

  it("lists at a subscription with subscription-scoped ids and filters by roleName", async () => {
    const sub = `/subscriptions/${h.subscriptionId("Contoso Production")}`;
    const res = await h.call(
      "GET",
      `${sub}${auth}/roleDefinitions?api-version=2022-04-01&$filter=${encodeURIComponent("roleName eq 'Contributor'")}`,
    );
    expect(res.status).toBe(200);
    const { value } = await h.json<{ value: Named[] }>(res);
    expect(value).toHaveLength(1);
    expect(value[0]).toMatchObject({
      id: `${sub}${auth}/roleDefinitions/${roles.contributor}`,
      name: roles.contributor,
      type: "Microsoft.Authorization/roleDefinitions",
      properties: { roleName: "Contributor", type: "BuiltInRole", assignableScopes: ["/"] },
    });
  });

  it("gets one by id at the tenant level and answers RoleDefinitionDoesNotExist for an unknown one", async () => {
    const ok = await h.call("GET", `${auth}/roleDefinitions/${roles.reader}?api-version=2022-04-01`);
    expect(((await ok.json()) as Named).id).toBe(`${auth}/roleDefinitions/${roles.reader}`);
    const missing = await h.call(
      "GET",
      `${auth}/roleDefinitions/00000000-0000-0000-0000-000000000009?api-version=2022-04-01`,
    );
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("RoleDefinitionDoesNotExist");
  });
});

describe("tenants, management groups, subscriptions, resource groups", () => {
  let h: ArmHarness;
  let prod: string;
  beforeAll(async () => {
    h = await armHarness();
    prod = h.subscriptionId("Contoso Production");
  });
  afterAll(() => h.close());

  it("lists the home tenant and the guest tenants", async () => {
    const res = await h.call("GET", "/tenants?api-version=2022-12-01");
    const { value } = await h.json<{ value: Array<Record<string, unknown>> }>(res);
    expect(value.map((t) => t.displayName)).toEqual(["Contoso", "Fabrikam"]);
    expect(value[0]).toEqual({
      id: `/tenants/${h.emu.tenantId}`,
      tenantId: h.emu.tenantId,
      countryCode: "US",
      displayName: "Contoso",
      domains: ["contoso.example.com"],
      tenantCategory: "Home",
      defaultDomain: "contoso.example.com",
      tenantType: "AAD",
    });
  });

  it("shows a subscription only once the caller holds an active role in it (eligibility alone grants no read)", async () => {
    const before = await h.call("GET", "/subscriptions?api-version=2022-12-01");
    expect((await h.json<{ value: unknown[] }>(before)).value).toEqual([]);
    const hidden = await h.call("GET", `/subscriptions/${prod}?api-version=2022-12-01`);
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as { error: { code: string } }).error.code).toBe("SubscriptionNotFound");

    const rg = `/subscriptions/${prod}/resourceGroups/rg-web-prod`;
    const put = await h.call(
      "PUT",
      `${rg}${auth}/roleAssignmentScheduleRequests/${crypto.randomUUID()}?api-version=2020-10-01`,
      {
        body: {
          properties: {
            principalId: h.oid(admin),
            roleDefinitionId: `/subscriptions/${prod}${auth}/roleDefinitions/${roles.owner}`,
            requestType: "SelfActivate",
            justification: "Rotate the TLS certificate",
            scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT1H" } },
          },
        },
        token: await h.token(admin, { acrs: ["c1"] }),
      },
    );
    expect(put.status).toBe(201);

    const subs = await h.json<{ value: Array<Record<string, unknown>> }>(
      await h.call("GET", "/subscriptions?api-version=2022-12-01"),
    );
    expect(subs.value).toHaveLength(1);
    expect(subs.value[0]).toMatchObject({
      id: `/subscriptions/${prod}`,
      subscriptionId: prod,
      tenantId: h.emu.tenantId,
      displayName: "Contoso Production",
      state: "Enabled",
      authorizationSource: "RoleBased",
    });
    const rgs = await h.json<{ value: Named[] }>(
      await h.call("GET", `/subscriptions/${prod}/resourcegroups?api-version=2021-04-01`),
    );
    expect(rgs.value.map((r) => r.name)).toEqual(["rg-web-prod"]);
    expect(rgs.value[0]).toMatchObject({ type: "Microsoft.Resources/resourceGroups", location: "westeurope" });
    const other = await h.call("GET", `/subscriptions/${prod}/resourceGroups/rg-data-prod?api-version=2021-04-01`);
    expect(other.status).toBe(403);
    const unknown = await h.call("GET", `/subscriptions/${prod}/resourceGroups/nope?api-version=2021-04-01`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("ResourceGroupNotFound");

    const mgs = await h.json<{ value: Named[] }>(
      await h.call("GET", "/providers/Microsoft.Management/managementGroups?api-version=2023-04-01"),
    );
    expect(mgs.value.map((m) => m.name).sort()).toEqual([h.emu.tenantId, "contoso", "contoso-landingzones"].sort());
    const mg = await h.call(
      "GET",
      "/providers/Microsoft.Management/managementGroups/contoso-landingzones?api-version=2023-04-01",
    );
    expect(await mg.json()).toMatchObject({
      id: "/providers/Microsoft.Management/managementGroups/contoso-landingzones",
      type: "Microsoft.Management/managementGroups",
      properties: {
        tenantId: h.emu.tenantId,
        displayName: "Contoso Landing Zones",
        details: { parent: { name: "contoso", displayName: "Contoso" } },
      },
    });
    const invisible = await h.call(
      "GET",
      "/providers/Microsoft.Management/managementGroups/contoso-platform?api-version=2023-04-01",
    );
    expect(invisible.status).toBe(403);
  });
});

describe("eligibleChildResources", () => {
  let h: ArmHarness;
  let prod: string;
  beforeAll(async () => {
    h = await armHarness();
    prod = h.subscriptionId("Contoso Production");
  });
  afterAll(() => h.close());

  const children = async (path: string, as = admin) => {
    const res = await h.call("GET", path, { as });
    expect(res.status, path).toBe(200);
    return (await h.json<{ value: Named[] }>(res)).value;
  };

  it("lists the resource groups under an eligible subscription in the published shape", async () => {
    const value = await children(
      `/subscriptions/${prod}${auth}/eligibleChildResources?api-version=2020-10-01&$filter=${encodeURIComponent("resourceType eq 'resourcegroup'")}`,
    );
    expect(value).toEqual([
      {
        name: "rg-web-prod",
        id: `/providers/Microsoft.Subscription/subscriptions/${prod}/resourceGroups/rg-web-prod`,
        type: "resourcegroup",
      },
      {
        name: "rg-data-prod",
        id: `/providers/Microsoft.Subscription/subscriptions/${prod}/resourceGroups/rg-data-prod`,
        type: "resourcegroup",
      },
    ]);
  });

  it("walks every level with getAllChildren=true, and only where the caller is eligible", async () => {
    const platform = await children(
      `/providers/Microsoft.Management/managementGroups/contoso-platform${auth}/eligibleChildResources?api-version=2020-10-01&getAllChildren=true`,
    );
    expect(platform.map((c) => c.type)).toEqual(["subscription", "resourcegroup"]);
    expect(platform[0]?.name).toBe("Contoso Connectivity");
    // The limited user holds nothing under the platform group.
    const none = await children(
      `/providers/Microsoft.Management/managementGroups/contoso-platform${auth}/eligibleChildResources?api-version=2020-10-01&getAllChildren=true`,
      limited,
    );
    expect(none).toEqual([]);
  });

  it("refuses a non-boolean getAllChildren and an unsupported filter", async () => {
    const bad = await h.call(
      "GET",
      `/subscriptions/${prod}${auth}/eligibleChildResources?api-version=2020-10-01&getAllChildren=maybe`,
    );
    expect(bad.status).toBe(400);
    const filter = await h.call(
      "GET",
      `/subscriptions/${prod}${auth}/eligibleChildResources?api-version=2020-10-01&$filter=asTarget()`,
    );
    expect(filter.status).toBe(400);
  });
});
