import { describe, expect, test } from "vitest";
import type { EngineError, SubmitResult } from "../../src/state/api";
import type { RequestRecord, RoleTarget } from "../../src/state/model";
import { ADMIN, APPROVER, activation, deactivation, LIMITED, MINUTE, T0, tenant } from "./helpers";

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function ok(r: SubmitResult): RequestRecord {
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.error)}`);
  return r.request;
}

function error(r: SubmitResult): EngineError {
  if (r.ok) throw new Error(`expected an error, got status ${r.request.status}`);
  return r.error;
}

function ruleNames(r: SubmitResult): string[] {
  const e = error(r);
  if (e.code !== "RoleAssignmentRequestPolicyValidationFailed")
    throw new Error(`expected policy failure, got ${e.code}`);
  return e.rules.map((x) => x.rule);
}

/** A fresh demo tenant per test, with shortcuts for the admin's targets. */
function demo(settings = {}) {
  const t = tenant("demo", settings);
  const admin = t.user(ADMIN);
  const role = (name: string, directoryScopeId = "/"): RoleTarget => ({
    plane: "directoryRole",
    roleDefinitionId: t.directoryRoleId(name),
    directoryScopeId,
  });
  const group = (name: string, accessId: "member" | "owner"): RoleTarget => ({
    plane: "group",
    groupId: t.groupId(name),
    accessId,
  });
  const prod = `/subscriptions/${t.subscriptionId("Contoso Production")}`;
  const azure = (roleName: string, scope: string): RoleTarget => ({
    plane: "azure",
    scope,
    roleDefinitionId: t.azureRoleId(roleName),
  });
  const submit = (input: Parameters<typeof t.state.submit>[0], claims = t.claims(ADMIN)) =>
    t.state.submit(input, claims);
  return { ...t, admin, role, group, azure, prod, submit };
}

describe("selfActivate: who and what", () => {
  test("a policy without requirements activates at once", () => {
    const d = demo();
    const r = ok(
      d.submit(
        activation(d.admin.oid, d.role("Reports Reader"), {
          justification: null,
          ticketNumber: null,
          ticketSystem: null,
        }),
        d.claims(ADMIN, { mfa: false }),
      ),
    );
    expect(r.status).toBe("Provisioned");
    expect(r.start).toBe(T0.toISOString());
    expect(r.end).toBe(new Date(T0.getTime() + 30 * MINUTE).toISOString());
    expect(r.assignmentId).toBe(r.id);
    const active = d.state.assignments({
      principalId: d.admin.oid,
      roleDefinitionId: d.role("Reports Reader").plane === "directoryRole" ? d.directoryRoleId("Reports Reader") : "",
    });
    expect(active.map((a) => a.id)).toEqual([r.id]);
    expect(active[0]).toMatchObject({ assignmentType: "Activated", memberType: "Direct", requestId: r.id });
    expect(d.state.request("directoryRole", r.id)?.status).toBe("Provisioned");
  });

  test("the principal must be the caller", () => {
    const d = demo();
    const limited = d.user(LIMITED);
    expect(error(d.submit(activation(limited.oid, d.role("Global Reader")))).code).toBe("PrincipalMismatch");
  });

  test("no eligibility, no activation", () => {
    const d = demo();
    expect(error(d.submit(activation(d.admin.oid, d.role("Teams Administrator")))).code).toBe("NotEligible");
    // Eligible for User Administrator only in the administrative unit, not tenant-wide.
    expect(error(d.submit(activation(d.admin.oid, d.role("User Administrator")))).code).toBe("NotEligible");
    const limited = d.user(LIMITED);
    const asLimited = d.claims(LIMITED, { acrs: ["c1"] });
    expect(
      error(d.state.submit(activation(limited.oid, d.group("PIM-Tier0-Operators", "member")), asLimited)).code,
    ).toBe("NotEligible");
  });

  test("the AU-scoped eligibility activates at its scope", () => {
    const d = demo();
    const au = d.state.administrativeUnits[0]?.id ?? "";
    const r = ok(d.submit(activation(d.admin.oid, d.role("User Administrator", `/administrativeUnits/${au}`))));
    expect(r.target).toMatchObject({ directoryScopeId: `/administrativeUnits/${au}` });
  });
});

describe("policy rules", () => {
  test("ExpirationRule: longer than the maximum", () => {
    const d = demo();
    const r = d.submit(
      activation(d.admin.oid, d.role("Security Administrator"), { duration: "PT2H" }),
      d.claims(ADMIN, { acrs: ["c1"] }),
    );
    expect(ruleNames(r)).toEqual(["ExpirationRule"]);
    const e = error(r);
    expect(e.code === "RoleAssignmentRequestPolicyValidationFailed" && e.rules[0]?.message).toBe(
      "ExpirationRule - The duration in the request is greater than maximum allowed duration",
    );
  });

  test("ExpirationRule: the maximum itself is allowed, exact durations like PT1H30M are honoured", () => {
    const d = demo();
    const r = ok(
      d.submit(
        activation(d.admin.oid, d.role("Security Administrator"), { duration: "PT1H" }),
        d.claims(ADMIN, { acrs: ["c1"] }),
      ),
    );
    expect(Date.parse(r.end ?? "") - Date.parse(r.start ?? "")).toBe(HOUR);
    const x = ok(d.submit(activation(d.admin.oid, d.role("Exchange Administrator"), { duration: "PT1H30M" })));
    expect(Date.parse(x.end ?? "") - Date.parse(x.start ?? "")).toBe(90 * MINUTE);
    expect(x.duration).toBe("PT1H30M");
  });

  test("ExpirationRule: no expiration when one is required", () => {
    const d = demo();
    const r = d.submit(
      activation(d.admin.oid, d.role("Global Reader"), { expirationType: "NoExpiration", duration: null }),
    );
    expect(ruleNames(r)).toEqual(["ExpirationRule"]);
    const e = error(r);
    expect(e.code === "RoleAssignmentRequestPolicyValidationFailed" && e.rules[0]?.message).toBe(
      "ExpirationRule - The policy does not allow permanent assignment",
    );
    expect(
      ruleNames(d.submit(activation(d.admin.oid, d.role("Global Reader"), { expirationType: null, duration: null }))),
    ).toEqual(["ExpirationRule"]);
  });

  test("afterDateTime counts from the effective start", () => {
    const d = demo();
    const end = new Date(T0.getTime() + 45 * MINUTE).toISOString();
    const r = ok(
      d.submit(
        activation(d.admin.oid, d.role("Global Reader"), {
          expirationType: "AfterDateTime",
          duration: null,
          endDateTime: end,
        }),
      ),
    );
    expect(r.end).toBe(end);
    expect(r.expirationType).toBe("afterDateTime");
    const tooLong = new Date(T0.getTime() + 9 * HOUR).toISOString();
    expect(
      ruleNames(
        d.submit(
          activation(d.admin.oid, d.role("Exchange Administrator"), {
            expirationType: "afterDateTime",
            duration: null,
            endDateTime: tooLong,
          }),
        ),
      ),
    ).toEqual(["ExpirationRule"]);
  });

  test("JustificationRule: missing or blank", () => {
    const d = demo();
    expect(ruleNames(d.submit(activation(d.admin.oid, d.role("Global Reader"), { justification: null })))).toEqual([
      "JustificationRule",
    ]);
    const r = d.submit(activation(d.admin.oid, d.role("Global Reader"), { justification: "   " }));
    expect(ruleNames(r)).toEqual(["JustificationRule"]);
    const e = error(r);
    expect(e.code === "RoleAssignmentRequestPolicyValidationFailed" && e.rules[0]?.message).toBe(
      "JustificationRule - Justification is required",
    );
  });

  test("TicketingRule: ticket number and ticket system are both required", () => {
    const d = demo();
    const target = d.role("Exchange Administrator");
    expect(ruleNames(d.submit(activation(d.admin.oid, target, { ticketNumber: null, ticketSystem: null })))).toEqual([
      "TicketingRule",
    ]);
    expect(ruleNames(d.submit(activation(d.admin.oid, target, { ticketSystem: null })))).toEqual(["TicketingRule"]);
    expect(ruleNames(d.submit(activation(d.admin.oid, target, { ticketNumber: "" })))).toEqual(["TicketingRule"]);
    expect(ok(d.submit(activation(d.admin.oid, target))).ticketNumber).toBe("INC-4711");
  });

  test("MfaRule: the token has no mfa in amr", () => {
    const d = demo();
    const target = d.role("Helpdesk Administrator");
    expect(ruleNames(d.submit(activation(d.admin.oid, target), d.claims(ADMIN, { mfa: false })))).toEqual(["MfaRule"]);
    expect(ok(d.submit(activation(d.admin.oid, target), d.claims(ADMIN, { mfa: true }))).status).toBe("Provisioned");
  });

  test("all failing rules at once, in the service's order", () => {
    const d = demo();
    d.state.setPolicy(
      { plane: "directoryRole", roleDefinitionId: d.directoryRoleId("Exchange Administrator") },
      { mfa: true, maxDuration: "PT1H" },
    );
    const r = d.submit(
      activation(d.admin.oid, d.role("Exchange Administrator"), {
        duration: "PT2H",
        justification: null,
        ticketNumber: null,
      }),
      d.claims(ADMIN, { mfa: false }),
    );
    expect(ruleNames(r)).toEqual(["ExpirationRule", "JustificationRule", "TicketingRule", "MfaRule"]);
    expect(d.state.requests({ principalId: d.admin.oid })).toHaveLength(1); // only the scenario's activation
  });

  test("policy rules are reported before the authentication context", () => {
    const d = demo();
    const r = d.submit(activation(d.admin.oid, d.role("Security Administrator"), { justification: null }));
    expect(ruleNames(r)).toEqual(["JustificationRule"]);
  });
});

describe("authentication context (acrs)", () => {
  test("missing context: the claims challenge for it", () => {
    const d = demo();
    const e = error(d.submit(activation(d.admin.oid, d.role("Security Administrator"))));
    expect(e).toEqual({
      code: "RoleAssignmentRequestAcrsValidationFailed",
      claimValue: "c1",
      claims: '{"access_token":{"acrs":{"essential":true, "value":"c1"}}}',
    });
    expect(e.code === "RoleAssignmentRequestAcrsValidationFailed" && JSON.parse(e.claims)).toEqual({
      access_token: { acrs: { essential: true, value: "c1" } },
    });
  });

  test("the token's acrs must hold the policy's context, not another", () => {
    const d = demo();
    const e = error(
      d.submit(activation(d.admin.oid, d.role("Global Administrator")), d.claims(ADMIN, { acrs: ["c1"] })),
    );
    expect(e).toMatchObject({ code: "RoleAssignmentRequestAcrsValidationFailed", claimValue: "c2" });
    expect(
      ok(d.submit(activation(d.admin.oid, d.role("Global Administrator")), d.claims(ADMIN, { acrs: ["c1", "c2"] })))
        .status,
    ).toBe("Provisioned");
  });

  test("groups and Azure enforce contexts too", () => {
    const d = demo();
    expect(error(d.submit(activation(d.admin.oid, d.group("PIM-KeyVault-BreakGlass", "member")))).code).toBe(
      "RoleAssignmentRequestAcrsValidationFailed",
    );
    const rg = `${d.prod}/resourceGroups/rg-web-prod`;
    expect(error(d.submit(activation(d.admin.oid, d.azure("Owner", rg)))).code).toBe(
      "RoleAssignmentRequestAcrsValidationFailed",
    );
    expect(ok(d.submit(activation(d.admin.oid, d.azure("Owner", rg)), d.claims(ADMIN, { acrs: ["c1"] }))).status).toBe(
      "Provisioned",
    );
  });

  test("requireCp1ForAcrs: a context without the cp1 capability does not count", () => {
    const d = demo({ requireCp1ForAcrs: true });
    const target = d.role("Security Administrator");
    expect(error(d.submit(activation(d.admin.oid, target), d.claims(ADMIN, { acrs: ["c1"] }))).code).toBe(
      "RoleAssignmentRequestAcrsValidationFailed",
    );
    expect(
      ok(d.submit(activation(d.admin.oid, target), d.claims(ADMIN, { acrs: ["c1"], xmsCc: ["CP1"] }))).status,
    ).toBe("Provisioned");
  });

  test("a policy tightened mid-flight applies to the next request", () => {
    const d = demo();
    ok(d.submit(activation(d.admin.oid, d.role("Global Reader"))));
    d.state.setPolicy(
      { plane: "directoryRole", roleDefinitionId: d.directoryRoleId("Exchange Administrator") },
      { authContext: "c1" },
    );
    expect(error(d.submit(activation(d.admin.oid, d.role("Exchange Administrator")))).code).toBe(
      "RoleAssignmentRequestAcrsValidationFailed",
    );
  });
});

describe("state checks", () => {
  test("RoleAssignmentExists: active already (also the scenario's running activation)", () => {
    const d = demo();
    ok(d.submit(activation(d.admin.oid, d.role("Global Reader"))));
    expect(error(d.submit(activation(d.admin.oid, d.role("Global Reader")))).code).toBe("RoleAssignmentExists");
    expect(error(d.submit(activation(d.admin.oid, d.role("Application Administrator")))).code).toBe(
      "RoleAssignmentExists",
    );
  });

  test("RoleAssignmentExists: a scheduled (future) activation blocks another", () => {
    const d = demo();
    const start = new Date(T0.getTime() + 2 * HOUR).toISOString();
    expect(ok(d.submit(activation(d.admin.oid, d.role("Global Reader"), { startDateTime: start }))).status).toBe(
      "Granted",
    );
    expect(error(d.submit(activation(d.admin.oid, d.role("Global Reader")))).code).toBe("RoleAssignmentExists");
  });

  test("RoleAssignmentExists: a standing assignment of the same role", () => {
    const t = tenant({
      tenant: { displayName: "Tailspin", domain: "tailspin.example.com" },
      users: [{ upn: "kim@tailspin.example.com", displayName: "Kim" }],
      eligibilities: [{ principal: "kim", directoryRole: "Global Reader" }],
      assignments: [{ principal: "kim", directoryRole: "Global Reader" }],
    });
    const kim = t.user("kim@tailspin.example.com");
    const target: RoleTarget = {
      plane: "directoryRole",
      roleDefinitionId: t.directoryRoleId("Global Reader"),
      directoryScopeId: "/",
    };
    expect(error(t.state.submit(activation(kim.oid, target), t.claims(kim.upn))).code).toBe("RoleAssignmentExists");
  });

  test("PendingRoleAssignmentRequest: one waiting for approval", () => {
    const d = demo();
    const target = d.role("Privileged Role Administrator");
    expect(ok(d.submit(activation(d.admin.oid, target))).status).toBe("PendingApproval");
    expect(error(d.submit(activation(d.admin.oid, target))).code).toBe("PendingRoleAssignmentRequest");
  });

  test("ARM: a request name can be used once", () => {
    const d = demo();
    const requestId = "7d5c2f2e-0b1a-4a57-9c55-3d7f43b9e001";
    const input = activation(
      d.admin.oid,
      d.azure("Reader", "/providers/Microsoft.Management/managementGroups/contoso-platform"),
      { requestId },
    );
    expect(ok(d.submit(input)).id).toBe(requestId);
    expect(error(d.submit({ ...input, target: d.azure("Contributor", d.prod) })).code).toBe("RequestNameConflict");
  });

  test.each([
    [{ duration: "PT1.5H" }],
    [{ duration: "8 hours" }],
    [{ duration: "PT0S" }],
    [{ startDateTime: "tomorrow" }],
    [{ expirationType: "AfterLunch" }],
    [{ expirationType: "afterDuration", duration: null }],
    [{ expirationType: "afterDateTime", duration: null, endDateTime: null }],
  ])("InvalidRequest: %j", (extra) => {
    const d = demo();
    expect(error(d.submit(activation(d.admin.oid, d.role("Global Reader"), extra))).code).toBe("InvalidRequest");
  });

  test("expiration type is accepted in any case and answered camelCase", () => {
    const d = demo();
    expect(
      ok(d.submit(activation(d.admin.oid, d.role("Global Reader"), { expirationType: "AFTERDURATION" })))
        .expirationType,
    ).toBe("afterDuration");
  });
});

describe("validation only", () => {
  test("returns the would-be request and stores nothing", () => {
    const d = demo();
    const before = d.state.dump();
    const r = ok(d.submit(activation(d.admin.oid, d.role("Global Reader"), { validationOnly: true })));
    expect(r.status).toBe("Provisioned");
    expect(d.state.dump()).toEqual(before);
    expect(d.state.request("directoryRole", r.id)).toBeUndefined();
    // And the real request still goes through afterwards.
    expect(ok(d.submit(activation(d.admin.oid, d.role("Global Reader")))).status).toBe("Provisioned");
  });

  test("approval: PendingApproval, no approval created", () => {
    const d = demo();
    const r = ok(d.submit(activation(d.admin.oid, d.role("Privileged Role Administrator"), { validationOnly: true })));
    expect(r.status).toBe("PendingApproval");
    expect(d.state.approvals()).toHaveLength(0);
  });

  test("failures are reported the same way", () => {
    const d = demo();
    expect(
      ruleNames(
        d.submit(activation(d.admin.oid, d.role("Global Reader"), { justification: null, validationOnly: true })),
      ),
    ).toEqual(["JustificationRule"]);
  });

  test("deactivation validation does not end the assignment", () => {
    const d = demo();
    const r = ok(d.submit(deactivation(d.admin.oid, d.role("Application Administrator"), { validationOnly: true })));
    expect(r.status).toBe("Revoked");
    expect(
      d.state.assignments({ principalId: d.admin.oid }).filter((a) => a.assignmentType === "Activated"),
    ).toHaveLength(1);
  });
});

describe("selfDeactivate", () => {
  test("within 5 minutes: ActiveDurationTooShort with the earliest time; after: Revoked", () => {
    const d = demo();
    const target = d.role("Global Reader");
    ok(d.submit(activation(d.admin.oid, target)));
    d.clock.advance(4 * MINUTE);
    expect(error(d.submit(deactivation(d.admin.oid, target)))).toEqual({
      code: "ActiveDurationTooShort",
      earliest: new Date(T0.getTime() + 5 * MINUTE).toISOString(),
    });
    d.clock.advance(MINUTE);
    const r = ok(d.submit(deactivation(d.admin.oid, target)));
    expect(r).toMatchObject({
      status: "Revoked",
      action: "selfDeactivate",
      completedDateTime: d.clock.now().toISOString(),
    });
    expect(
      d.state.assignments({ principalId: d.admin.oid, roleDefinitionId: d.directoryRoleId("Global Reader") }),
    ).toHaveLength(0);
    expect(error(d.submit(deactivation(d.admin.oid, target))).code).toBe("RoleAssignmentDoesNotExist");
    // Active again is possible once ended.
    expect(ok(d.submit(activation(d.admin.oid, target))).status).toBe("Provisioned");
  });

  test("the scenario's running activation can be ended", () => {
    const d = demo();
    expect(ok(d.submit(deactivation(d.admin.oid, d.role("Application Administrator")))).status).toBe("Revoked");
  });

  test("nothing active, or only a permanent Assigned assignment: RoleAssignmentDoesNotExist", () => {
    const d = demo();
    expect(error(d.submit(deactivation(d.admin.oid, d.role("Global Reader")))).code).toBe("RoleAssignmentDoesNotExist");
    expect(error(d.submit(deactivation(d.admin.oid, d.role("Service Support Administrator")))).code).toBe(
      "RoleAssignmentDoesNotExist",
    );
  });

  test("group owner and member are kept apart", () => {
    const d = demo();
    ok(d.submit(activation(d.admin.oid, d.group("PIM-Tier0-Operators", "member"))));
    d.clock.advance(10 * MINUTE);
    expect(error(d.submit(deactivation(d.admin.oid, d.group("PIM-Tier0-Operators", "owner")))).code).toBe(
      "RoleAssignmentDoesNotExist",
    );
    expect(d.state.assignments({ groupId: d.groupId("PIM-Tier0-Operators") })).toHaveLength(1);
    expect(ok(d.submit(deactivation(d.admin.oid, d.group("PIM-Tier0-Operators", "member")))).status).toBe("Revoked");
  });
});

describe("Azure scopes", () => {
  test("activation below the eligible scope, found by the scope or by the linked eligibility id", () => {
    const d = demo();
    const [elig] = d.state.eligibilities({ principalId: d.admin.oid, roleDefinitionId: d.azureRoleId("Contributor") });
    const rg = `${d.prod}/resourceGroups/rg-data-prod`;
    const r = ok(d.submit(activation(d.admin.oid, d.azure("Contributor", rg))));
    expect(r.target).toMatchObject({ scope: rg });
    expect(d.state.assignments({ plane: "azure" })[0]).toMatchObject({
      eligibilityId: elig?.id,
      target: { scope: rg },
    });

    const web = `${d.prod}/resourceGroups/rg-web-prod`;
    const linked = `${d.prod}/providers/Microsoft.Authorization/roleEligibilitySchedules/${elig?.id}`;
    expect(
      ok(d.submit(activation(d.admin.oid, d.azure("Contributor", web), { linkedEligibilityId: linked })))
        .linkedEligibilityId,
    ).toBe(linked);
  });

  test("the full role definition id and a trailing slash are understood", () => {
    const d = demo();
    const target: RoleTarget = {
      plane: "azure",
      scope: `${d.prod}/`,
      roleDefinitionId: `${d.prod}/providers/Microsoft.Authorization/roleDefinitions/${d.azureRoleId("Contributor")}`,
    };
    expect(ok(d.submit(activation(d.admin.oid, target))).target).toEqual({
      plane: "azure",
      scope: d.prod,
      roleDefinitionId: d.azureRoleId("Contributor"),
    });
  });

  test("not below an eligible scope, or a linked id that does not cover it: NotEligible", () => {
    const d = demo();
    const dev = `/subscriptions/${d.subscriptionId("Contoso Development")}`;
    expect(error(d.submit(activation(d.admin.oid, d.azure("Contributor", dev)))).code).toBe("NotEligible");
    // Reader is eligible at the platform management group; the production subscription is not below it.
    expect(error(d.submit(activation(d.admin.oid, d.azure("Reader", d.prod)), d.claims(ADMIN))).code).toBe(
      "NotEligible",
    );
    const [elig] = d.state.eligibilities({ principalId: d.admin.oid, roleDefinitionId: d.azureRoleId("Reader") });
    expect(
      error(d.submit(activation(d.admin.oid, d.azure("Contributor", d.prod), { linkedEligibilityId: elig?.id }))).code,
    ).toBe("NotEligible");
  });

  test("the policy of the eligibility's scope governs a child-scope activation", () => {
    const d = demo();
    const rg = `${d.prod}/resourceGroups/rg-data-prod`;
    expect(ruleNames(d.submit(activation(d.admin.oid, d.azure("Contributor", rg), { ticketNumber: null })))).toEqual([
      "TicketingRule",
    ]);
    expect(ruleNames(d.submit(activation(d.admin.oid, d.azure("Contributor", rg), { duration: "PT5H" })))).toEqual([
      "ExpirationRule",
    ]);
  });

  test("deactivation happens at the assignment's scope", () => {
    const d = demo();
    const rg = `${d.prod}/resourceGroups/rg-data-prod`;
    ok(d.submit(activation(d.admin.oid, d.azure("Contributor", rg))));
    d.clock.advance(6 * MINUTE);
    expect(error(d.submit(deactivation(d.admin.oid, d.azure("Contributor", d.prod)))).code).toBe(
      "RoleAssignmentDoesNotExist",
    );
    expect(ok(d.submit(deactivation(d.admin.oid, d.azure("Contributor", rg)))).status).toBe("Revoked");
  });

  test("MFA on a single resource", () => {
    const d = demo();
    const kv = d.state.resources.find((r) => r.name === "kv-contoso-prod")?.id ?? "";
    const target = d.azure("Key Vault Administrator", kv);
    expect(ruleNames(d.submit(activation(d.admin.oid, target), d.claims(ADMIN, { mfa: false })))).toEqual(["MfaRule"]);
    expect(ok(d.submit(activation(d.admin.oid, target))).status).toBe("Provisioned");
  });
});

describe("scheduling and provisioning", () => {
  test("a future start is Granted, invisible until the start, then active", () => {
    const d = demo();
    const start = new Date(T0.getTime() + HOUR).toISOString();
    const r = ok(d.submit(activation(d.admin.oid, d.role("Global Reader"), { startDateTime: start })));
    expect(r).toMatchObject({ status: "Granted", start, requestedStart: start, completedDateTime: start });
    const visible = () => d.state.assignments({ roleDefinitionId: d.directoryRoleId("Global Reader") });
    expect(visible()).toHaveLength(0);
    expect(
      d.state.assignments({ roleDefinitionId: d.directoryRoleId("Global Reader"), includeNotVisible: true }),
    ).toHaveLength(1);
    d.clock.advance(HOUR - 1);
    expect(visible()).toHaveLength(0);
    d.clock.advance(1);
    expect(visible()).toHaveLength(1);
    expect(d.state.request("directoryRole", r.id)?.status).toBe("Provisioned");
  });

  test("a start in the past means now", () => {
    const d = demo();
    const r = ok(d.submit(activation(d.admin.oid, d.role("Global Reader"), { startDateTime: "2026-03-01T00:00:00Z" })));
    expect(r).toMatchObject({ status: "Provisioned", start: T0.toISOString() });
  });

  test("provisioning delay: PendingProvisioning, visible after the delay", () => {
    const d = demo({ provisioningDelaySeconds: 30 });
    const r = ok(d.submit(activation(d.admin.oid, d.role("Global Reader"))));
    expect(r).toMatchObject({ status: "PendingProvisioning", completedDateTime: null });
    const visible = () => d.state.assignments({ roleDefinitionId: d.directoryRoleId("Global Reader") });
    expect(visible()).toHaveLength(0);
    d.clock.advance(29_999);
    expect(visible()).toHaveLength(0);
    expect(d.state.request("directoryRole", r.id)?.status).toBe("PendingProvisioning");
    d.clock.advance(1);
    expect(visible()).toHaveLength(1);
    expect(d.state.request("directoryRole", r.id)).toMatchObject({
      status: "Provisioned",
      completedDateTime: new Date(T0.getTime() + 30_000).toISOString(),
    });
  });

  test("expiry follows the clock", () => {
    const d = demo();
    const target = d.role("Global Reader");
    ok(d.submit(activation(d.admin.oid, target, { duration: "PT30M" })));
    d.clock.advance(30 * MINUTE - 1);
    expect(d.state.assignments({ roleDefinitionId: d.directoryRoleId("Global Reader") })).toHaveLength(1);
    d.clock.advance(1);
    expect(d.state.assignments({ roleDefinitionId: d.directoryRoleId("Global Reader") })).toHaveLength(0);
    expect(error(d.submit(deactivation(d.admin.oid, target))).code).toBe("RoleAssignmentDoesNotExist");
    expect(ok(d.submit(activation(d.admin.oid, target))).status).toBe("Provisioned");
    // The scenario's running activation ended after its 20 minutes too.
    expect(d.state.assignments({ roleDefinitionId: d.directoryRoleId("Application Administrator") })).toHaveLength(0);
  });

  test("eligibilities outside their window are not listed and cannot be used; activations end with the eligibility", () => {
    const d = demo();
    const target = d.role("Global Administrator");
    const c2 = d.claims(ADMIN, { acrs: ["c2"] });
    const [elig] = d.state.eligibilities({
      principalId: d.admin.oid,
      roleDefinitionId: d.directoryRoleId("Global Administrator"),
    });
    const eligEnd = Date.parse(elig?.end ?? "");
    expect(eligEnd).toBe(T0.getTime() + 30 * DAY);
    d.clock.set(new Date(eligEnd - 10 * MINUTE));
    const r = ok(d.submit(activation(d.admin.oid, target, { duration: "PT30M" }), c2));
    expect(r.end).toBe(new Date(eligEnd).toISOString());
    d.clock.set(new Date(eligEnd));
    expect(
      d.state.eligibilities({ roleDefinitionId: d.directoryRoleId("Global Administrator"), principalId: d.admin.oid }),
    ).toHaveLength(0);
    expect(error(d.submit(activation(d.admin.oid, target, { duration: "PT30M" }), c2)).code).toBe("NotEligible");
  });
});

describe("approval", () => {
  function pending() {
    const d = demo();
    const target = d.role("Privileged Role Administrator");
    const r = ok(d.submit(activation(d.admin.oid, target, { duration: "PT2H" })));
    const approver = d.user(APPROVER);
    return { d, target, r, approver, approvalId: r.approvalId ?? "" };
  }

  test("PendingApproval creates one in-progress stage with the policy's approvers", () => {
    const { d, r, approver, approvalId } = pending();
    expect(r.status).toBe("PendingApproval");
    expect(d.state.approval(approvalId)).toMatchObject({
      requestId: r.id,
      plane: "directoryRole",
      stages: [{ status: "InProgress", reviewResult: "NotReviewed", approvers: [approver.oid] }],
    });
    expect(
      d.state.assignments({
        roleDefinitionId: d.directoryRoleId("Privileged Role Administrator"),
        includeNotVisible: true,
      }),
    ).toHaveLength(0);
    expect(d.state.requests({ approverId: approver.oid }).map((x) => x.id)).toEqual([r.id]);
    expect(d.state.requests({ approverId: d.admin.oid })).toHaveLength(0);
  });

  test("approve: the activation starts at the decision, for the requested duration", () => {
    const { d, r, approver, approvalId } = pending();
    d.clock.advance(15 * MINUTE);
    const out = d.state.review(approvalId, "Approve", approver.oid, "Change CHG-1 approved");
    if (!out.ok) throw new Error(out.error);
    expect(out.request.status).toBe("Provisioned");
    expect(out.approval.stages[0]).toMatchObject({
      status: "Completed",
      reviewResult: "Approve",
      reviewedBy: approver.oid,
      justification: "Change CHG-1 approved",
    });
    const [a] = d.state.assignments({ roleDefinitionId: d.directoryRoleId("Privileged Role Administrator") });
    expect(a?.start).toBe(new Date(T0.getTime() + 15 * MINUTE).toISOString());
    expect(a?.end).toBe(new Date(T0.getTime() + 15 * MINUTE + 2 * HOUR).toISOString());
    expect(d.state.request("directoryRole", r.id)?.status).toBe("Provisioned");
    expect(d.state.requests({ approverId: approver.oid })).toHaveLength(0);
  });

  test("deny", () => {
    const { d, r, approver, approvalId } = pending();
    const out = d.state.review(approvalId, "Deny", approver.oid, "Not during the freeze");
    expect(out.ok && out.request.status).toBe("Denied");
    expect(d.state.request("directoryRole", r.id)?.status).toBe("Denied");
    expect(
      d.state.assignments({
        roleDefinitionId: d.directoryRoleId("Privileged Role Administrator"),
        includeNotVisible: true,
      }),
    ).toHaveLength(0);
    // A new request may follow a denied one.
    expect(ok(d.submit(activation(d.admin.oid, d.role("Privileged Role Administrator")))).status).toBe(
      "PendingApproval",
    );
  });

  test("reviewers: not the requestor, only the approvers, only once", () => {
    const { d, approver, approvalId } = pending();
    expect(d.state.review(approvalId, "Approve", d.admin.oid, null)).toEqual({ ok: false, error: "SelfApproval" });
    expect(d.state.review(approvalId, "Approve", d.user(LIMITED).oid, null)).toEqual({
      ok: false,
      error: "NotApprover",
    });
    expect(d.state.review("00000000-0000-0000-0000-000000000000", "Approve", approver.oid, null)).toEqual({
      ok: false,
      error: "NotFound",
    });
    expect(d.state.review(approvalId, "Approve", approver.oid, null).ok).toBe(true);
    expect(d.state.review(approvalId, "Deny", approver.oid, null)).toEqual({ ok: false, error: "AlreadyReviewed" });
  });

  test("no decision within a day: TimedOut", () => {
    const { d, r, approver, approvalId } = pending();
    d.clock.advance(DAY - 1);
    expect(d.state.request("directoryRole", r.id)?.status).toBe("PendingApproval");
    d.clock.advance(1);
    expect(d.state.request("directoryRole", r.id)?.status).toBe("TimedOut");
    expect(d.state.review(approvalId, "Approve", approver.oid, null)).toEqual({ ok: false, error: "AlreadyReviewed" });
  });

  test("group owner needs approval while member does not", () => {
    const d = demo();
    expect(ok(d.submit(activation(d.admin.oid, d.group("PIM-Tier0-Operators", "owner")))).status).toBe(
      "PendingApproval",
    );
    expect(ok(d.submit(activation(d.admin.oid, d.group("PIM-Tier0-Operators", "member")))).status).toBe("Provisioned");
  });
});

describe("cancel", () => {
  test("PendingApproval: Canceled, the approval ends", () => {
    const d = demo();
    const r = ok(d.submit(activation(d.admin.oid, d.role("Privileged Role Administrator"))));
    const out = d.state.cancel("directoryRole", r.id, d.admin.oid);
    expect(out.ok && out.request.status).toBe("Canceled");
    expect(d.state.approval(r.approvalId ?? "")?.stages[0]?.status).toBe("Completed");
    expect(d.state.review(r.approvalId ?? "", "Approve", d.user(APPROVER).oid, null)).toEqual({
      ok: false,
      error: "AlreadyReviewed",
    });
  });

  test("Granted: Canceled, the scheduled assignment is removed", () => {
    const d = demo();
    const start = new Date(T0.getTime() + HOUR).toISOString();
    const r = ok(d.submit(activation(d.admin.oid, d.role("Global Reader"), { startDateTime: start })));
    expect(d.state.cancel("directoryRole", r.id, d.admin.oid).ok).toBe(true);
    d.clock.advance(2 * HOUR);
    expect(
      d.state.assignments({ roleDefinitionId: d.directoryRoleId("Global Reader"), includeNotVisible: true }),
    ).toHaveLength(0);
    expect(d.state.request("directoryRole", r.id)?.status).toBe("Canceled");
  });

  test("Provisioned (or a scheduled one that has started) cannot be canceled", () => {
    const d = demo();
    const r = ok(d.submit(activation(d.admin.oid, d.role("Global Reader"))));
    expect(d.state.cancel("directoryRole", r.id, d.admin.oid)).toEqual({ ok: false, error: "NotCancellable" });
    const start = new Date(T0.getTime() + HOUR).toISOString();
    const g = ok(d.submit(activation(d.admin.oid, d.role("Exchange Administrator"), { startDateTime: start })));
    d.clock.advance(HOUR);
    expect(d.state.cancel("directoryRole", g.id, d.admin.oid)).toEqual({ ok: false, error: "NotCancellable" });
  });

  test("someone else's request: Forbidden; unknown or other plane: NotFound", () => {
    const d = demo();
    const r = ok(d.submit(activation(d.admin.oid, d.role("Privileged Role Administrator"))));
    expect(d.state.cancel("directoryRole", r.id, d.user(APPROVER).oid)).toEqual({ ok: false, error: "Forbidden" });
    expect(d.state.cancel("group", r.id, d.admin.oid)).toEqual({ ok: false, error: "NotFound" });
    expect(d.state.cancel("directoryRole", "d6f9b6a8-0000-4000-8000-000000000000", d.admin.oid)).toEqual({
      ok: false,
      error: "NotFound",
    });
  });
});

describe("selfExtend and selfRenew (admin-assigned, time-bound assignments)", () => {
  function setup() {
    const t = tenant({
      tenant: { displayName: "Tailspin", domain: "tailspin.example.com" },
      users: [{ upn: "kim@tailspin.example.com", displayName: "Kim" }],
      assignments: [
        { principal: "kim", directoryRole: "Global Reader", start: "-P90D", end: "P7D" },
        { principal: "kim", directoryRole: "Reports Reader", start: "-P90D", end: "-P2D" },
        { principal: "kim", directoryRole: "Security Reader" },
      ],
    });
    const kim = t.user("kim@tailspin.example.com");
    const role = (n: string): RoleTarget => ({
      plane: "directoryRole",
      roleDefinitionId: t.directoryRoleId(n),
      directoryScopeId: "/",
    });
    const req = (
      action: "selfExtend" | "selfRenew",
      name: string,
      justification: string | null = "Still needed for the audit",
    ) =>
      t.state.submit(
        {
          plane: "directoryRole",
          action,
          principalId: kim.oid,
          target: role(name),
          justification,
          expirationType: "afterDuration",
          duration: "P180D",
          validationOnly: false,
        },
        t.claims(kim.upn),
      );
    return { t, req };
  }

  test("extend an expiring assignment: PendingAdminDecision", () => {
    const { req } = setup();
    const r = ok(req("selfExtend", "Global Reader"));
    expect(r).toMatchObject({ status: "PendingAdminDecision", action: "selfExtend", duration: "P180D" });
    expect(error(req("selfExtend", "Global Reader")).code).toBe("PendingRoleAssignmentRequest");
  });

  test("renew an expired assignment: PendingAdminDecision", () => {
    const { req } = setup();
    expect(ok(req("selfRenew", "Reports Reader")).status).toBe("PendingAdminDecision");
  });

  test("nothing to extend or renew: RoleAssignmentDoesNotExist", () => {
    const { req } = setup();
    expect(error(req("selfExtend", "Reports Reader")).code).toBe("RoleAssignmentDoesNotExist"); // already expired
    expect(error(req("selfRenew", "Global Reader")).code).toBe("RoleAssignmentDoesNotExist"); // not expired
    expect(error(req("selfExtend", "Security Reader")).code).toBe("RoleAssignmentDoesNotExist"); // permanent
  });

  test("justification per policy", () => {
    const { req } = setup();
    expect(ruleNames(req("selfExtend", "Global Reader", null))).toEqual(["JustificationRule"]);
  });
});

describe("policies", () => {
  test("policies(plane) lists the scenario's and those governing an eligibility, with stable ids", () => {
    const d = demo();
    const dir = d.state.policies("directoryRole");
    const userAdmin = d.directoryRoleId("User Administrator");
    const defaulted = dir.find((p) => p.target.plane === "directoryRole" && p.target.roleDefinitionId === userAdmin);
    expect(defaulted?.settings).toMatchObject({ maxDuration: "PT8H", mfa: true, justification: true });
    expect(
      dir.some(
        (p) =>
          p.target.plane === "directoryRole" && p.target.roleDefinitionId === d.directoryRoleId("Global Administrator"),
      ),
    ).toBe(true);
    expect(d.state.policyFor({ plane: "directoryRole", roleDefinitionId: userAdmin }).policyGuid).toBe(
      defaulted?.policyGuid,
    );
    expect(d.state.policies("group")).toHaveLength(3);
    expect(new Set(d.state.policies("azure").map((p) => p.policyGuid)).size).toBe(d.state.policies("azure").length);
  });

  test("setPolicy refuses MFA together with a context", () => {
    const d = demo();
    expect(() =>
      d.state.setPolicy(
        { plane: "directoryRole", roleDefinitionId: d.directoryRoleId("Global Reader") },
        { mfa: true, authContext: "c1" },
      ),
    ).toThrow(/MfaAndAcrsConflict/);
  });

  test("getters hand out copies", () => {
    const d = demo();
    const [e] = d.state.eligibilities();
    if (e) e.principalId = "someone-else";
    expect(d.state.eligibilities()[0]?.principalId).toBe(d.admin.oid);
  });
});
