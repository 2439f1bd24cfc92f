import type { ActivationRequirements, PimRole, RoleKind } from "@pimkit/core";
import { describe, expect, it } from "vitest";
import {
  type ActivationFormValues,
  effectiveDurations,
  emptyFormValues,
  formNeeds,
  hasErrors,
  initialTicketMode,
  requestedDuration,
  toActivationGroups,
  validateForm,
  visiblePresets,
} from "./activation-model";

const now = Date.parse("2026-03-01T10:00:00Z");

function role(
  id: string,
  req: Partial<ActivationRequirements> = {},
  kind: RoleKind = "entraRole",
  eligibilityEnd: string | null = null,
): PimRole {
  return {
    id,
    kind,
    name: id,
    accessId: kind === "group" ? "member" : null,
    scope: { id: "/", displayName: "Directory", type: "directory" },
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
    eligibility: { start: "2026-01-01T00:00:00Z", end: eligibilityEnd, memberType: "direct" },
    assignment: null,
    pendingRequest: null,
    target:
      kind === "azureRole"
        ? {
            kind: "azureRole",
            scope: "/subscriptions/s1",
            roleDefinitionId: "/providers/x",
            eligibilityScheduleId: null,
          }
        : { kind: "entraRole", roleDefinitionId: id, directoryScopeId: "/" },
  };
}

function values(change: Partial<ActivationFormValues>): ActivationFormValues {
  return { ...emptyFormValues(), ...change };
}

describe("formNeeds", () => {
  it("asks each field once for the batch and lists the distinct contexts in order", () => {
    const needs = formNeeds([
      role("a", { justification: true, authContext: { id: "c2", name: "Passkey" } }),
      role("b", { justification: true, ticket: true, authContext: { id: "c1", name: null } }),
      role("c", { authContext: { id: "c2", name: "Passkey" }, approval: true }),
    ]);
    expect(needs.justification).toBe(true);
    expect(needs.ticketRoles.map((r) => r.id)).toEqual(["b"]);
    expect(needs.authContexts.map((c) => c.id)).toEqual(["c1", "c2"]);
    expect(needs.approvalRoles.map((r) => r.id)).toEqual(["c"]);
  });
});

describe("visiblePresets", () => {
  it("hides presets above every selected role's maximum", () => {
    expect(visiblePresets([role("a", { maxDuration: "PT30M" })])).toEqual(["PT30M"]);
    expect(visiblePresets([role("a", { maxDuration: "PT30M" }), role("b", { maxDuration: "PT2H" })])).toEqual([
      "PT30M",
      "PT1H",
      "PT2H",
    ]);
    expect(visiblePresets([role("a", { maxDuration: "PT1H30M" })])).toEqual(["PT30M", "PT1H"]);
  });

  it("hides nothing when a maximum is unknown", () => {
    expect(
      visiblePresets([role("a", { maxDuration: "PT30M" }), role("b", { maxDuration: null, known: false })]),
    ).toHaveLength(5);
  });
});

describe("effectiveDurations", () => {
  it("caps the request per role to its maximum and to its eligibility's end, and says why", () => {
    const roles = [
      role("short", { maxDuration: "PT30M" }),
      role("long", { maxDuration: "PT8H" }),
      role("ending", { maxDuration: "PT8H" }, "entraRole", "2026-03-01T11:15:30Z"),
    ];
    expect(effectiveDurations(roles, "PT2H", null, now)).toEqual([
      { roleId: "short", duration: "PT30M", capped: true, reason: "max" },
      { roleId: "long", duration: "PT2H", capped: false, reason: null },
      { roleId: "ending", duration: "PT1H15M", capped: true, reason: "eligibility-end" },
    ]);
  });

  it("uses each role's maximum when no duration is asked", () => {
    expect(
      effectiveDurations([role("a", { maxDuration: "PT30M" }), role("b", { maxDuration: null })], null, null, now),
    ).toEqual([
      { roleId: "a", duration: "PT30M", capped: false, reason: null },
      { roleId: "b", duration: "PT1H", capped: false, reason: null },
    ]);
  });
});

