import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { activation, roles, startTenant, type Tenant } from "./helpers";

let t: Tenant;
let token: string;
beforeAll(async () => {
  t = await startTenant();
});
beforeEach(async () => {
  t.emu.admin.reset();
  token = await t.token(t.admin.upn);
});
afterAll(() => t.close());

const requests = "/roleManagement/directory/roleAssignmentScheduleRequests";
const json = { "Content-Type": "application/json" };

function batch(body: unknown, tok = token) {
  return t.post(tok, "/$batch", body);
}

describe("$batch", () => {
  it("serves each item with the same handlers and the outer token, answering 200", async () => {
    const res = await batch({
      requests: [
        { id: "1", method: "POST", url: requests, headers: json, body: activation(t.admin.oid, roles.globalReader) },
        {
          id: "2",
          method: "POST",
          url: requests,
          headers: json,
          body: activation(t.admin.oid, roles.securityAdministrator),
        },
        {
          id: "3",
          method: "GET",
          url: "/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')",
          dependsOn: ["1"],
        },
        { id: "4", method: "GET", url: "me?$select=id" },
      ],
    });
    expect(res.status).toBe(200);
    const byId = new Map((res.body.responses ?? []).map((r) => [r.id, r]));
    expect(byId.get("1")?.status).toBe(201);
    expect(byId.get("1")?.body?.status).toBe("Provisioned");
    expect(byId.get("2")?.status).toBe(400);
    expect(byId.get("2")?.body?.error?.code).toBe("UnknownError");
    expect(byId.get("3")?.status).toBe(200);
    expect(byId.get("3")?.body?.value?.some((a) => a.roleDefinitionId === roles.globalReader)).toBe(true);
    expect(byId.get("4")?.body?.id).toBe(t.admin.oid);
    expect(byId.get("1")?.headers["Content-Type"]).toMatch(/^application\/json/);
  });

  it("answers 424 to the dependants of a failed item, transitively", async () => {
    const res = await batch({
      requests: [
        {
          id: "a",
          method: "POST",
          url: requests,
          headers: json,
          body: activation(t.admin.oid, roles.globalReader, { justification: null }),
        },
        { id: "b", method: "GET", url: "/me", dependsOn: ["a"] },
        { id: "c", method: "GET", url: "/me", dependsOn: ["b"] },
        { id: "d", method: "GET", url: "/me" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.responses?.map((r) => [r.id, r.status])).toEqual([
      ["a", 400],
      ["b", 424],
      ["c", 424],
      ["d", 200],
    ]);
  });

  it("runs items after the items they depend on, whatever their order in the batch", async () => {
    const res = await batch({
      requests: [
        {
          id: "2",
          method: "GET",
          url: `/roleManagement/directory/roleAssignmentScheduleInstances?$filter=roleDefinitionId eq '${roles.reportsReader}'`,
          dependsOn: ["1"],
        },
        { id: "1", method: "POST", url: requests, headers: json, body: activation(t.admin.oid, roles.reportsReader) },
      ],
    });
    const second = res.body.responses?.find((r) => r.id === "2");
    expect(second?.body?.value).toHaveLength(1);
  });

  it("refuses more than 20 requests", async () => {
    const res = await batch({
      requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: "GET", url: "/me" })),
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toBe("Number of requests inside batch exceeds the limit.");
    expect(
      (await batch({ requests: Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: "GET", url: "/me" })) }))
        .status,
    ).toBe(200);
  });

  it("refuses duplicate ids (case-insensitive), unknown dependsOn targets and cycles", async () => {
    expect(
      (
        await batch({
          requests: [
            { id: "x", method: "GET", url: "/me" },
            { id: "X", method: "GET", url: "/me" },
          ],
        })
      ).status,
    ).toBe(400);
    expect((await batch({ requests: [{ id: "1", method: "GET", url: "/me", dependsOn: ["9"] }] })).status).toBe(400);
    expect(
      (
        await batch({
          requests: [
            { id: "1", method: "GET", url: "/me", dependsOn: ["2"] },
            { id: "2", method: "GET", url: "/me", dependsOn: ["1"] },
          ],
        })
      ).status,
    ).toBe(400);
    expect((await batch({ requests: [{ id: "1", url: "/me" }] })).status).toBe(400);
    expect((await batch({ notRequests: [] })).status).toBe(400);
  });

  it("answers an item with a body but no Content-Type with its own 400", async () => {
    const res = await batch({
      requests: [{ id: "1", method: "POST", url: requests, body: activation(t.admin.oid, roles.globalReader) }],
    });
    expect(res.status).toBe(200);
    expect(res.body.responses?.[0]?.status).toBe(400);
    expect(res.body.responses?.[0]?.body?.error?.code).toBe("BadRequest");
  });

  it("throttles one item with its own 429 and Retry-After while the batch answers 200", async () => {
    t.emu.admin.addFault({
      kind: "status",
      status: 429,
      retryAfter: "2.128",
      inBatch: true,
      path: "roleAssignmentScheduleRequests",
      times: 1,
    });
    const res = await batch({
      requests: [
        { id: "1", method: "POST", url: requests, headers: json, body: activation(t.admin.oid, roles.globalReader) },
        { id: "2", method: "POST", url: requests, headers: json, body: activation(t.admin.oid, roles.reportsReader) },
      ],
    });
    expect(res.status).toBe(200);
    const [first, second] = res.body.responses ?? [];
    expect(first?.status).toBe(429);
    expect(first?.headers["Retry-After"]).toBe("2.128");
    expect(first?.body?.error?.code).toBe("TooManyRequests");
    expect(second?.status).toBe(201);
    // The throttled item did nothing: Global Reader is not active.
    const active = await t.get(
      token,
      `/roleManagement/directory/roleAssignmentScheduleInstances?$filter=roleDefinitionId eq '${roles.globalReader}'`,
    );
    expect(active.body.value).toHaveLength(0);
  });

  it("logs each item with the outer request id and its item id", async () => {
    t.emu.admin.clearRequests();
    await batch({
      requests: [
        { id: "first", method: "GET", url: "/me" },
        {
          id: "second",
          method: "POST",
          url: requests,
          headers: json,
          body: activation(t.admin.oid, roles.globalReader),
        },
      ],
    });
    const log = t.emu.admin.requests();
    const outer = log.find((e) => e.path === "/graph/v1.0/$batch");
    expect(outer?.status).toBe(200);
    const items = log.filter((e) => e.batch);
    expect(items.map((e) => [e.batch?.itemId, e.method, e.path, e.status])).toEqual([
      ["first", "GET", "/graph/v1.0/me", 200],
      ["second", "POST", `/graph/v1.0${requests}`, 201],
    ]);
    for (const e of items) {
      expect(e.batch?.requestId).toBe(outer?.requestId);
      expect(e.surface).toBe("graph");
      expect(e.callerOid).toBe(t.admin.oid);
    }
  });

  it("needs a valid token on the outer request", async () => {
    const res = await t.post(undefined, "/$batch", { requests: [{ id: "1", method: "GET", url: "/me" }] });
    expect(res.status).toBe(401);
  });
});
