import { describe, expect, test } from "vitest";
import { acrsClaims, engineErrorMessage, policyFailureMessage } from "../../src/state/messages";
import type { PolicyRecord } from "../../src/state/model";
import { type PolicyRule, policyRules } from "../../src/state/policy-rules";

const record = (settings: Partial<PolicyRecord["settings"]> = {}): PolicyRecord => ({
  policyGuid: "70c808b5-0d35-4863-a0ba-07888e99d448",
  target: { plane: "directoryRole", roleDefinitionId: "62e90394-69f5-4237-9190-012177145e10" },
  settings: {
    maxDuration: "PT8H",
    justification: true,
    ticket: false,
    mfa: true,
    authContext: null,
    approval: false,
    approvers: [],
    ...settings,
  },
  lastModifiedDateTime: "2026-03-02T08:00:00.000Z",
});

function rule<K extends PolicyRule["kind"]>(
  rules: PolicyRule[],
  id: string,
  kind: K,
): Extract<PolicyRule, { kind: K }> {
  const r = rules.find((x) => x.id === id);
  if (!r || r.kind !== kind) throw new Error(`no ${kind} rule ${id}`);
  return r as Extract<PolicyRule, { kind: K }>;
}

describe("policyRules", () => {
  test("the 17 rule ids, in the order of the published default policy", () => {
    expect(policyRules(record()).map((r) => r.id)).toEqual([
      "Expiration_Admin_Eligibility",
      "Enablement_Admin_Eligibility",
      "Notification_Admin_Admin_Eligibility",
      "Notification_Requestor_Admin_Eligibility",
      "Notification_Approver_Admin_Eligibility",
      "Expiration_Admin_Assignment",
      "Enablement_Admin_Assignment",
      "Notification_Admin_Admin_Assignment",
      "Notification_Requestor_Admin_Assignment",
      "Notification_Approver_Admin_Assignment",
      "Expiration_EndUser_Assignment",
      "Enablement_EndUser_Assignment",
      "Approval_EndUser_Assignment",
      "AuthenticationContext_EndUser_Assignment",
      "Notification_Admin_EndUser_Assignment",
      "Notification_Requestor_EndUser_Assignment",
      "Notification_Approver_EndUser_Assignment",
    ]);
  });

  test("targets: caller and level follow the id", () => {
    for (const r of policyRules(record())) {
      expect(r.target.caller).toBe(r.id.includes("EndUser") ? "EndUser" : "Admin");
      expect(r.target.level).toBe(r.id.endsWith("Eligibility") ? "Eligibility" : "Assignment");
      expect(r.target.operations).toEqual(["all"]);
    }
  });

  test("the default policy: PT8H required, MFA and justification, no approval, no context", () => {
    const rules = policyRules(record());
    expect(rule(rules, "Expiration_EndUser_Assignment", "expiration")).toMatchObject({
      isExpirationRequired: true,
      maximumDuration: "PT8H",
    });
    expect(rule(rules, "Enablement_EndUser_Assignment", "enablement").enabledRules).toEqual([
      "MultiFactorAuthentication",
      "Justification",
    ]);
    expect(rule(rules, "Approval_EndUser_Assignment", "approval").setting).toMatchObject({
      isApprovalRequired: false,
      approvalMode: "SingleStage",
      approvalStages: [{ approvalStageTimeOutInDays: 1, primaryApprovers: [] }],
    });
    expect(rule(rules, "AuthenticationContext_EndUser_Assignment", "authenticationContext")).toMatchObject({
      isEnabled: false,
      claimValue: null,
    });
    expect(rule(rules, "Expiration_Admin_Eligibility", "expiration")).toMatchObject({
      isExpirationRequired: false,
      maximumDuration: "P365D",
    });
    expect(rule(rules, "Expiration_Admin_Assignment", "expiration")).toMatchObject({
      isExpirationRequired: false,
      maximumDuration: "P180D",
    });
    expect(rule(rules, "Enablement_Admin_Assignment", "enablement").enabledRules).toEqual(["Justification"]);
    expect(rule(rules, "Notification_Approver_EndUser_Assignment", "notification")).toMatchObject({
      notificationType: "Email",
      recipientType: "Approver",
      notificationLevel: "All",
      isDefaultRecipientsEnabled: true,
      notificationRecipients: [],
    });
  });

  test("settings map onto the end-user rules", () => {
    const approver = "9f1c2b8e-1111-4222-8333-444455556666";
    const rules = policyRules(
      record({
        maxDuration: "PT30M",
        mfa: false,
        justification: true,
        ticket: true,
        authContext: "c2",
        approval: true,
        approvers: [approver],
      }),
      (oid) =>
        oid === approver
          ? { oid, upn: "p@x.example.com", displayName: "Priya", canMfa: true, contexts: [] }
          : undefined,
    );
    expect(rule(rules, "Expiration_EndUser_Assignment", "expiration").maximumDuration).toBe("PT30M");
    expect(rule(rules, "Enablement_EndUser_Assignment", "enablement").enabledRules).toEqual([
      "Justification",
      "Ticketing",
    ]);
    expect(rule(rules, "AuthenticationContext_EndUser_Assignment", "authenticationContext")).toMatchObject({
      isEnabled: true,
      claimValue: "c2",
    });
    const approval = rule(rules, "Approval_EndUser_Assignment", "approval").setting;
    expect(approval.isApprovalRequired).toBe(true);
    expect(approval.approvalStages[0]?.primaryApprovers).toEqual([
      { id: approver, description: "Priya", userType: "User" },
    ]);
  });
});

describe("messages", () => {
  test("policy failures in the recorded format", () => {
    expect(policyFailureMessage([{ message: "JustificationRule - Justification is required" }])).toBe(
      "The following policy rules failed: JustificationRule - Justification is required",
    );
  });

  test("acrs claims keep the space after the comma", () => {
    expect(acrsClaims("c1")).toBe('{"access_token":{"acrs":{"essential":true, "value":"c1"}}}');
    expect(encodeURIComponent(acrsClaims("c1"))).toContain("%2C%20");
  });

  test("state errors verbatim", () => {
    expect(engineErrorMessage({ code: "RoleAssignmentExists" })).toBe("The Role assignment already exists.");
    expect(engineErrorMessage({ code: "RoleAssignmentDoesNotExist" })).toBe("The Role assignment does not exist.");
    expect(engineErrorMessage({ code: "ActiveDurationTooShort", earliest: "2026-03-02T08:05:00.000Z" })).toBe(
      "The Active duration is too short. Miniumum Required is 5 minutes.",
    );
  });
});