describe("validateForm", () => {
  const needy = [role("a", { justification: true, ticket: true })];

  it("reports every missing required field inline", () => {
    const e = validateForm(needy, values({}), now);
    expect(e.justification).toBeDefined();
    expect(e.ticket).toEqual({ system: "Enter the ticket system.", number: "Enter the ticket number." });
    expect(hasErrors(e)).toBe(true);
  });

  it("accepts the batch once every required field is valid (whitespace is not a value)", () => {
    expect(
      hasErrors(validateForm(needy, values({ justification: "  ", ticket: { system: "SN", number: "1" } }), now)),
    ).toBe(true);
    expect(
      hasErrors(validateForm(needy, values({ justification: "why", ticket: { system: "SN", number: "1" } }), now)),
    ).toBe(false);
  });

  it("checks the per-role tickets of each role that needs one", () => {
    const roles = [role("a", { ticket: true }), role("b", { ticket: true }), role("c")];
    const e = validateForm(
      roles,
      values({ ticketMode: "per-role", tickets: { a: { system: "SN", number: "1" } } }),
      now,
    );
    expect(Object.keys(e.tickets ?? {})).toEqual(["b"]);
  });

  it("refuses a custom duration that is not one, a past start and a start outside the eligibility", () => {
    expect(
      validateForm([role("a")], values({ durationMode: "custom", customDuration: "soon" }), now).duration,
    ).toBeDefined();
    expect(
      validateForm(
        [role("a")],
        values({ startMode: "scheduled", start: "2026-03-01T09:00" }),
        Date.parse("2026-03-01T09:30:00"),
      ).start,
    ).toMatch(/future/);
    const ending = role("a", {}, "entraRole", "2026-03-02T00:00:00Z");
    expect(validateForm([ending], values({ startMode: "scheduled", start: "2030-01-01T09:00" }), now).start).toMatch(
      /outside/,
    );
  });
});

describe("toActivationGroups", () => {
  it("sends one input for a shared ticket, with the scheduled start in UTC", () => {
    const roles = [role("a", { ticket: true }), role("b")];
    const groups = toActivationGroups(
      roles,
      values({
        durationMode: "preset",
        preset: "PT2H",
        justification: " incident ",
        ticket: { system: "SN", number: "42" },
        startMode: "scheduled",
        start: "2030-01-01T09:00",
      }),
    );
    expect(groups).toHaveLength(1);
    expect(groups[0]?.input).toEqual({
      duration: "PT2H",
      justification: "incident",
      ticket: { system: "SN", number: "42" },
      start: new Date("2030-01-01T09:00").toISOString(),
    });
  });

  it("splits the batch by ticket when each role has its own, keeping the rest together", () => {
    const roles = [role("a", { ticket: true }), role("b", { ticket: true }), role("c"), role("d", { ticket: true })];
    const groups = toActivationGroups(
      roles,
      values({
        ticketMode: "per-role",
        tickets: {
          a: { system: "SN", number: "1" },
          b: { system: "Jira", number: "OPS-2" },
          d: { system: "SN", number: "1" },
        },
      }),
    );
    expect(groups.map((g) => [g.roles.map((r) => r.id), g.input.ticket])).toEqual([
      [["a", "d"], { system: "SN", number: "1" }],
      [["b"], { system: "Jira", number: "OPS-2" }],
      [["c"], undefined],
    ]);
  });

  it("passes child scopes for Azure roles only", () => {
    const roles = [role("az", {}, "azureRole"), role("en")];
    const [g] = toActivationGroups(
      roles,
      values({ childScopes: { az: "/subscriptions/s1/resourceGroups/rg", en: "/x" } }),
    );
    expect(g?.input.childScope).toEqual({ az: "/subscriptions/s1/resourceGroups/rg" });
  });
});

describe("ticket mode and durations", () => {
  it("starts per role when the roles' known ticket systems differ", () => {
    const roles = [role("a", { ticket: true }), role("b", { ticket: true }, "azureRole")];
    expect(initialTicketMode(roles, (r) => (r.kind === "azureRole" ? "Jira" : "ServiceNow"))).toBe("per-role");
    expect(initialTicketMode(roles, () => "ServiceNow")).toBe("shared");
    expect(initialTicketMode(roles, () => undefined)).toBe("shared");
  });

  it("reads the duration the form asks for", () => {
    expect(requestedDuration(values({ durationMode: "max" }))).toBeNull();
    expect(requestedDuration(values({ durationMode: "custom", customDuration: "90m" }))).toBe("PT1H30M");
    expect(requestedDuration(values({ durationMode: "custom", customDuration: "x" }))).toBeInstanceOf(Error);
  });
});
