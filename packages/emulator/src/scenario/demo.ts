import type { ScenarioInput } from "./schema";

/**
 * The built-in `demo` tenant: small, realistic, and exercising every policy kind on all three
 * planes. Users, in order: the admin (eligible everywhere, can do MFA and contexts c1 and c2), the
 * approver, and a user who can do MFA and c1 but not c2. Ids are left out so they derive from
 * names and stay the same on every load.
 */
export function demoScenario(): ScenarioInput {
  const admin = "alex.morgan@contoso.example.com";
  const approver = "priya.natarajan@contoso.example.com";
  const limited = "sam.lindqvist@contoso.example.com";
  const noRequirements = { justification: false, ticket: false, mfa: false } as const;

  return {
    name: "demo",
    description:
      "Contoso: one admin eligible on Entra roles, PIM for Groups and Azure resources, one approver, one user who cannot satisfy c2.",
    tenant: { displayName: "Contoso", domain: "contoso.example.com" },
    guestTenants: [{ displayName: "Fabrikam", domain: "fabrikam.example.com" }],
    users: [
      { upn: admin, displayName: "Alex Morgan", mail: admin, canMfa: true, contexts: ["c1", "c2"] },
      { upn: approver, displayName: "Priya Natarajan", mail: approver, canMfa: true, contexts: ["c1"] },
      { upn: limited, displayName: "Sam Lindqvist", mail: limited, canMfa: true, contexts: ["c1"] },
    ],
    authContexts: [
      {
        id: "c1",
        displayName: "Privileged access step-up",
        description: "Phishing-resistant MFA within the last 10 minutes",
        isAvailable: true,
      },
      {
        id: "c2",
        displayName: "Tier 0 passkey",
        description: "Sign-in with a device-bound passkey on a compliant device",
        isAvailable: true,
      },
    ],
    conditionalAccessPolicies: [
      {
        displayName: "PIM step-up: phishing-resistant MFA (c1)",
        state: "enabled",
        authContexts: ["c1"],
        builtInControls: ["mfa"],
        includeUsers: ["All"],
      },
      {
        displayName: "PIM Tier 0: passkey on a compliant device (c2)",
        state: "enabled",
        authContexts: ["c2"],
        builtInControls: ["mfa", "compliantDevice"],
        includeUsers: ["All"],
      },
    ],
    administrativeUnits: [{ displayName: "Finance Department", description: "Users and devices of the finance team" }],
    groups: [
      { displayName: "PIM-Tier0-Operators", description: "Operators of Tier 0 systems (PIM for Groups)" },
      { displayName: "PIM-KeyVault-BreakGlass", description: "Emergency access to production key vaults" },
    ],
    managementGroups: [
      { name: "contoso", displayName: "Contoso" },
      { name: "contoso-platform", displayName: "Contoso Platform", parent: "contoso" },
      { name: "contoso-landingzones", displayName: "Contoso Landing Zones", parent: "contoso" },
    ],
    subscriptions: [
      { displayName: "Contoso Production", managementGroup: "contoso-landingzones" },
      { displayName: "Contoso Development", managementGroup: "contoso-landingzones" },
      { displayName: "Contoso Connectivity", managementGroup: "contoso-platform" },
    ],
    resourceGroups: [
      { subscription: "Contoso Production", name: "rg-web-prod", location: "westeurope" },
      { subscription: "Contoso Production", name: "rg-data-prod", location: "westeurope" },
      { subscription: "Contoso Development", name: "rg-app-dev", location: "northeurope" },
      { subscription: "Contoso Connectivity", name: "rg-hub-network", location: "westeurope" },
    ],
    resources: [
      {
        subscription: "Contoso Production",
        resourceGroup: "rg-data-prod",
        name: "kv-contoso-prod",
        type: "Microsoft.KeyVault/vaults",
      },
      {
        subscription: "Contoso Production",
        resourceGroup: "rg-data-prod",
        name: "stcontosoprod",
        type: "Microsoft.Storage/storageAccounts",
      },
    ],
    policies: [
      // Entra roles.
      { directoryRole: "Reports Reader", ...noRequirements },
      { directoryRole: "Global Reader", justification: true, ticket: false, mfa: false },
      { directoryRole: "Exchange Administrator", justification: true, ticket: true, mfa: false },
      { directoryRole: "Helpdesk Administrator", justification: false, ticket: false, mfa: true },
      { directoryRole: "Security Administrator", justification: true, authContext: "c1", maxDuration: "PT1H" },
      {
        directoryRole: "Privileged Role Administrator",
        justification: true,
        mfa: false,
        approval: true,
        approvers: [approver],
        maxDuration: "PT2H",
      },
      { directoryRole: "Global Administrator", justification: true, authContext: "c2", maxDuration: "PT30M" },
      { directoryRole: "Application Administrator", justification: true, mfa: false, maxDuration: "PT2H" },
      // PIM for Groups: member and owner of the same group differ; owner needs approval.
      { group: "PIM-Tier0-Operators", accessId: "member", justification: true, mfa: false, maxDuration: "PT4H" },
      {
        group: "PIM-Tier0-Operators",
        accessId: "owner",
        justification: true,
        mfa: false,
        approval: true,
        approvers: [approver],
        maxDuration: "PT2H",
      },
      {
        group: "PIM-KeyVault-BreakGlass",
        accessId: "member",
        justification: true,
        authContext: "c1",
        maxDuration: "PT1H",
      },
      // Azure resources, one per scope level.
      { azureRole: "Reader", scope: { managementGroup: "contoso-platform" }, ...noRequirements },
      {
        azureRole: "Contributor",
        scope: { subscription: "Contoso Production" },
        justification: true,
        ticket: true,
        mfa: false,
        maxDuration: "PT4H",
      },
      {
        azureRole: "Owner",
        scope: { subscription: "Contoso Production", resourceGroup: "rg-web-prod" },
        justification: true,
        authContext: "c1",
      },
      {
        azureRole: "Key Vault Administrator",
        scope: { subscription: "Contoso Production", resourceGroup: "rg-data-prod", resource: "kv-contoso-prod" },
        justification: false,
        mfa: true,
      },
      { azureRole: "Reader", scope: { subscription: "Contoso Development" }, justification: true, mfa: false },
    ],
    eligibilities: [
      // The admin: Entra roles.
      { principal: admin, directoryRole: "Reports Reader" },
      { principal: admin, directoryRole: "Global Reader", end: "P180D" },
      { principal: admin, directoryRole: "Exchange Administrator", end: "P180D" },
      { principal: admin, directoryRole: "Helpdesk Administrator" },
      { principal: admin, directoryRole: "Security Administrator", end: "P90D" },
      { principal: admin, directoryRole: "Privileged Role Administrator" },
      { principal: admin, directoryRole: "User Administrator", administrativeUnit: "Finance Department" },
      { principal: admin, directoryRole: "Global Administrator", end: "P30D" },
      { principal: admin, directoryRole: "Application Administrator" },
      // The admin: groups.
      { principal: admin, group: "PIM-Tier0-Operators", accessId: "member" },
      { principal: admin, group: "PIM-Tier0-Operators", accessId: "owner" },
      { principal: admin, group: "PIM-KeyVault-BreakGlass", accessId: "member", end: "P90D" },
      // The admin: Azure.
      { principal: admin, azureRole: "Reader", scope: { managementGroup: "contoso-platform" } },
      { principal: admin, azureRole: "Contributor", scope: { subscription: "Contoso Production" }, end: "P365D" },
      {
        principal: admin,
        azureRole: "Owner",
        scope: { subscription: "Contoso Production", resourceGroup: "rg-web-prod" },
      },
      {
        principal: admin,
        azureRole: "Key Vault Administrator",
        scope: { subscription: "Contoso Production", resourceGroup: "rg-data-prod", resource: "kv-contoso-prod" },
      },
      // The approver.
      { principal: approver, directoryRole: "Global Reader" },
      // The user who cannot satisfy c2.
      { principal: limited, directoryRole: "Global Administrator" },
      { principal: limited, directoryRole: "Security Administrator" },
      { principal: limited, directoryRole: "Global Reader" },
      { principal: limited, group: "PIM-KeyVault-BreakGlass", accessId: "member" },
      { principal: limited, azureRole: "Reader", scope: { subscription: "Contoso Development" } },
    ],
    assignments: [{ principal: admin, directoryRole: "Service Support Administrator" }],
    activations: [
      {
        principal: admin,
        directoryRole: "Application Administrator",
        startedMinutesAgo: 40,
        expiresInMinutes: 20,
        justification: "Rotate the expiring SAML signing certificate of the HR app",
      },
    ],
  };
}
