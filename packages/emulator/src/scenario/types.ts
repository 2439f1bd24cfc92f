import type {
  AdministrativeUnitRecord,
  AppRecord,
  AuthContextRecord,
  AzureRoleDefinitionRecord,
  CaPolicyRecord,
  DirectoryRoleRecord,
  EmulatorSettings,
  GroupRecord,
  ManagementGroupRecord,
  Plane,
  PolicySettings,
  PolicyTarget,
  ResourceGroupRecord,
  ResourceRecord,
  RoleTarget,
  SubscriptionRecord,
  TenantInfo,
  UserRecord,
} from "../state/model";

/**
 * A loaded scenario: every reference resolved to ids, every default applied. Times stay as
 * written (`TimeSpec`: an ISO date-time, or a signed duration relative to the clock when the
 * tenant state is created), so one scenario can be loaded at any clock.
 */
export type TimeSpec = string;

export interface ScenarioPolicy {
  policyGuid: string;
  target: PolicyTarget;
  settings: PolicySettings;
  readableBy?: string[];
}

export interface ScenarioEligibility {
  id: string;
  principalId: string;
  target: RoleTarget;
  start: TimeSpec;
  end: TimeSpec | null;
}

export interface ScenarioAssignment {
  id: string;
  principalId: string;
  target: RoleTarget;
  start: TimeSpec;
  end: TimeSpec | null;
}

export interface ScenarioActivation {
  /** The activation request id, which is also the assignment schedule id. */
  id: string;
  principalId: string;
  target: RoleTarget;
  eligibilityId: string;
  startedMinutesAgo: number;
  expiresInMinutes: number;
  justification: string | null;
}

export interface Scenario {
  name: string;
  description: string;
  tenant: TenantInfo;
  guestTenants: TenantInfo[];
  apps: AppRecord[];
  users: UserRecord[];
  authContexts: AuthContextRecord[];
  /** `createdDateTime` is a TimeSpec here. */
  caPolicies: CaPolicyRecord[];
  administrativeUnits: AdministrativeUnitRecord[];
  /** Built-in roles plus the scenario's custom ones. */
  directoryRoles: DirectoryRoleRecord[];
  groups: GroupRecord[];
  managementGroups: ManagementGroupRecord[];
  subscriptions: SubscriptionRecord[];
  resourceGroups: ResourceGroupRecord[];
  resources: ResourceRecord[];
  /** Built-in roles plus the scenario's custom ones. */
  azureRoleDefinitions: AzureRoleDefinitionRecord[];
  /** The settings a target gets when no policy names it. */
  policyDefaults: Record<Plane, PolicySettings>;
  policies: ScenarioPolicy[];
  eligibilities: ScenarioEligibility[];
  assignments: ScenarioAssignment[];
  activations: ScenarioActivation[];
  settings: Partial<EmulatorSettings>;
}
