import { describe, expect, it } from "vitest";
import { createSafeLogger, type LogFields, redactUrl } from "../../src/logger";
import { matchRoles } from "../../src/match";
import { unknownRequirements } from "../../src/policy";
import type { PimRole } from "../../src/types";

describe("logger allow-list", () => {
  it("only allow-listed primitive fields reach the injected logger", () => {
    const seen: LogFields[] = [];
    const log = createSafeLogger({ log: (_l, _e, f) => seen.push(f) });
    log.log("info", "x", {
      status: 200,
      url: "https://h/x",
      ...({ token: "secret", headers: { Authorization: "Bearer s" }, claims: "{}" } as object),
    } as LogFields);
    expect(seen).toEqual([{ status: 200, url: "https://h/x" }]);
  });

  it("a throwing logger never breaks the caller", () => {
    const log = createSafeLogger({
      log: () => {
        throw new Error("disk full");
      },
    });
    expect(() => log.log("warn", "x", {})).not.toThrow();
  });

  it("redacts secrets in URLs", () => {
    expect(redactUrl("https://u:p@h/x?code=abc&claims=%7B%7D&$top=5#frag")).toBe(
      "https://h/x?code=REDACTED&claims=REDACTED&$top=5",
    );
  });
});

function role(p: Partial<PimRole> & Pick<PimRole, "id" | "name">): PimRole {
  return {
    kind: "entraRole",
    accessId: null,
    scope: { id: "/", displayName: "Directory", type: "directory" },
    state: "eligible",
    activeUntil: null,
    assignmentType: null,
    requirements: unknownRequirements,
    eligibility: null,
    assignment: null,
    pendingRequest: null,
    target: { kind: "entraRole", roleDefinitionId: "r", directoryScopeId: "/" },
    ...p,
  };
}

describe("matchRoles", () => {
  const roles = [
    role({ id: "entra-1", name: "Global Administrator" }),
    role({
      id: "group-1",
      name: "grp-ops",
      kind: "group",
      accessId: "member",
      scope: { id: "g", displayName: "grp-ops", type: "group" },
    }),
    role({
      id: "group-2",
      name: "grp-ops",
      kind: "group",
      accessId: "owner",
      scope: { id: "g", displayName: "grp-ops", type: "group" },
    }),
    role({
      id: "azure-1",
      name: "Contributor",
      kind: "azureRole",
      scope: { id: "/subscriptions/s1", displayName: "sub-prod", type: "subscription" },
    }),
    role({
      id: "azure-2",
      name: "Contributor",
      kind: "azureRole",
      scope: { id: "/subscriptions/s2", displayName: "sub-dev", type: "subscription" },
    }),
  ];
  it("by id, by name, with scope and access qualifiers, ambiguity reported", () => {
    expect(matchRoles(roles, "entra-1").matches.map((r) => r.id)).toEqual(["entra-1"]);
    expect(matchRoles(roles, "global administrator").matches.map((r) => r.id)).toEqual(["entra-1"]);
    expect(matchRoles(roles, "grp-ops:owner").matches.map((r) => r.id)).toEqual(["group-2"]);
    expect(matchRoles(roles, "Contributor@sub-prod").matches.map((r) => r.id)).toEqual(["azure-1"]);
    expect(matchRoles(roles, "Contributor@/subscriptions/s2").matches.map((r) => r.id)).toEqual(["azure-2"]);
    expect(matchRoles(roles, "Contributor")).toMatchObject({ ambiguous: true });
    expect(matchRoles(roles, "Nope").matches).toEqual([]);
  });
});
