import type { Plane, PolicySettings } from "./model";

/**
 * What a target's policy says when nobody changed it. Mirrors the service's defaults as published
 * in the Graph example of a default directory-role policy (`Expiration_EndUser_Assignment`
 * maximumDuration PT8H; `Enablement_EndUser_Assignment` = MultiFactorAuthentication +
 * Justification; no ticket, no approval, no authentication context). PIM for Groups and Azure
 * resources use the same activation defaults in the portal, so all three planes share them.
 */
export const tenantPolicyDefaults: Readonly<Record<Plane, Readonly<PolicySettings>>> = {
  directoryRole: defaults(),
  group: defaults(),
  azure: defaults(),
};

function defaults(): PolicySettings {
  return {
    maxDuration: "PT8H",
    justification: true,
    ticket: false,
    mfa: true,
    authContext: null,
    approval: false,
    approvers: [],
  };
}

/**
 * Applies `override` on `base`. Setting an authentication context without saying anything about
 * MFA turns MFA off: the portal offers the two as one choice ("Azure MFA" or "Microsoft Entra
 * Conditional Access authentication context"), so a policy edited to use a context loses MFA.
 */
export function mergePolicySettings(base: PolicySettings, override: Partial<PolicySettings>): PolicySettings {
  const merged: PolicySettings = { ...base, approvers: [...base.approvers] };
  for (const [k, v] of Object.entries(override) as Array<[keyof PolicySettings, unknown]>) {
    if (v !== undefined) Object.assign(merged, { [k]: k === "approvers" && Array.isArray(v) ? [...v] : v });
  }
  if (typeof override.authContext === "string" && override.mfa === undefined) merged.mfa = false;
  return merged;
}

/** Why settings cannot be saved, as the service would refuse them; undefined when they can. */
export function policySettingsProblem(
  s: PolicySettings,
): { code: "MfaAndAcrsConflict" | "ApproversRequired"; message: string } | undefined {
  if (s.mfa && s.authContext) {
    return {
      code: "MfaAndAcrsConflict",
      message: `MfaAndAcrsConflict: a policy cannot require both multi-factor authentication and authentication context ${s.authContext}`,
    };
  }
  if (s.approval && s.approvers.length === 0) {
    return { code: "ApproversRequired", message: "approval is required but no approvers are named" };
  }
  return undefined;
}
