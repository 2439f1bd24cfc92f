import type { PimRole } from "@pimkit/core";
import { describe, expect, it } from "vitest";
import { requirementChips } from "./policy-matrix";
import { filterRoles, sortRoles } from "./role-filter";

function role(id: string, name: string, kind: PimRole["kind"], req: Partial<PimRole["requirements"]> = {}): PimRole {
  return {
    id,
    kind,
    name,
    accessId: null,
    scope: { id: "/", displayName: kind === "azureRole" ? "Contoso Production" : "Directory", type: "directory" },
    state: "eligible",
    activeUntil: null,
    assignmentType: null,
    requirements: {
      maxDuration: "PT8H",
      justification: false,
      ticket: false,
      mfa: false,
      authContext: null,
      approval: false,
      known: true,
      ...req,
    },
    eligibility: { start: null, end: null, memberType: "direct" },
    assignment: null,
    pendingRequest: null,
    target: { kind: "entraRole", roleDefinitionId: id, directoryScopeId: "/" },
  };
}

const roles = [
  role("1", "Sécurité Administrator", "entraRole", { authContext: { id: "c1", name: "Step-up" } }),
  role("2", "Reader", "azureRole", { approval: true }),
  role("3", "Global Reader", "entraRole"),
];

describe("search and kind filter", () => {
  it("matches names without accents, scopes and policy words", () => {
    expect(filterRoles(roles, "securite", "all").map((r) => r.id)).toEqual(["1"]);
    expect(filterRoles(roles, "c1", "all").map((r) => r.id)).toEqual(["1"]);
    expect(filterRoles(roles, "approval production", "all").map((r) => r.id)).toEqual(["2"]);
    expect(filterRoles(roles, "reader", "entraRole").map((r) => r.id)).toEqual(["3"]);
  });

  it("orders Entra, then groups, then Azure, by name", () => {
    expect(sortRoles(roles).map((r) => r.id)).toEqual(["3", "1", "2"]);
  });
});

describe("requirement chips", () => {
  it("shows each requirement, the context with its name, and the maximum", () => {
    const chips = requirementChips({
      maxDuration: "PT30M",
      justification: true,
      ticket: true,
      mfa: true,
      authContext: { id: "c2", name: "Tier 0" },
      approval: true,
      known: true,
    });
    expect(chips.map((c) => c.key)).toEqual([
      "justification",
      "ticket",
      "mfa",
      "authContext",
      "approval",
      "maxDuration",
    ]);
    expect(chips.find((c) => c.key === "authContext")).toEqual({
      key: "authContext",
      label: "Auth context c2",
      detail: "Tier 0",
    });
    expect(chips.at(-1)?.label).toBe("Up to 30m");
  });

  it("says when there is nothing to do and when the policy could not be read", () => {
    expect(
      requirementChips({
        maxDuration: "PT8H",
        justification: false,
        ticket: false,
        mfa: false,
        authContext: null,
        approval: false,
        known: true,
      }).map((c) => c.key),
    ).toEqual(["none", "maxDuration"]);
    expect(
      requirementChips({
        maxDuration: null,
        justification: null,
        ticket: null,
        mfa: null,
        authContext: null,
        approval: null,
        known: false,
      }).map((c) => c.key),
    ).toEqual(["unknown"]);
  });
});
