import { describe, expect, it } from "vitest";
import { type PolicyRuleLike, requirementsFromRules, unknownRequirements } from "../../src/policy";

const target = (caller: string, level: string) => ({ caller, operations: ["all"], level });

/** A Graph policy's rules in the order Graph returns them: the Admin rules come last and share types. */
function graphRules(o: {
  max: string;
  enabled: string[];
  claim?: string | null;
  approval?: boolean;
  adminMax?: string;
}): PolicyRuleLike[] {
  return [
    {
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
      id: "Expiration_EndUser_Assignment",
      isExpirationRequired: true,
      maximumDuration: o.max,
      ...{ target: target("EndUser", "Assignment") },
    },
    {
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule",
      id: "Enablement_EndUser_Assignment",
      enabledRules: o.enabled,
    },
    {
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule",
      id: "AuthenticationContext_EndUser_Assignment",
      isEnabled: o.claim != null,
      claimValue: o.claim ?? null,
    },
    {
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
      id: "Approval_EndUser_Assignment",
      setting: { isApprovalRequired: o.approval ?? false },
    },
    // Same @odata.type as the end-user rules: matching by type would let these win.
    {
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
      id: "Expiration_Admin_Assignment",
      isExpirationRequired: false,
      maximumDuration: o.adminMax ?? "P180D",
    },
    {
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule",
      id: "Enablement_Admin_Assignment",
      enabledRules: ["Justification", "MultiFactorAuthentication"],
    },
    {
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule",
      id: "Enablement_Admin_Eligibility",
      enabledRules: [],
    },
  ];
}

describe("policy normalisation", () => {
  it("reads rules by id, not by @odata.type (admin rules must not override end-user ones)", () => {
    const req = requirementsFromRules(graphRules({ max: "PT8H", enabled: ["Ticketing"] }));
    expect(req.maxDuration).toBe("PT8H");
    expect(req.justification).toBe(false);
    expect(req.mfa).toBe(false);
    expect(req.ticket).toBe(true);
    expect(req.known).toBe(true);
  });

  it("keeps sub-hour and day maxima exactly", () => {
    expect(requirementsFromRules(graphRules({ max: "PT30M", enabled: [] })).maxDuration).toBe("PT30M");
    expect(requirementsFromRules(graphRules({ max: "P1D", enabled: [] })).maxDuration).toBe("P1D");
    expect(requirementsFromRules(graphRules({ max: "PT1H45M", enabled: [] })).maxDuration).toBe("PT1H45M");
  });

  it("auth context with its name, MFA, justification and approval", () => {
    const names = new Map([["c1", "Phishing-resistant MFA"]]);
    const req = requirementsFromRules(
      graphRules({ max: "PT2H", enabled: ["MultiFactorAuthentication", "Justification"], claim: "c1", approval: true }),
      names,
    );
    expect(req).toEqual({
      maxDuration: "PT2H",
      justification: true,
      ticket: false,
      mfa: true,
      authContext: { id: "c1", name: "Phishing-resistant MFA" },
      approval: true,
      known: true,
    });
  });

  it("ARM rules (ruleType, claimValue empty when disabled) normalise the same way", () => {
    const arm: PolicyRuleLike[] = [
      { id: "Expiration_EndUser_Assignment", ruleType: "RoleManagementPolicyExpirationRule", maximumDuration: "PT7H" },
      {
        id: "Enablement_EndUser_Assignment",
        ruleType: "RoleManagementPolicyEnablementRule",
        enabledRules: ["MultiFactorAuthentication", "Justification", "Ticketing"],
      },
      {
        id: "AuthenticationContext_EndUser_Assignment",
        ruleType: "RoleManagementPolicyAuthenticationContextRule",
        isEnabled: false,
        claimValue: "",
      },
      {
        id: "Approval_EndUser_Assignment",
        ruleType: "RoleManagementPolicyApprovalRule",
        setting: { isApprovalRequired: true },
      },
    ];
    expect(requirementsFromRules(arm)).toMatchObject({
      maxDuration: "PT7H",
      mfa: true,
      ticket: true,
      authContext: null,
      approval: true,
    });
  });

  it("a missing rule is unknown, not a default; unreadable policies are fully unknown", () => {
    const req = requirementsFromRules([{ id: "Expiration_EndUser_Assignment", maximumDuration: "PT4H" }]);
    expect(req.justification).toBeNull();
    expect(req.approval).toBeNull();
    expect(unknownRequirements).toEqual({
      maxDuration: null,
      justification: null,
      ticket: null,
      mfa: null,
      authContext: null,
      approval: null,
      known: false,
    });
  });

  it("member and owner policies of one group stay distinct", () => {
    const member = requirementsFromRules(graphRules({ max: "PT8H", enabled: ["Justification"] }));
    const owner = requirementsFromRules(
      graphRules({ max: "PT1H", enabled: ["Justification", "Ticketing"], approval: true }),
    );
    expect(member.maxDuration).not.toBe(owner.maxDuration);
    expect(owner.approval).toBe(true);
    expect(member.approval).toBe(false);
  });
});
