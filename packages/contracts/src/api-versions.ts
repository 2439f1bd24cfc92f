/** api-versions pimkit sends, and the ones the local tenant accepts for each ARM resource family. */
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

export const graphApiVersion = "v1.0" as const;
