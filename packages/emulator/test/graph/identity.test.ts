import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTenant, type Tenant } from "./helpers";

let t: Tenant;
let token: string;
beforeAll(async () => {
  t = await startTenant();
  token = await t.token(t.admin.upn);
});
afterAll(() => t.close());

describe("authentication contexts and Conditional Access", () => {
  const contexts = "/identity/conditionalAccess/authenticationContextClassReferences";

  it("lists and gets authentication context class references", async () => {
    const res = await t.get(token, contexts);
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe(
      `${t.emu.url}/graph/v1.0/$metadata#identity/conditionalAccess/authenticationContextClassReferences`,
    );
    expect(res.body.value?.map((c) => c.id)).toEqual(["c1", "c2"]);
    for (const c of res.body.value ?? [])
      expect(Object.keys(c).sort()).toEqual(["description", "displayName", "id", "isAvailable"]);
    const one = await t.get(token, `${contexts}/c2`);
    expect(one.body).toMatchObject({ id: "c2", displayName: "Tier 0 passkey", isAvailable: true });
    expect((await t.get(token, `${contexts}/c9`)).status).toBe(404);
  });

  it("filters on id and isAvailable", async () => {
    expect((await t.get(token, `${contexts}?$filter=id eq 'c1'`)).body.value?.map((c) => c.id)).toEqual(["c1"]);
    expect((await t.get(token, `${contexts}?$filter=isAvailable eq true`)).body.value).toHaveLength(2);
    expect((await t.get(token, `${contexts}?$filter=isAvailable eq false`)).body.value).toHaveLength(0);
  });

  it("lists and gets Conditional Access policies that reference the contexts", async () => {
    const res = await t.get(token, "/identity/conditionalAccess/policies");
    expect(res.status).toBe(200);
    const first = res.body.value?.[0];
    expect(first).toMatchObject({
      state: "enabled",
      conditions: { applications: { includeAuthenticationContextClassReferences: ["c1"] } },
      grantControls: { operator: "OR", builtInControls: ["mfa"] },
    });
    const one = await t.get(token, `/identity/conditionalAccess/policies/${String(first?.id)}`);
    expect(one.body.id).toBe(first?.id);
  });
});

describe("directory objects", () => {
  it("answers /me with $select", async () => {
    const res = await t.get(token, "/me?$select=id,displayName,userPrincipalName");
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe(
      `${t.emu.url}/graph/v1.0/$metadata#users(id,displayName,userPrincipalName)/$entity`,
    );
    expect(res.body).toMatchObject({ id: t.admin.oid, displayName: "Alex Morgan", userPrincipalName: t.admin.upn });
    expect(res.body.mail).toBeUndefined();
  });

  it("gets users by id or UPN; User.Read covers only oneself", async () => {
    expect((await t.get(token, `/users/${t.approver.oid}`)).body.displayName).toBe("Priya Natarajan");
    expect((await t.get(token, `/users/${t.approver.upn}`)).body.id).toBe(t.approver.oid);
    const userRead = await t.token(t.admin.upn, { scopes: ["User.Read"] });
    expect((await t.get(userRead, `/users/${t.admin.oid}`)).status).toBe(200);
    expect((await t.get(userRead, `/users/${t.approver.oid}`)).status).toBe(403);
  });

  it("answers a bad object id with 400 and an unknown one with 404", async () => {
    const bad = await t.get(token, "/users/not-a-guid");
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe("Request_BadRequest");
    const unknown = await t.get(token, "/users/00000000-0000-0000-0000-000000000001");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe("Request_ResourceNotFound");
    expect((await t.get(token, "/groups/not-a-guid")).status).toBe(400);
  });

  it("lists groups with an id filter and gets one", async () => {
    const id = t.groupId("PIM-Tier0-Operators");
    const list = await t.get(token, `/groups?$filter=id in ('${id}')&$select=id,displayName`);
    expect(list.body.value).toEqual([{ id, displayName: "PIM-Tier0-Operators" }]);
    expect((await t.get(token, `/groups/${id}`)).body.displayName).toBe("PIM-Tier0-Operators");
  });

  it("lists and gets administrative units", async () => {
    const list = await t.get(token, "/administrativeUnits");
    expect(list.body.value?.map((a) => a.displayName)).toEqual(["Finance Department"]);
    const id = String(list.body.value?.[0]?.id);
    expect((await t.get(token, `/administrativeUnits/${id}`)).body.displayName).toBe("Finance Department");
    expect((await t.get(token, `/directory/administrativeUnits/${id}`)).status).toBe(200);
  });

  it("resolves several ids with directoryObjects/getByIds, typed", async () => {
    const group = t.groupId("PIM-Tier0-Operators");
    const res = await t.post(token, "/directoryObjects/getByIds", {
      ids: [t.approver.oid, group, "00000000-0000-0000-0000-000000000009"],
    });
    expect(res.status).toBe(200);
    expect(res.body.value?.map((o) => o["@odata.type"])).toEqual(["#microsoft.graph.user", "#microsoft.graph.group"]);
    const users = await t.post(token, "/directoryObjects/getByIds", { ids: [t.approver.oid, group], types: ["user"] });
    expect(users.body.value).toHaveLength(1);
  });
});
