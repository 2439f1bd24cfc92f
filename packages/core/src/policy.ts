import type { ActivationRequirements } from "./types";

/**
 * One shape for Graph rules (`@odata.type`) and ARM rules (`ruleType`). Rules are found by their
 * fixed **id**: several rules share a type (the Admin expiration rule is an ExpirationRule too),
 * so matching by type lets an admin setting overwrite the end-user one.
 */
export interface PolicyRuleLike {
  id?: string | null;
  "@odata.type"?: string | null;
  ruleType?: string | null;
  isExpirationRequired?: boolean | null;
  maximumDuration?: string | null;
  enabledRules?: string[] | null;
  isEnabled?: boolean | null;
  claimValue?: string | null;
  setting?: { isApprovalRequired?: boolean | null } | null;
}

export const ruleIds = {
  expiration: "Expiration_EndUser_Assignment",
  enablement: "Enablement_EndUser_Assignment",
  authContext: "AuthenticationContext_EndUser_Assignment",
  approval: "Approval_EndUser_Assignment",
} as const;

export const unknownRequirements: ActivationRequirements = Object.freeze({
  maxDuration: null,
  justification: null,
  ticket: null,
  mfa: null,
  authContext: null,
  approval: null,
  known: false,
}) as ActivationRequirements;

/**
 * Requirements of a self-activation from a policy's rules. A rule that is absent leaves its field
 * null (unknown); the maximum duration is kept exactly as written (`PT30M` stays `PT30M`).
 */
export function requirementsFromRules(
  rules: readonly PolicyRuleLike[],
  contextNames?: ReadonlyMap<string, string>,
): ActivationRequirements {
  const byId = new Map<string, PolicyRuleLike>();
  for (const r of rules) if (r && typeof r.id === "string") byId.set(r.id.toLowerCase(), r);
  const rule = (id: string) => byId.get(id.toLowerCase());

  const expiration = rule(ruleIds.expiration);
  const enablement = rule(ruleIds.enablement);
  const authContext = rule(ruleIds.authContext);
  const approval = rule(ruleIds.approval);

  const enabled = enablement ? (enablement.enabledRules ?? []).map((x) => x.toLowerCase()) : null;
  const claim = authContext?.isEnabled === true && authContext.claimValue ? authContext.claimValue : null;
  return {
    maxDuration: expiration?.maximumDuration ?? null,
    justification: enabled ? enabled.includes("justification") : null,
    ticket: enabled ? enabled.includes("ticketing") : null,
    mfa: enabled ? enabled.includes("multifactorauthentication") : null,
    authContext: authContext ? (claim ? { id: claim, name: contextNames?.get(claim) ?? null } : null) : null,
    approval: approval ? approval.setting?.isApprovalRequired === true : null,
    known: true,
  };
}

/** Fills in authentication-context names (cached requirements are stored without them). */
export function withContextNames(
  req: ActivationRequirements,
  contextNames: ReadonlyMap<string, string>,
): ActivationRequirements {
  if (!req.authContext) return req;
  return {
    ...req,
    authContext: { id: req.authContext.id, name: contextNames.get(req.authContext.id) ?? req.authContext.name },
  };
}

export function isRequirements(v: unknown): v is ActivationRequirements {
  return typeof v === "object" && v !== null && "known" in v && "maxDuration" in v;
}
