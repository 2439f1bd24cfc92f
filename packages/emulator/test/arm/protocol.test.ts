/**
 * What every ARM answer shares: bearer validation (ARM's 401 codes and challenge), api-version
 * checks per resource type, strictness (unknown routes, filters and options are named, never
 * ignored), headers, paging and the scope spellings ARM accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ArmHarness, admin, armHarness, guidPattern, limited, roles } from "./helpers";

const instances = "/providers/Microsoft.Authorization/roleEligibilityScheduleInstances";
const auth = "/providers/Microsoft.Authorization";
const v = "api-version=2020-10-01";

interface CloudError {
  error: { code: string; message: string };
}

describe("ARM authentication", () => {
  let h: ArmHarness;
  beforeAll(async () => {
    h = await armHarness();
  });
  afterAll(() => h.close());

  const listMine = (token: string | null) => h.call("GET", `${instances}?${v}&$filter=asTarget()`, { token });

  it("answers a request without Authorization with 401 AuthenticationFailed and ARM's challenge", async () => {
    const res = await listMine(null);
    expect(res.status).toBe(401);
    expect(await h.json<CloudError>(res)).toEqual({
      error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." },
    });
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
    );
  });

  it("answers an expired token with ExpiredAuthenticationToken naming both times", async () => {
    const res = await listMine(await h.token(admin, { expiresInSeconds: -600 }));
    expect(res.status).toBe(401);
    const body = await h.json<CloudError>(res);
    expect(body.error.code).toBe("ExpiredAuthenticationToken");
    expect(body.error.message).toBe(
      "The access token expiry UTC time '3/2/2026 7:50:00 AM' is earlier than current UTC time '3/2/2026 8:00:00 AM'.",
    );
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("answers a forged or malformed token with InvalidAuthenticationToken", async () => {
    for (const token of [await h.token(admin, { forge: true }), "not-a-jwt"]) {
      const res = await listMine(token);
      expect(res.status).toBe(401);
      expect((await h.json<CloudError>(res)).error.code).toBe("InvalidAuthenticationToken");
    }
  });

  it("answers a Graph token with InvalidAuthenticationTokenAudience listing ARM's audiences", async () => {
    const res = await listMine(
      await h.token(admin, { audience: "https://graph.microsoft.com", scopes: ["User.Read"] }),
    );
    expect(res.status).toBe(401);
    const body = await h.json<CloudError>(res);
    expect(body.error.code).toBe("InvalidAuthenticationTokenAudience");
    expect(body.error.message).toContain("'https://graph.microsoft.com'");
    expect(body.error.message).toContain("'https://management.azure.com/'");
  });

  it("answers a token of another tenant with InvalidAuthenticationTokenTenant", async () => {
    const res = await listMine(await h.token(admin, { tenantId: "11111111-2222-3333-4444-555555555555" }));
    expect(res.status).toBe(401);
    expect((await h.json<CloudError>(res)).error.code).toBe("InvalidAuthenticationTokenTenant");
  });

  it("requires the user_impersonation scope", async () => {
    const res = await listMine(await h.token(admin, { scopes: [] }));
    expect(res.status).toBe(401);
    expect((await h.json<CloudError>(res)).error.code).toBe("InvalidAuthenticationToken");
  });

  it("accepts a token for the legacy management.core.windows.net audience", async () => {
    const res = await listMine(await h.token(admin, { audience: "https://management.core.windows.net/" }));
    expect(res.status).toBe(200);
  });
});

describe("ARM api-version", () => {
  let h: ArmHarness;
  beforeAll(async () => {
    h = await armHarness();
  });
  afterAll(() => h.close());

  it("answers a missing api-version with MissingApiVersionParameter, before authentication", async () => {
    const res = await h.call("GET", `${instances}?$filter=asTarget()`, { token: null });
    expect(res.status).toBe(400);
    expect(await h.json<CloudError>(res)).toEqual({
      error: {
        code: "MissingApiVersionParameter",
        message: "The api-version query parameter (?api-version=) is required for all requests.",
      },
    });
  });

  it("accepts the api-versions ARM serves for the PIM types", async () => {
    for (const version of ["2020-10-01", "2020-10-01-preview", "2022-04-01-preview"]) {
      const res = await h.call("GET", `${instances}?api-version=${version}&$filter=asTarget()`);
      expect(res.status, version).toBe(200);
    }
  });

  it("refuses a version ARM does not serve for a type with InvalidResourceType (404) listing the supported ones", async () => {
    const res = await h.call("GET", `${instances}?api-version=2024-02-01-preview&$filter=asTarget()`);
    expect(res.status).toBe(404);
    expect(await h.json<CloudError>(res)).toEqual({
      error: {
        code: "InvalidResourceType",
        message:
          "The resource type 'roleEligibilityScheduleInstances' could not be found in the namespace 'Microsoft.Authorization' for api version '2024-02-01-preview'. The supported api-versions are '2020-10-01-preview,2020-10-01,2022-04-01-preview'.",
      },
    });
  });

  it("serves policies with the 2024 previews as well", async () => {
    const sub = h.subscriptionId("Contoso Production");
    for (const version of ["2024-02-01-preview", "2024-09-01-preview"]) {
      const res = await h.call(
        "GET",
        `/subscriptions/${sub}/providers/Microsoft.Authorization/roleManagementPolicies?api-version=${version}`,
      );
      expect(res.status, version).toBe(200);
    }
  });

  it("words the refusal per provider: role definitions and Microsoft.Resources types", async () => {
    const defs = await h.call("GET", "/providers/Microsoft.Authorization/roleDefinitions?api-version=2020-10-01");
    expect(defs.status).toBe(400);
    expect((await h.json<CloudError>(defs)).error.code).toBe("NoRegisteredProviderFound");
    const subs = await h.call("GET", "/subscriptions?api-version=1999-01-01");
    expect(subs.status).toBe(400);
    const body = await h.json<CloudError>(subs);
    expect(body.error.code).toBe("InvalidApiVersionParameter");
    expect(body.error.message).toMatch(
      /^The api-version '1999-01-01' is invalid\. The supported versions are '2024-11-01,/,
    );
    const approvals = await h.call(
      "GET",
      "/providers/Microsoft.Authorization/roleAssignmentApprovals?api-version=2020-10-01",
    );
    expect(approvals.status).toBe(404);
    expect((await h.json<CloudError>(approvals)).error.code).toBe("InvalidResourceType");
  });
});

describe("ARM strictness and headers", () => {
  let h: ArmHarness;
  beforeAll(async () => {
    h = await armHarness({ settings: { pageSize: 2 } });
  });
  afterAll(() => h.close());

  it("answers an unknown route with 501 naming it", async () => {
    const res = await h.call("DELETE", `/providers/Microsoft.Authorization/roleManagementPolicies/x?${v}`);
    expect(res.status).toBe(501);
    const body = await h.json<CloudError>(res);
    expect(body.error.code).toBe("NotImplemented");
    expect(body.error.message).toContain("DELETE /arm/providers/Microsoft.Authorization/roleManagementPolicies/x");
    const other = await h.call("GET", `/subscriptions/x/providers/Microsoft.Compute/virtualMachines?${v}`);
    expect(other.status).toBe(501);
  });

  it("refuses an unsupported $filter naming it and the supported forms", async () => {
    const res = await h.call("GET", `${instances}?${v}&$filter=${encodeURIComponent("roleDefinitionId eq 'x'")}`);
    expect(res.status).toBe(400);
    const body = await h.json<CloudError>(res);
    expect(body.error.code).toBe("UnsupportedQuery");
    expect(body.error.message).toContain("The filter 'roleDefinitionId eq 'x'' is not supported.");
    expect(body.error.message).toContain("'asTarget()'");
  });

  it("refuses query options the route does not support, and a $expand other than expandedProperties", async () => {
    const top = await h.call("GET", `${instances}?${v}&$filter=asTarget()&$top=5`);
    expect(top.status).toBe(400);
    expect((await h.json<CloudError>(top)).error.message).toContain("$top");
    const expand = await h.call("GET", `${instances}?${v}&$filter=asTarget()&$expand=principal`);
    expect(expand.status).toBe(400);
    const ok = await h.call("GET", `${instances}?${v}&$filter=asTarget()&$expand=expandedProperties`);
    expect(ok.status).toBe(200);
  });

  it("sends ARM's request headers: request and correlation ids, remaining tenant budget", async () => {
    const res = await h.emu.fetch(`${h.base}${instances}?${v}&$filter=asTarget()`, {
      headers: { authorization: `Bearer ${await h.token(admin)}`, "x-ms-correlation-request-id": "corr-123" },
    });
    expect(res.headers.get("x-ms-request-id")).toMatch(guidPattern);
    expect(res.headers.get("x-ms-correlation-request-id")).toBe("corr-123");
    const reads = Number(res.headers.get("x-ms-ratelimit-remaining-tenant-reads"));
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(12000);
    const next = await h.call("GET", `${instances}?${v}&$filter=asTarget()`);
    expect(Number(next.headers.get("x-ms-ratelimit-remaining-tenant-reads"))).toBe(reads - 1);
    const write = await h.call(
      "PUT",
      `/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/not-a-guid?${v}`,
      {
        body: {},
      },
    );
    expect(write.headers.get("x-ms-ratelimit-remaining-tenant-writes")).toMatch(/^\d+$/);
    expect(write.headers.get("x-ms-ratelimit-remaining-subscription-writes")).toBeNull();
    const sub = await h.call(
      "GET",
      `/subscriptions/${h.subscriptionId("Contoso Production")}${instances}?${v}&$filter=asTarget()`,
    );
    expect(sub.headers.get("x-ms-ratelimit-remaining-subscription-reads")).toMatch(/^\d+$/);
  });

  it("pages with an absolute nextLink on the /arm base carrying $skipToken and the api-version", async () => {
    const seen: string[] = [];
    let url: string | undefined = `${h.base}${instances}?${v}&$filter=asTarget()`;
    let pages = 0;
    const token = await h.token(admin);
    while (url) {
      const res = await h.emu.fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { value: Array<{ name: string }>; nextLink?: string };
      expect(body.value.length).toBeLessThanOrEqual(2);
      seen.push(...body.value.map((x) => x.name));
      url = body.nextLink;
      if (url) {
        expect(
          url.startsWith(`${h.emu.url}/arm/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?`),
        ).toBe(true);
        expect(url).toContain("api-version=2020-10-01");
        expect(url).toContain("$skipToken=");
      }
      pages += 1;
    }
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(4);
  });

  it("refuses a $skipToken it did not issue", async () => {
    const res = await h.call("GET", `${instances}?${v}&$filter=asTarget()&$skipToken=garbage`);
    expect(res.status).toBe(400);
    expect((await h.json<CloudError>(res)).error.code).toBe("InvalidSkipToken");
  });
});

describe("ARM scope spellings", () => {
  let h: ArmHarness;
  beforeAll(async () => {
    h = await armHarness();
  });
  afterAll(() => h.close());

  const names = async (path: string) => {
    const res = await h.call("GET", `${path}?${v}&$filter=asTarget()`);
    expect(res.status, path).toBe(200);
    return ((await res.json()) as { value: Array<{ name: string }> }).value.map((x) => x.name).sort();
  };

  it("treats //providers, ///providers and /providers alike at the tenant root", async () => {
    const plain = await names(instances);
    expect(plain.length).toBe(4);
    expect(await names(`/${instances}`)).toEqual(plain);
    expect(await names(`//${instances}`)).toEqual(plain);
  });

  it("accepts /providers/Microsoft.Subscription/subscriptions/S and any case as /subscriptions/S", async () => {
    const sub = h.subscriptionId("Contoso Production");
    const plain = await names(`/subscriptions/${sub}${instances}`);
    expect(plain.length).toBeGreaterThan(0);
    expect(await names(`/providers/Microsoft.Subscription/subscriptions/${sub}${instances}`)).toEqual(plain);
    expect(
      await names(
        `/SUBSCRIPTIONS/${sub.toUpperCase()}/providers/microsoft.authorization/roleeligibilityscheduleinstances`,
      ),
    ).toEqual(plain);
  });

  it("answers an unknown subscription or resource group with ARM's not-found codes", async () => {
    const unknownSub = await h.call(
      "GET",
      `/subscriptions/00000000-0000-0000-0000-000000000000${instances}?${v}&$filter=asTarget()`,
    );
    expect(unknownSub.status).toBe(404);
    expect((await h.json<CloudError>(unknownSub)).error.code).toBe("SubscriptionNotFound");
    const sub = h.subscriptionId("Contoso Production");
    const unknownRg = await h.call(
      "GET",
      `/subscriptions/${sub}/resourceGroups/nope${instances}?${v}&$filter=asTarget()`,
    );
    expect(unknownRg.status).toBe(404);
    expect((await h.json<CloudError>(unknownRg)).error.code).toBe("ResourceGroupNotFound");
  });

  it("uses the token's principal: another user sees only their own eligibilities", async () => {
    const res = await h.call("GET", `${instances}?${v}&$filter=asTarget()`, { as: limited });
    const body = (await res.json()) as { value: Array<{ properties: { principalId: string } }> };
    expect(body.value.length).toBe(1);
    expect(body.value[0]?.properties.principalId).toBe(h.oid(limited));
  });
});

describe("ARM robustness", () => {
  let h: ArmHarness;
  beforeAll(async () => {
    h = await armHarness();
  });
  afterAll(() => h.close());

  it("never answers 500 to hostile paths, queries and bodies", async () => {
    const req = `${auth}/roleAssignmentScheduleRequests`;
    const sub = `/subscriptions/${h.subscriptionId("Contoso Production")}`;
    const name = "00000000-0000-0000-0000-0000000000aa";
    const cases: Array<[string, string, string?]> = [
      ["GET", `/%E0%A4%A${instances}?${v}&$filter=asTarget()`],
      ["GET", `/subscriptions/%00${instances}?${v}&$filter=asTarget()`],
      ["GET", `/subscriptions/${"x".repeat(3000)}${instances}?${v}`],
      ["GET", `/foo/bar${instances}?${v}&$filter=asTarget()`],
      ["GET", `${sub}/resourceGroups${instances}?${v}&$filter=asTarget()`],
      ["GET", `${sub}/resourceGroups/rg-web-prod/providers/x${instances}?${v}&$filter=asTarget()`],
      ["GET", `${instances}?${v}&$filter=${encodeURIComponent("asTarget() and")}`],
      ["GET", `${instances}?${v}&$filter=${encodeURIComponent("assignedTo('unterminated)")}`],
      ["GET", `${instances}?${v}&$filter=${encodeURIComponent("principalId eq ''")}`],
      ["GET", `${instances}/${encodeURIComponent("../../etc")}?${v}`],
      ["GET", `${auth}/roleManagementPolicyAssignments/${encodeURIComponent("a_b_c")}?${v}`],
      ["GET", `${auth}/roleManagementPolicyAssignments/_?${v}`],
      ["GET", `${auth}/roleAssignmentApprovals/x/stages/y?api-version=2021-01-01-preview`],
      ["PATCH", `${auth}/roleAssignmentApprovals/x/stages/y?api-version=2021-01-01-preview`, "[]"],
      ["GET", `/subscriptions/${"%2F".repeat(5)}?api-version=2022-12-01`],
      ["GET", `/providers/Microsoft.Management/managementGroups/%20?api-version=2023-04-01`],
      ["PUT", `${sub}${req}/${name}?${v}`, "null"],
      ["PUT", `${sub}${req}/${name}?${v}`, "[1,2]"],
      ["PUT", `${sub}${req}/${name}?${v}`, '{"properties":[]}'],
      ["PUT", `${sub}${req}/${name}?${v}`, '{"properties":{"principalId":1,"roleDefinitionId":{},"requestType":[]}}'],
      [
        "PUT",
        `${sub}${req}/${name}?${v}`,
        JSON.stringify({
          properties: {
            principalId: h.oid(admin),
            roleDefinitionId: roles.contributor,
            requestType: "SelfActivate",
            scheduleInfo: { startDateTime: "yesterday", expiration: { type: "AfterDateTime", endDateTime: 5 } },
          },
        }),
      ],
      [
        "PUT",
        `${sub}${req}/${name}?${v}`,
        JSON.stringify({
          properties: {
            principalId: "not-a-guid",
            roleDefinitionId: `${sub}${auth}/roleDefinitions/${roles.contributor}`,
            requestType: "SelfActivate",
            ticketInfo: "CHG-1",
          },
        }),
      ],
      [
        "PUT",
        `${sub}${req}/${name}?${v}`,
        JSON.stringify({
          properties: {
            principalId: h.oid(admin),
            roleDefinitionId: `${sub}${auth}/roleDefinitions/${roles.contributor}`,
            requestType: "SelfActivate",
            justification: "x",
            ticketInfo: { ticketNumber: "1", ticketSystem: "s" },
            scheduleInfo: { startDateTime: "2099-13-45T99:00:00Z", expiration: { type: "NoExpiration" } },
          },
        }),
      ],
      ["POST", `${sub}${req}/${name}/validate?${v}`, "{"],
      ["POST", `${sub}${req}/${name}/cancel?${v}`],
      ["POST", `${sub}${req}/not-a-guid/cancel?${v}`],
    ];
    for (const [method, path, raw] of cases) {
      const res = await h.call(method, path, raw !== undefined ? { raw } : {});
      expect(res.status, `${method} ${path.slice(0, 120)}`).not.toBe(500);
      expect(res.status, `${method} ${path.slice(0, 120)}`).toBeLessThan(502);
      const body = (await res.json()) as { error?: { code?: string; message?: string } } | unknown;
      if (res.status >= 400) {
        const err = (body as { error?: { code?: string; message?: string } }).error;
        expect(typeof err?.code, `${method} ${path.slice(0, 120)}`).toBe("string");
        expect(typeof err?.message).toBe("string");
      }
    }
  });
});
