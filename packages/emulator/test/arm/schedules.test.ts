/**
 * Eligibility and assignment schedules and instances: the recorded wire shape, the filters ARM
 * documents, inheritance at child scopes, and who may list what.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ArmHarness, admin, armHarness, limited, roles } from "./helpers";

const v = "api-version=2020-10-01";
const auth = "/providers/Microsoft.Authorization";

interface Instance {
  id: string;
  name: string;
  type: string;
  properties: Record<string, unknown> & {
    scope: string;
    roleDefinitionId: string;
    memberType: string;
    expandedProperties: {
      principal: Record<string, unknown>;
      roleDefinition: Record<string, unknown>;
      scope: { id: string; displayName: string; type: string };
    };
  };
}

describe("roleEligibilityScheduleInstances", () => {
  let h: ArmHarness;
  let prod: string;
  beforeAll(async () => {
    h = await armHarness();
    prod = `/subscriptions/${h.subscriptionId("Contoso Production")}`;
  });
  afterAll(() => h.close());

  const list = async (path: string, as = admin) => {
    const res = await h.call("GET", path, { as });
    expect(res.status, path).toBe(200);
    return ((await res.json()) as { value: Instance[] }).value;
  };

  it("lists all of the caller's eligibilities at the tenant root with asTarget(), in the recorded shape", async () => {
    const items = await list(`${auth}/roleEligibilityScheduleInstances?${v}&$filter=asTarget()`);
    expect(items.map((i) => i.properties.expandedProperties.scope.type).sort()).toEqual([
      "managementgroup",
      "microsoft.keyvault/vaults",
      "resourcegroup",
      "subscription",
    ]);
    const contributor = items.find((i) => i.properties.roleDefinitionId.endsWith(roles.contributor));
    if (!contributor) throw new Error("the demo admin is eligible for Contributor");
    expect(Object.keys(contributor)).toEqual(["properties", "name", "id", "type"]);
    expect(contributor.type).toBe("Microsoft.Authorization/roleEligibilityScheduleInstances");
    expect(contributor.id).toBe(`${prod}${auth}/roleEligibilityScheduleInstances/${contributor.name}`);
    expect(contributor.properties).toMatchObject({
      scope: prod,
      roleDefinitionId: `${prod}${auth}/roleDefinitions/${roles.contributor}`,
      principalId: h.oid(admin),
      principalType: "User",
      roleEligibilityScheduleId: `${prod}${auth}/roleEligibilitySchedules/${contributor.name}`,
      status: "Provisioned",
      memberType: "Direct",
    });
    expect(contributor.properties.startDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(contributor.properties.expandedProperties).toEqual({
      principal: {
        id: h.oid(admin),
        displayName: "Alex Morgan",
        type: "User",
        email: admin,
        userPrincipalName: admin,
      },
      roleDefinition: {
        id: `${prod}${auth}/roleDefinitions/${roles.contributor}`,
        displayName: "Contributor",
        type: "BuiltInRole",
      },
      scope: { id: prod, displayName: "Contoso Production", type: "subscription" },
    });
    // Management-group eligibilities carry the provider-level role definition id.
    const mg = items.find((i) => i.properties.expandedProperties.scope.type === "managementgroup");
    expect(mg?.properties.roleDefinitionId).toBe(`${auth}/roleDefinitions/${roles.reader}`);
  });

  it("omits null properties (no endDateTime on an eligibility without an end)", async () => {
    const items = await list(`${auth}/roleEligibilityScheduleInstances?${v}&$filter=asTarget()`);
    const permanent = items.find((i) => i.properties.roleDefinitionId.endsWith(roles.reader));
    expect(permanent?.properties).not.toHaveProperty("endDateTime");
    expect(JSON.stringify(items)).not.toContain("null");
  });

  it("at a child scope shows what lies below as Direct and what is inherited from above as Inherited", async () => {
    const rg = `${prod}/resourceGroups/rg-data-prod`;
    const items = await list(`${rg}${auth}/roleEligibilityScheduleInstances?${v}&$filter=asTarget()`);
    const byRole = new Map(items.map((i) => [i.properties.expandedProperties.roleDefinition.displayName, i]));
    expect([...byRole.keys()].sort()).toEqual(["Contributor", "Key Vault Administrator"]);
    expect(byRole.get("Contributor")?.properties).toMatchObject({ memberType: "Inherited", scope: prod });
    expect(byRole.get("Key Vault Administrator")?.properties.memberType).toBe("Direct");
  });

  it("atScope() keeps only what is at or above the scope", async () => {
    const rg = `${prod}/resourceGroups/rg-data-prod`;
    const items = await list(
      `${rg}${auth}/roleEligibilityScheduleInstances?${v}&$filter=${encodeURIComponent("asTarget() and atScope()")}`,
    );
    expect(items.map((i) => i.properties.expandedProperties.roleDefinition.displayName)).toEqual(["Contributor"]);
  });

  it("accepts principalId eq and assignedTo() naming the caller", async () => {
    const oid = h.oid(admin);
    const a = await list(
      `${auth}/roleEligibilityScheduleInstances?${v}&$filter=${encodeURIComponent(`principalId eq '${oid}'`)}`,
    );
    const b = await list(
      `${auth}/roleEligibilityScheduleInstances?${v}&$filter=${encodeURIComponent(`assignedTo('${oid}')`)}`,
    );
    expect(a.length).toBe(4);
    expect(b.map((i) => i.name).sort()).toEqual(a.map((i) => i.name).sort());
  });

  it("refuses a caller without read access who lists without asTarget() (InsufficientPermissions)", async () => {
    for (const filter of ["", `&$filter=${encodeURIComponent(`principalId eq '${h.oid(limited)}'`)}`]) {
      const res = await h.call("GET", `${auth}/roleEligibilityScheduleInstances?${v}${filter}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: {
          code: "InsufficientPermissions",
          message: `The requestor ${h.oid(admin)} does not have permissions for this request. Please use $filter=asTarget() to filter on the requestor's assignments.`,
        },
      });
    }
  });

  it("gets an instance by name at its scope and below it; 404 for an unknown name", async () => {
    const [first] = await list(
      `${prod}${auth}/roleEligibilityScheduleInstances?${v}&$filter=${encodeURIComponent("asTarget() and atScope()")}`,
    );
    if (!first) throw new Error("an eligibility at the subscription");
    const res = await h.call("GET", `${prod}${auth}/roleEligibilityScheduleInstances/${first.name}?${v}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Instance).id).toBe(first.id);
    const missing = await h.call(
      "GET",
      `${prod}${auth}/roleEligibilityScheduleInstances/00000000-0000-0000-0000-000000000000?${v}`,
    );
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe(
      "RoleEligibilityScheduleInstanceNotFound",
    );
  });

  it("refuses to show another user's instance to a caller without read access", async () => {
    const [mine] = await list(`${auth}/roleEligibilityScheduleInstances?${v}&$filter=asTarget()`, limited);
    if (!mine) throw new Error("the limited user has an eligibility");
    const res = await h.call(
      "GET",
      `${mine.properties.scope}${auth}/roleEligibilityScheduleInstances/${mine.name}?${v}`,
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("AuthorizationFailed");
  });

  it("lists roleEligibilitySchedules in the recorded schedule shape", async () => {
    const res = await h.call("GET", `${prod}${auth}/roleEligibilitySchedules?${v}&$filter=asTarget()`);
    const [schedule] = ((await res.json()) as { value: Instance[] }).value.filter((i) => i.properties.scope === prod);
    expect(schedule?.type).toBe("Microsoft.Authorization/roleEligibilitySchedules");
    expect(schedule?.properties.roleEligibilityScheduleRequestId).toBe(
      `${prod}${auth}/roleEligibilityScheduleRequests/${schedule?.name}`,
    );
    expect(schedule?.properties).toHaveProperty("updatedOn");
  });
});

describe("roleAssignmentScheduleInstances", () => {
  let h: ArmHarness;
  let prod: string;
  beforeAll(async () => {
    h = await armHarness();
    prod = `/subscriptions/${h.subscriptionId("Contoso Production")}`;
  });
  afterAll(() => h.close());

  it("shows an activation at a reduced scope with full linked eligibility ids", async () => {
    const eligibilities = (await (
      await h.call("GET", `${auth}/roleEligibilityScheduleInstances?${v}&$filter=asTarget()`)
    ).json()) as {
      value: Instance[];
    };
    const contributor = eligibilities.value.find((i) => i.properties.roleDefinitionId.endsWith(roles.contributor));
    if (!contributor) throw new Error("the demo admin is eligible for Contributor");
    const rg = `${prod}/resourceGroups/rg-web-prod`;
    const name = crypto.randomUUID();
    const put = await h.call("PUT", `${rg}${auth}/roleAssignmentScheduleRequests/${name}?${v}`, {
      body: {
        properties: {
          principalId: h.oid(admin),
          roleDefinitionId: contributor.properties.roleDefinitionId,
          requestType: "SelfActivate",
          linkedRoleEligibilityScheduleId: contributor.properties.roleEligibilityScheduleId,
          justification: "Scale the web tier",
          ticketInfo: { ticketNumber: "CHG-7", ticketSystem: "ServiceNow" },
          scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT1H" } },
        },
      },
    });
    expect(put.status).toBe(201);

    const res = await h.call("GET", `${auth}/roleAssignmentScheduleInstances?${v}&$filter=asTarget()`);
    const [instance] = ((await res.json()) as { value: Instance[] }).value;
    expect(instance).toMatchObject({
      name,
      id: `${rg}${auth}/roleAssignmentScheduleInstances/${name}`,
      type: "Microsoft.Authorization/roleAssignmentScheduleInstances",
    });
    expect(instance?.properties).toMatchObject({
      roleAssignmentScheduleId: `${rg}${auth}/roleAssignmentSchedules/${name}`,
      originRoleAssignmentId: `${rg}${auth}/roleAssignments/${name}`,
      linkedRoleEligibilityScheduleId: contributor.properties.roleEligibilityScheduleId,
      linkedRoleEligibilityScheduleInstanceId: contributor.id,
      assignmentType: "Activated",
      scope: rg,
      status: "Provisioned",
      memberType: "Direct",
    });
    expect(Object.keys(instance?.properties ?? {}).slice(0, 5)).toEqual([
      "roleAssignmentScheduleId",
      "originRoleAssignmentId",
      "linkedRoleEligibilityScheduleId",
      "linkedRoleEligibilityScheduleInstanceId",
      "assignmentType",
    ]);
    expect(instance?.properties.expandedProperties.scope).toEqual({
      id: rg,
      displayName: "rg-web-prod",
      type: "resourcegroup",
    });

    const schedules = await h.call("GET", `${rg}${auth}/roleAssignmentSchedules?${v}&$filter=asTarget()`);
    const [schedule] = ((await schedules.json()) as { value: Instance[] }).value;
    expect(schedule?.id).toBe(`${rg}${auth}/roleAssignmentSchedules/${name}`);
  });

  it("waits for the provisioning delay before the instance appears", async () => {
    const delayed = await armHarness({ provisioningDelaySeconds: 30 });
    try {
      const mg = "/providers/Microsoft.Management/managementGroups/contoso-platform";
      const name = crypto.randomUUID();
      const put = await delayed.call("PUT", `${mg}${auth}/roleAssignmentScheduleRequests/${name}?${v}`, {
        body: {
          properties: {
            principalId: delayed.oid(admin),
            roleDefinitionId: `${auth}/roleDefinitions/${roles.reader}`,
            requestType: "SelfActivate",
            scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT1H" } },
          },
        },
      });
      expect(((await put.json()) as { properties: { status: string } }).properties.status).toBe("PendingProvisioning");
      const count = async () =>
        (
          (await (
            await delayed.call("GET", `${auth}/roleAssignmentScheduleInstances?${v}&$filter=asTarget()`)
          ).json()) as { value: unknown[] }
        ).value.length;
      expect(await count()).toBe(0);
      delayed.emu.admin.clock.advance(31);
      expect(await count()).toBe(1);
      const get = await delayed.call("GET", `${mg}${auth}/roleAssignmentScheduleRequests/${name}?${v}`);
      expect(((await get.json()) as { properties: { status: string } }).properties.status).toBe("Provisioned");
    } finally {
      await delayed.close();
    }
  });
});
