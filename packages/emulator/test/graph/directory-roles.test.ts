import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allPages, type Entity, roles, startTenant, type Tenant } from "./helpers";

let t: Tenant;
let token: string;
beforeAll(async () => {
  t = await startTenant();
  token = await t.token(t.admin.upn);
});
afterAll(() => t.close());

const base = "/roleManagement/directory";
const sevenDigits = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

describe("roleEligibilityScheduleInstances", () => {
  it("lists the caller's eligibilities with filterByCurrentUser, typed and paged", async () => {
    const first = await t.get(token, `${base}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')`);
    expect(first.status).toBe(200);
    expect(first.body["@odata.context"]).toBe(
      `${t.emu.url}/graph/v1.0/$metadata#Collection(unifiedRoleEligibilityScheduleInstance)`,
    );
    expect(first.body.value).toHaveLength(3);
    expect(first.body["@odata.nextLink"]).toMatch(
      new RegExp(
        `^${t.emu.url}/graph/v1\\.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser\\(on='principal'\\)\\?\\$skiptoken=`,
      ),
    );
    const { items, pages } = await allPages(
      t,
      token,
      `${base}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')`,
    );
    expect(items).toHaveLength(9);
    expect(pages).toBe(3);
    for (const e of items) {
      expect(e["@odata.type"]).toBe("#microsoft.graph.unifiedRoleEligibilityScheduleInstance");
      expect(e.principalId).toBe(t.admin.oid);
      expect(e.memberType).toBe("Direct");
      expect(e.appScopeId).toBeNull();
      expect(String(e.id)).toMatch(/^[A-Za-z0-9_-]+-1-e$/);
      expect(String(e.startDateTime)).toMatch(sevenDigits);
    }
    expect(new Set(items.map((e) => e.id)).size).toBe(9);
  });

  it("answers $filter=principalId eq with the same set, and narrows by roleDefinitionId and directoryScopeId", async () => {
    const all = await allPages(
      t,
      token,
      `${base}/roleEligibilityScheduleInstances?$filter=principalId eq '${t.admin.oid}'`,
    );
    expect(all.items).toHaveLength(9);
    const one = await t.get(
      token,
      `${base}/roleEligibilityScheduleInstances?$filter=principalId eq '${t.admin.oid}' and roleDefinitionId eq '${roles.globalReader}'`,
    );
    expect(one.body.value).toHaveLength(1);
    expect(one.body.value?.[0]?.roleDefinitionId).toBe(roles.globalReader);
    const au = await t.get(
      token,
      `${base}/roleEligibilityScheduleInstances?$filter=principalId eq '${t.admin.oid}' and directoryScopeId ne '/'`,
    );
    expect(au.body.value).toHaveLength(1);
    expect(String(au.body.value?.[0]?.directoryScopeId)).toMatch(/^\/administrativeUnits\/[0-9a-f-]{36}$/);
  });

  it("expands roleDefinition, principal and an administrative-unit directoryScope", async () => {
    const res = await t.get(
      token,
      `${base}/roleEligibilityScheduleInstances?$filter=principalId eq '${t.admin.oid}' and roleDefinitionId eq '${roles.userAdministrator}'&$expand=roleDefinition,principal,directoryScope`,
    );
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toContain(
      "roleEligibilityScheduleInstances(roleDefinition(),principal(),directoryScope())",
    );
    const e = res.body.value?.[0] as Entity;
    expect(e.roleDefinition).toMatchObject({
      id: roles.userAdministrator,
      displayName: "User Administrator",
      templateId: roles.userAdministrator,
      isBuiltIn: true,
    });
    expect(e.principal).toMatchObject({
      "@odata.type": "#microsoft.graph.user",
      id: t.admin.oid,
      userPrincipalName: t.admin.upn,
    });
    expect(e.directoryScope).toMatchObject({
      "@odata.type": "#microsoft.graph.administrativeUnit",
      displayName: "Finance Department",
    });
  });

  it("expands directoryScope to null at the tenant scope", async () => {
    const res = await t.get(
      token,
      `${base}/roleEligibilityScheduleInstances?$filter=principalId eq '${t.admin.oid}' and roleDefinitionId eq '${roles.globalReader}'&$expand=directoryScope`,
    );
    expect(res.body.value?.[0]?.directoryScope).toBeNull();
  });

  it("applies $select, keeping expanded navigations, and names it in the context", async () => {
    const res = await t.get(
      token,
      `${base}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$select=roleDefinitionId,endDateTime&$expand=roleDefinition($select=displayName)&$top=1`,
    );
    expect(res.status).toBe(200);
    const e = res.body.value?.[0] as Entity;
    expect(Object.keys(e).sort()).toEqual(["@odata.type", "endDateTime", "roleDefinition", "roleDefinitionId"]);
    expect(Object.keys(e.roleDefinition as Entity)).toEqual(["displayName"]);
    expect(res.body["@odata.context"]).toContain("(roleDefinitionId,endDateTime,roleDefinition(displayName))");
  });

  it("gets an instance by its id", async () => {
    const list = await t.get(
      token,
      `${base}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$top=1`,
    );
    const id = String(list.body.value?.[0]?.id);
    const res = await t.get(token, `${base}/roleEligibilityScheduleInstances/${id}?$expand=roleDefinition`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(id);
    expect(res.body["@odata.context"]).toBe(
      `${t.emu.url}/graph/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleInstances(roleDefinition())/$entity`,
    );
  });

  it("answers 404 for an id that names nothing", async () => {
    const res = await t.get(token, `${base}/roleEligibilityScheduleInstances/nothing-here-1-e`);
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe("ResourceNotFound");
  });

  it("refuses a filterByCurrentUser value outside the enum and a call without `on`", async () => {
    const bad = await t.get(token, `${base}/roleEligibilityScheduleInstances/filterByCurrentUser(on='approver')`);
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe("BadRequest");
    const noParam = await t.get(token, `${base}/roleEligibilityScheduleInstances/filterByCurrentUser(who='principal')`);
    expect(noParam.status).toBe(400);
  });

  it("does not show one user's eligibilities to another through filterByCurrentUser", async () => {
    const other = await t.token(t.approver.upn);
    const res = await allPages(
      t,
      other,
      `${base}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')`,
    );
    expect(res.items.map((e) => e.principalId)).toEqual([t.approver.oid]);
  });
});

describe("roleAssignmentScheduleInstances", () => {
  it("lists standing and activated assignments with PascalCase assignmentType", async () => {
    const { items } = await allPages(
      t,
      token,
      `${base}/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')`,
    );
    const byRole = new Map(items.map((a) => [a.roleDefinitionId, a]));
    expect(byRole.get(roles.serviceSupportAdministrator)).toMatchObject({
      assignmentType: "Assigned",
      memberType: "Direct",
      startDateTime: null,
      endDateTime: null,
    });
    const activated = byRole.get(roles.applicationAdministrator);
    expect(activated).toMatchObject({ assignmentType: "Activated", memberType: "Direct" });
    expect(String(activated?.roleAssignmentScheduleId)).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(activated?.endDateTime)).toMatch(sevenDigits);
  });

  it("expands activatedUsing to the eligibility an activation came from", async () => {
    const res = await t.get(
      token,
      `${base}/roleAssignmentScheduleInstances?$filter=principalId eq '${t.admin.oid}' and assignmentType eq 'Activated'&$expand=activatedUsing`,
    );
    expect(res.body.value).toHaveLength(1);
    expect(res.body.value?.[0]?.activatedUsing).toMatchObject({
      roleDefinitionId: roles.applicationAdministrator,
      principalId: t.admin.oid,
    });
  });
});

