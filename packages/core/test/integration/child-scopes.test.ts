import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { PimRole } from "../../src/index";
import { byName, closeShared, type Harness, harness } from "./harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(closeShared);

function childListings(hh: Harness) {
  return hh.emu.admin.requests().filter((e) => e.surface === "arm" && /\/eligibleChildResources$/i.test(e.path));
}

function azureReader(roles: PimRole[]): PimRole {
  const found = roles.filter((r) => r.kind === "azureRole" && r.name === "Reader");
  expect(found).toHaveLength(1);
  return found[0] as PimRole;
}

describe("listEligibleChildScopes", () => {
  it("lists the resource groups beneath a subscription eligibility, filtered by resource type", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles({ kinds: ["azureRole"], policies: false });
    const contributor = byName(roles, "Contributor");
    const sub = contributor.scope.id;
    expect(sub).toMatch(/^\/subscriptions\/[^/]+$/);

    const all = await h.client.listEligibleChildScopes(contributor);
    expect(all.map((s) => [s.displayName, s.type, s.id]).sort()).toEqual([
      ["rg-data-prod", "resourceGroup", `${sub}/resourceGroups/rg-data-prod`],
      ["rg-web-prod", "resourceGroup", `${sub}/resourceGroups/rg-web-prod`],
    ]);

    const groups = await h.client.listEligibleChildScopes(contributor, { resourceType: "resourcegroup" });
    expect(groups.map((s) => s.displayName).sort()).toEqual(["rg-data-prod", "rg-web-prod"]);
    const none = await h.client.listEligibleChildScopes(contributor, { resourceType: ["subscription"] });
    expect(none).toEqual([]);

    const sent = childListings(h);
    expect(sent).toHaveLength(3);
    expect(sent.every((e) => e.status === 200 && e.query["api-version"] === "2020-10-01")).toBe(true);
    expect(sent[0]?.query.$filter).toBeUndefined();
    expect(sent[1]?.query.$filter).toBe("resourceType eq 'resourcegroup'");
    expect(sent[2]?.query.$filter).toBe("resourceType eq 'subscription'");
  });

  it("gives subscriptions under a management group in the /subscriptions/{id} form", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles({ kinds: ["azureRole"], policies: false });
    const reader = azureReader(roles);
    expect(reader.scope.type).toBe("managementGroup");
    const children = await h.client.listEligibleChildScopes(reader);
    const connectivity = children.find((c) => c.displayName === "Contoso Connectivity");
    expect(connectivity?.type).toBe("subscription");
    expect(connectivity?.id).toMatch(/^\/subscriptions\/[0-9a-f-]+$/i);
    // The service spells subscription children `/providers/Microsoft.Subscription/subscriptions/…`.
    expect(children.some((c) => /microsoft\.subscription/i.test(c.id))).toBe(false);

    // A child scope from the listing is one the planner accepts for a reduced-scope activation.
    const rg = (await h.client.listEligibleChildScopes(byName(roles, "Contributor")))[0];
    const plan = await h.client.planActivation([byName(roles, "Contributor")], {
      justification: "x",
      ticket: { system: "SN", number: "7" },
      childScope: rg?.id ?? "",
    });
    expect(plan.items[0]).toMatchObject({ activationScope: rg?.id, problems: [] });
  });

  it("follows next links and returns every child once", async () => {
    h = await harness();
    h.emu.admin.settings({ pageSize: 1 });
    const { roles } = await h.client.listRoles({ kinds: ["azureRole"], policies: false });
    const children = await h.client.listEligibleChildScopes(byName(roles, "Contributor"));
    expect(children.map((c) => c.displayName).sort()).toEqual(["rg-data-prod", "rg-web-prod"]);
    const pages = childListings(h);
    expect(pages).toHaveLength(2);
    expect(pages[1]?.query.$skipToken).toBeDefined();
  });

  it("a resource group eligibility with no eligible children gives an empty list", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles({ kinds: ["azureRole"], policies: false });
    expect(await h.client.listEligibleChildScopes(byName(roles, "Owner"))).toEqual([]);
  });

  it("refuses a role of another plane, and a blank resource type, before sending anything", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles({ kinds: ["entraRole", "group", "azureRole"], policies: false });
    await expect(h.client.listEligibleChildScopes(byName(roles, "Global Reader"))).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(
      h.client.listEligibleChildScopes(byName(roles, "PIM-Tier0-Operators", "member")),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      h.client.listEligibleChildScopes(byName(roles, "Contributor"), { resourceType: " " }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    expect(childListings(h)).toHaveLength(0);
  });

  it("a caller's abort stops the listing with code aborted", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles({ kinds: ["azureRole"], policies: false });
    const controller = new AbortController();
    controller.abort();
    await expect(
      h.client.listEligibleChildScopes(byName(roles, "Contributor"), { abortSignal: controller.signal }),
    ).rejects.toMatchObject({ code: "aborted" });
  });
});
