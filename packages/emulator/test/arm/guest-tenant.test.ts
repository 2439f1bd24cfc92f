/**
 * Guest tenants: ARM lists them with the home tenant, and a token issued for a guest tenant sees
 * only what the scenario gives the user there (nothing), on ARM and on Graph alike.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../../src/index";
import { allScopes } from "../graph/helpers";

const armAudience = "https://management.azure.com";
const graphAudience = "https://graph.microsoft.com";
const adminUpn = "alex.morgan@contoso.example.com";

interface Listed {
  value: Array<Record<string, unknown>>;
}

describe("guest tenants", () => {
  let emu: Emulator;
  let guestId: string;

  const get = async (token: string, path: string) => {
    const res = await emu.fetch(`${emu.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Listed & { error?: { code: string } } };
  };
  const armToken = (tenantId?: string) =>
    emu.issueAccessToken({
      upn: adminUpn,
      audience: armAudience,
      scopes: ["user_impersonation"],
      ...(tenantId ? { tenantId } : {}),
    });
  const graphToken = (tenantId?: string) =>
    emu.issueAccessToken({
      upn: adminUpn,
      audience: graphAudience,
      scopes: allScopes,
      amr: ["pwd", "mfa"],
      ...(tenantId ? { tenantId } : {}),
    });

  beforeAll(async () => {
    emu = await createEmulator({ listen: false });
    const state = emu.admin.state() as { guestTenants: Array<{ id: string; domain: string }> };
    const guest = state.guestTenants.find((t) => t.domain === "fabrikam.example.com");
    if (!guest) throw new Error("the demo has the Fabrikam guest tenant");
    guestId = guest.id;
  });
  afterAll(async () => {
    await emu.close();
  });

  it("ARM /tenants lists the home and the guest tenant, both as Home, whichever tenant the token is for", async () => {
    for (const token of [await armToken(), await armToken(guestId)]) {
      const res = await get(token, "/arm/tenants?api-version=2022-12-01");
      expect(res.status).toBe(200);
      const byId = new Map(res.body.value.map((t) => [t.tenantId, t]));
      expect([...byId.keys()].sort()).toEqual([emu.tenantId, guestId].sort());
      expect(byId.get(emu.tenantId)).toMatchObject({ tenantCategory: "Home", tenantType: "AAD" });
      expect(byId.get(guestId)).toMatchObject({
        id: `/tenants/${guestId}`,
        tenantCategory: "Home",
        tenantType: "AAD",
        defaultDomain: "fabrikam.example.com",
        displayName: "Fabrikam",
      });
    }
  });

  it("ARM: a guest-tenant token does not reach the home tenant's subscriptions", async () => {
    const eligible = "/providers/Microsoft.Authorization/roleEligibilityScheduleInstances";
    const filter = "?api-version=2020-10-01&$filter=asTarget()";
    // An eligible-only user may see no subscription in the list: take the scope from the tenant.
    const dump = emu.admin.state() as { eligibilities: Array<{ principalId: string; target: { scope?: string } }> };
    const oid = emu.users.find((u) => u.upn === adminUpn)?.oid;
    const subscription = dump.eligibilities
      .map((e) => (e.principalId === oid ? e.target.scope : undefined))
      .find((scope) => scope?.startsWith("/subscriptions/"))
      ?.split("/")
      .slice(0, 3)
      .join("/");
    expect(subscription).toEqual(expect.any(String));
    const home = await get(await armToken(), `/arm${String(subscription)}${eligible}${filter}`);
    expect(home.status).toBe(200);
    expect(home.body.value.length).toBeGreaterThan(0);

    const guest = await armToken(guestId);
    const guestSub = await get(guest, `/arm${String(subscription)}${eligible}${filter}`);
    expect(guestSub.status).toBe(404);
    expect(guestSub.body.error?.code).toBe("SubscriptionNotFound");
  });

  it("Graph: a guest-tenant token lists no role or group eligibilities", async () => {
    const roles =
      "/graph/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')";
    const groups =
      "/graph/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances/filterByCurrentUser(on='principal')";
    const home = await graphToken();
    expect((await get(home, roles)).body.value.length).toBeGreaterThan(0);
    expect((await get(home, groups)).body.value.length).toBeGreaterThan(0);

    const guest = await graphToken(guestId);
    const guestRoles = await get(guest, roles);
    expect(guestRoles.status).toBe(200);
    expect(guestRoles.body.value).toEqual([]);
    const guestGroups = await get(guest, groups);
    expect(guestGroups.status).toBe(200);
    expect(guestGroups.body.value).toEqual([]);
  });

  it("Graph: activating a home-tenant role with a guest-tenant token is refused", async () => {
    const guest = await graphToken(guestId);
    const before = (emu.admin.state() as { requests: unknown[] }).requests.length;
    const user = emu.users[0];
    if (!user) throw new Error("the demo has users");
    const homeEligible = await get(
      await graphToken(),
      "/graph/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')",
    );
    const roleDefinitionId = homeEligible.body.value[0]?.roleDefinitionId;
    expect(roleDefinitionId).toEqual(expect.any(String));
    const res = await emu.fetch(`${emu.url}/graph/v1.0/roleManagement/directory/roleAssignmentScheduleRequests`, {
      method: "POST",
      headers: { authorization: `Bearer ${guest}`, "content-type": "application/json" },
      body: JSON.stringify({
        action: "selfActivate",
        principalId: user.oid,
        roleDefinitionId,
        directoryScopeId: "/",
        justification: "Guest tenant check",
        scheduleInfo: {
          startDateTime: emu.admin.clock.now().toISOString(),
          expiration: { type: "afterDuration", duration: "PT1H" },
        },
      }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    // The home tenant holds no request from it either.
    expect((emu.admin.state() as { requests: unknown[] }).requests).toHaveLength(before);
  });
});
