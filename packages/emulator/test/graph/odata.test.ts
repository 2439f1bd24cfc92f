import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphError } from "../../src/graph/errors";
import {
  conjunctProperties,
  equalityValues,
  matches,
  nodeText,
  parseFilter,
  validateFilter,
} from "../../src/graph/odata/filter";
import { envelopeKeys, expectedEnvelopeKeys, startTenant, type Tenant } from "./helpers";

describe("$filter parser", () => {
  it("parses precedence: and binds tighter than or", () => {
    const n = parseFilter("a eq '1' or b eq '2' and c eq '3'");
    expect(n.kind).toBe("or");
    expect(nodeText(n)).toBe("a eq '1' or b eq '2' and c eq '3'");
  });

  it("reads quoted strings with doubled quotes, GUIDs, booleans and null", () => {
    const n = parseFilter(
      "displayName eq 'O''Brien' and id eq 11111111-2222-3333-4444-555555555555 and isBuiltIn eq true and x eq null",
    );
    expect(equalityValues(n, "displayName")).toEqual(["O'Brien"]);
    expect(equalityValues(n, "isBuiltIn")).toEqual(["true"]);
  });

  it("reads `in` lists and parenthesised groups", () => {
    const n = parseFilter("scopeId eq '/' and (roleDefinitionId in ('a','b') or roleDefinitionId eq 'c')");
    expect(equalityValues(n, "roleDefinitionId")).toEqual(["a", "b", "c"]);
    expect([...conjunctProperties(n)].sort()).toEqual(["roleDefinitionId", "scopeId"]);
  });

  it.each([
    "principalId eq",
    "principalId eq 'x' and",
    "(principalId eq 'x'",
    "principalId eq 'x')",
    "principalId eq 'unterminated",
    "",
  ])("refuses the malformed filter %j with 400 BadRequest", (text) => {
    expect(() => parseFilter(text)).toThrowError(GraphError);
    try {
      parseFilter(text);
    } catch (e) {
      expect((e as GraphError).status).toBe(400);
      expect((e as GraphError).code).toBe("BadRequest");
    }
  });

  it("evaluates eq/ne/in case-insensitively on values", () => {
    const n = parseFilter("status eq 'pendingapproval' and principalId in ('A','b')");
    expect(matches(n, { status: "PendingApproval", principalId: "a" })).toBe(true);
    expect(matches(n, { status: "Provisioned", principalId: "a" })).toBe(false);
    expect(matches(parseFilter("status ne 'Provisioned'"), { status: "Revoked" })).toBe(true);
  });

  const schema = {
    typeName: "thing",
    declared: ["principalId", "isBuiltIn", "startDateTime", "kind"],
    filterable: {
      principalId: { type: "string" },
      isBuiltIn: { type: "boolean" },
      kind: { type: "enum", members: ["member", "owner"] },
    },
  } as const;

  it.each([
    ["startswith(principalId,'a')", "InvalidFilter"],
    ["not principalId eq 'a'", "InvalidFilter"],
    ["principalId gt 'a'", "InvalidFilter"],
    ["startDateTime eq '2020-01-01T00:00:00Z'", "InvalidFilter"],
    ["nope eq 'a'", "BadRequest"],
    ["principalId eq 11111111-2222-3333-4444-555555555555", "BadRequest"],
    ["isBuiltIn eq 'yes'", "BadRequest"],
    ["kind eq 'admin'", "BadRequest"],
  ])("refuses %s with %s", (text, code) => {
    try {
      validateFilter(parseFilter(text), schema);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GraphError);
      expect((e as GraphError).code).toBe(code);
    }
  });
});

describe("system query options over HTTP", () => {
  let t: Tenant;
  let token: string;
  beforeAll(async () => {
    t = await startTenant();
    token = await t.token(t.admin.upn);
  });
  afterAll(() => t.close());
  const list = "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')";

  it.each([
    ["an unknown $ option", "$foo=1", "$foo"],
    ["$orderby", "$orderby=startDateTime", "OrderBy"],
    ["$count", "$count=true", "Count"],
    ["$search", "$search=%22x%22", "Search"],
    ["$skip", "$skip=1", "Skip"],
    ["an option given twice", "$top=1&$top=2", "$top"],
    ["$select of a property the type lacks", "$select=displayName", "displayName"],
    ["$expand of a property the type lacks", "$expand=group", "group"],
    ["$expand of a structural property", "$expand=principalId", "principalId"],
    ["$expand with a nested option it cannot take", "$expand=roleDefinition($filter=id eq 'x')", "Filter"],
    ["a $top that is not a number", "$top=many", "many"],
    ["a $skiptoken that was not issued", "$skiptoken=abc", "$skiptoken"],
    ["a filter on an unknown property", "$filter=displayName eq 'x'", "displayName"],
    ["an unsupported filter function", "$filter=startswith(roleDefinitionId,'6')", "startswith"],
  ])("answers %s with 400 naming it", async (_name, q, named) => {
    const res = await t.get(token, `${list}?${q}`);
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toContain(named);
    expect(envelopeKeys(res.body)).toEqual(expectedEnvelopeKeys);
  });

  it("ignores parameters that are not OData options, as Graph does", async () => {
    expect((await t.get(token, `${list}?foo=bar`)).status).toBe(200);
  });

  it("refuses a $skiptoken replayed on a different query", async () => {
    const first = await t.get(token, `${list}?$top=2`);
    const next = String(first.body["@odata.nextLink"]);
    const tokenValue = new URL(next).searchParams.get("$skiptoken");
    const res = await t.get(token, `${list}?$top=2&$filter=memberType eq 'Direct'&$skiptoken=${tokenValue}`);
    expect(res.status).toBe(400);
  });

  it("honours $top as the page size and keeps it in nextLink", async () => {
    const res = await t.get(token, `${list}?$top=2`);
    expect(res.body.value).toHaveLength(2);
    expect(String(res.body["@odata.nextLink"])).toContain("$top=2");
  });
});
