/**
 * api-versions pimkit sends, and the ones the local tenant accepts for each ARM resource family.
 *
 * `armApiVersions` is what a client sends. `armSupportedApiVersions` is what Azure Resource Manager
 * actually serves for each resource type, so the local tenant refuses the same versions ARM
 * refuses. Sources (also in docs/emulator-fidelity.md):
 * - PIM request/schedule/instance types: ARM's own `InvalidResourceType` answer for
 *   `roleAssignmentScheduleRequests` / `roleEligibilityScheduleRequests` lists
 *   '2020-10-01-preview,2020-10-01,2022-04-01-preview' (Azure/bicep-types-az issues #2313, #2314, #2507,
 *   2024-10 and 2025-06): the 2024-* folders of the REST specs are not served for them.
 * - Policies and policy assignments additionally get the 2024-02-01-preview and 2024-09-01-preview
 *   specs (the PIM-only-mode rule is a policy feature of 2024-09-01-preview).
 * - `@azure/arm-authorization@9.0.0` sends 2020-10-01 for every PIM operation and 2022-04-01 for
 *   role definitions (its `Parameters.apiVersion2` / `apiVersion1`).
 */
export const armApiVersions = {
  /** roleEligibilityScheduleInstances, roleAssignmentScheduleInstances, roleAssignmentScheduleRequests,
   * roleManagementPolicies, roleManagementPolicyAssignments, eligibleChildResources. */
  pim: "2020-10-01",
  roleDefinitions: "2022-04-01",
  roleAssignmentApprovals: "2021-01-01-preview",
  tenants: "2022-12-01",
  subscriptions: "2022-12-01",
  resourceGroups: "2021-04-01",
  managementGroups: "2023-04-01",
} as const;

const pimSchedules = ["2020-10-01-preview", "2020-10-01", "2022-04-01-preview"] as const;
const pimPolicies = [
  "2020-10-01-preview",
  "2020-10-01",
  "2022-04-01-preview",
  "2024-02-01-preview",
  "2024-09-01-preview",
] as const;
/** Microsoft.Resources tenant-level types (subscriptions, tenants, resource groups). */
const resourceManager = [
  "2016-06-01",
  "2018-06-01",
  "2019-06-01",
  "2019-11-01",
  "2020-01-01",
  "2021-01-01",
  "2021-04-01",
  "2022-09-01",
  "2022-12-01",
  "2023-07-01",
  "2024-03-01",
  "2024-07-01",
  "2024-11-01",
] as const;

/**
 * Resource types the local tenant serves, keyed by the ARM type name (lower case), with the
 * api-versions ARM serves for each.
 */
export const armSupportedApiVersions: Readonly<Record<string, readonly string[]>> = {
  roleeligibilityscheduleinstances: pimSchedules,
  roleassignmentscheduleinstances: pimSchedules,
  roleeligibilityschedules: pimSchedules,
  roleassignmentschedules: pimSchedules,
  roleassignmentschedulerequests: pimSchedules,
  eligiblechildresources: pimSchedules,
  rolemanagementpolicies: pimPolicies,
  rolemanagementpolicyassignments: pimPolicies,
  roleassignmentapprovals: ["2021-01-01-preview"],
  roledefinitions: ["2015-07-01", "2018-01-01-preview", "2018-07-01", "2022-04-01", "2022-05-01-preview"],
  subscriptions: resourceManager,
  resourcegroups: resourceManager,
  tenants: resourceManager,
  managementgroups: ["2020-05-01", "2021-04-01", "2023-04-01"],
};

export const graphApiVersion = "v1.0" as const;