describe("schedules", () => {
  it("lists eligibility schedules with GUID ids and a scheduleInfo", async () => {
    const { items } = await allPages(t, token, `${base}/roleEligibilitySchedules/filterByCurrentUser(on='principal')`);
    expect(items).toHaveLength(9);
    const globalReader = items.find((s) => s.roleDefinitionId === roles.globalReader);
    expect(String(globalReader?.id)).toMatch(/^[0-9a-f-]{36}$/);
    expect(globalReader).toMatchObject({ status: "Provisioned", memberType: "Direct" });
    expect(globalReader?.scheduleInfo).toMatchObject({ expiration: { type: "afterDateTime" } });
    const res = await t.get(token, `${base}/roleEligibilitySchedules/${String(globalReader?.id)}`);
    expect(res.status).toBe(200);
  });

  it("lists assignment schedules", async () => {
    const res = await t.get(token, `${base}/roleAssignmentSchedules?$filter=principalId eq '${t.admin.oid}'`);
    expect(res.status).toBe(200);
    expect(res.body.value?.map((s) => s.assignmentType).sort()).toEqual(["Activated", "Assigned"]);
  });
});

describe("roleDefinitions", () => {
  it("lists role definitions and gets one by id", async () => {
    const res = await t.get(token, `${base}/roleDefinitions?$filter=displayName eq 'Global Administrator'`);
    expect(res.body.value).toHaveLength(1);
    expect(res.body.value?.[0]).toMatchObject({
      id: roles.globalAdministrator,
      templateId: roles.globalAdministrator,
      isBuiltIn: true,
    });
    const one = await t.get(token, `${base}/roleDefinitions/${roles.globalAdministrator}?$select=displayName`);
    expect(one.body.displayName).toBe("Global Administrator");
    expect(one.body.id).toBeUndefined();
  });
});
