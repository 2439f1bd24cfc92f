/**
 * The entity types the surface serves: their properties (as Microsoft Graph v1.0 declares them,
 * checked against @microsoft/microsoft-graph-types in the contracts tests), the navigation
 * properties that can be expanded, and what `$filter` may name (per each resource page's
 * "Supports $filter" notes, `eq`/`ne` and `in` only).
 */
import type { EntitySchema } from "./odata/query";

const scheduleRequestActions = [
  "adminAssign",
  "adminUpdate",
  "adminRemove",
  "selfActivate",
  "selfDeactivate",
  "adminExtend",
  "adminRenew",
  "selfExtend",
  "selfRenew",
  "unknownFutureValue",
] as const;

const str = { type: "string" } as const;
const bool = { type: "boolean" } as const;

export const userSchema: EntitySchema = {
  typeName: "user",
  properties: [
    "id",
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
  ],
  navigation: {},
  filter: { filterable: { id: str, userPrincipalName: str, displayName: str, mail: str } },
};

export const groupSchema: EntitySchema = {
  typeName: "group",
  properties: [
    "id",
    "displayName",
    "description",
    "groupTypes",
    "isAssignableToRole",
    "mail",
    "mailEnabled",
    "mailNickname",
    "securityEnabled",
  ],
  navigation: {},
  filter: { filterable: { id: str, displayName: str } },
};

export const administrativeUnitSchema: EntitySchema = {
  typeName: "administrativeUnit",
  properties: ["id", "displayName", "description", "visibility"],
  navigation: { members: null },
  filter: { filterable: { id: str, displayName: str } },
};

/** directoryObject as expanded through `principal` / `directoryScope` (any subtype). */
export const directoryObjectSchema: EntitySchema = {
  typeName: "directoryObject",
  properties: ["id", "displayName", "userPrincipalName", "description", "mail"],
  navigation: {},
};

export const roleDefinitionSchema: EntitySchema = {
  typeName: "unifiedRoleDefinition",
  properties: [
    "id",
    "description",
    "displayName",
    "isBuiltIn",
    "isEnabled",
    "resourceScopes",
    "rolePermissions",
    "templateId",
    "version",
  ],
  navigation: { inheritsPermissionsFrom: null },
  filter: { filterable: { id: str, displayName: str, templateId: str, isBuiltIn: bool } },
};

const directoryNav = {
  roleDefinition: { target: roleDefinitionSchema },
  principal: { target: directoryObjectSchema },
  directoryScope: { target: directoryObjectSchema },
  appScope: {},
};

export const roleEligibilityInstanceSchema: EntitySchema = {
  typeName: "unifiedRoleEligibilityScheduleInstance",
  properties: [
    "id",
    "principalId",
    "roleDefinitionId",
    "directoryScopeId",
    "appScopeId",
    "startDateTime",
    "endDateTime",
    "memberType",
    "roleEligibilityScheduleId",
  ],
  navigation: directoryNav,
  filter: {
    filterable: {
      id: str,
      principalId: str,
      roleDefinitionId: str,
      directoryScopeId: str,
      appScopeId: str,
      memberType: str,
      roleEligibilityScheduleId: str,
    },
  },
};

export const roleAssignmentInstanceSchema: EntitySchema = {
  typeName: "unifiedRoleAssignmentScheduleInstance",
  properties: [
    "id",
    "principalId",
    "roleDefinitionId",
    "directoryScopeId",
    "appScopeId",
    "startDateTime",
    "endDateTime",
    "assignmentType",
    "memberType",
    "roleAssignmentOriginId",
    "roleAssignmentScheduleId",
  ],
  navigation: { ...directoryNav, activatedUsing: { target: roleEligibilityInstanceSchema } },
  filter: {
    filterable: {
      id: str,
      principalId: str,
      roleDefinitionId: str,
      directoryScopeId: str,
      appScopeId: str,
      assignmentType: str,
      memberType: str,
      roleAssignmentOriginId: str,
      roleAssignmentScheduleId: str,
    },
  },
};

const directoryScheduleProps = [
  "id",
  "principalId",
  "roleDefinitionId",
  "directoryScopeId",
  "appScopeId",
  "createdDateTime",
  "createdUsing",
  "modifiedDateTime",
  "status",
  "memberType",
  "scheduleInfo",
] as const;

export const roleEligibilityScheduleSchema: EntitySchema = {
  typeName: "unifiedRoleEligibilitySchedule",
  properties: directoryScheduleProps,
  navigation: directoryNav,
  filter: {
    filterable: {
      id: str,
      principalId: str,
      roleDefinitionId: str,
      directoryScopeId: str,
      memberType: str,
      status: str,
    },
  },
};

export const roleAssignmentScheduleSchema: EntitySchema = {
  typeName: "unifiedRoleAssignmentSchedule",
  properties: [...directoryScheduleProps, "assignmentType"],
  navigation: { ...directoryNav, activatedUsing: null },
  filter: {
    filterable: {
      id: str,
      principalId: str,
      roleDefinitionId: str,
      directoryScopeId: str,
      memberType: str,
      assignmentType: str,
      status: str,
    },
  },
};

export const roleAssignmentRequestSchema: EntitySchema = {
  typeName: "unifiedRoleAssignmentScheduleRequest",
  properties: [
    "id",
    "status",
    "createdDateTime",
    "completedDateTime",
    "approvalId",
    "customData",
    "createdBy",
    "action",
    "principalId",
    "roleDefinitionId",
    "directoryScopeId",
    "appScopeId",
    "isValidationOnly",
    "targetScheduleId",
    "justification",
    "scheduleInfo",
    "ticketInfo",
  ],
  navigation: { ...directoryNav, activatedUsing: null, targetSchedule: null },
  filter: {
    filterable: {
      id: str,
      status: str,
      principalId: str,
      roleDefinitionId: str,
      directoryScopeId: str,
      approvalId: str,
      targetScheduleId: str,
      action: { type: "enum", members: scheduleRequestActions },
    },
  },
};

/** Fields a client may send when creating a directory-role request (the entity's own, OData accepts read-only ones). */
export const roleAssignmentRequestBodyProps = [...roleAssignmentRequestSchema.properties, "activatedUsing"];

const accessIds = ["owner", "member", "unknownFutureValue"] as const;
const groupMemberTypes = ["direct", "group", "unknownFutureValue"] as const;
const groupAssignmentTypes = ["assigned", "activated", "unknownFutureValue"] as const;

const groupNav = { group: { target: groupSchema }, principal: { target: directoryObjectSchema } };

export const groupEligibilityInstanceSchema: EntitySchema = {
  typeName: "privilegedAccessGroupEligibilityScheduleInstance",
  properties: [
    "id",
    "startDateTime",
    "endDateTime",
    "accessId",
    "eligibilityScheduleId",
    "groupId",
    "memberType",
    "principalId",
  ],
  navigation: groupNav,
  filter: {
    filterable: {
      id: str,
      principalId: str,
      groupId: str,
      eligibilityScheduleId: str,
      accessId: { type: "enum", members: accessIds },
      memberType: { type: "enum", members: groupMemberTypes },
    },
  },
};

export const groupAssignmentInstanceSchema: EntitySchema = {
  typeName: "privilegedAccessGroupAssignmentScheduleInstance",
  properties: [
    "id",
    "startDateTime",
    "endDateTime",
    "accessId",
    "assignmentScheduleId",
    "assignmentType",
    "groupId",
    "memberType",
    "principalId",
  ],
  navigation: { ...groupNav, activatedUsing: { target: groupEligibilityInstanceSchema } },
  filter: {
    filterable: {
      id: str,
      principalId: str,
      groupId: str,
      assignmentScheduleId: str,
      accessId: { type: "enum", members: accessIds },
      memberType: { type: "enum", members: groupMemberTypes },
      assignmentType: { type: "enum", members: groupAssignmentTypes },
    },
  },
};

const groupScheduleProps = [
  "id",
  "createdDateTime",
  "createdUsing",
  "modifiedDateTime",
  "scheduleInfo",
  "status",
  "accessId",
  "groupId",
  "memberType",
  "principalId",
] as const;

export const groupEligibilityScheduleSchema: EntitySchema = {
  typeName: "privilegedAccessGroupEligibilitySchedule",
  properties: groupScheduleProps,
  navigation: groupNav,
  filter: {
    filterable: {
      id: str,
      principalId: str,
      groupId: str,
      status: str,
      accessId: { type: "enum", members: accessIds },
      memberType: { type: "enum", members: groupMemberTypes },
    },
  },
};

export const groupAssignmentScheduleSchema: EntitySchema = {
  typeName: "privilegedAccessGroupAssignmentSchedule",
  properties: [...groupScheduleProps, "assignmentType"],
  navigation: { ...groupNav, activatedUsing: null },
  filter: {
    filterable: {
      id: str,
      principalId: str,
      groupId: str,
      status: str,
      accessId: { type: "enum", members: accessIds },
      memberType: { type: "enum", members: groupMemberTypes },
      assignmentType: { type: "enum", members: groupAssignmentTypes },
    },
  },
};

export const groupAssignmentRequestSchema: EntitySchema = {
  typeName: "privilegedAccessGroupAssignmentScheduleRequest",
  properties: [
    "id",
    "status",
    "createdDateTime",
    "completedDateTime",
    "approvalId",
    "customData",
    "createdBy",
    "action",
    "isValidationOnly",
    "justification",
    "scheduleInfo",
    "ticketInfo",
    "accessId",
    "groupId",
    "principalId",
    "targetScheduleId",
  ],
  navigation: { ...groupNav, activatedUsing: null, targetSchedule: null },
  filter: {
    filterable: {
      id: str,
      status: str,
      principalId: str,
      groupId: str,
      approvalId: str,
      targetScheduleId: str,
      accessId: { type: "enum", members: accessIds },
      action: { type: "enum", members: scheduleRequestActions },
    },
  },
};

export const groupAssignmentRequestBodyProps = [...groupAssignmentRequestSchema.properties, "activatedUsing"];

export const policyRuleSchema: EntitySchema = {
  typeName: "unifiedRoleManagementPolicyRule",
  properties: [
    "id",
    "target",
    "isExpirationRequired",
    "maximumDuration",
    "enabledRules",
    "isEnabled",
    "claimValue",
    "setting",
    "notificationType",
    "recipientType",
    "notificationLevel",
    "isDefaultRecipientsEnabled",
    "notificationRecipients",
  ],
  navigation: {},
  filter: { filterable: { id: str } },
};

export const policySchema: EntitySchema = {
  typeName: "unifiedRoleManagementPolicy",
  properties: [
    "id",
    "description",
    "displayName",
    "isOrganizationDefault",
    "lastModifiedBy",
    "lastModifiedDateTime",
    "scopeId",
    "scopeType",
  ],
  navigation: { rules: { target: policyRuleSchema }, effectiveRules: { target: policyRuleSchema } },
  filter: { filterable: { id: str, scopeId: str, scopeType: str } },
};

export const policyAssignmentSchema: EntitySchema = {
  typeName: "unifiedRoleManagementPolicyAssignment",
  properties: ["id", "policyId", "roleDefinitionId", "scopeId", "scopeType"],
  navigation: { policy: { target: policySchema } },
  filter: { filterable: { id: str, policyId: str, roleDefinitionId: str, scopeId: str, scopeType: str } },
};

export const approvalStageSchema: EntitySchema = {
  typeName: "approvalStage",
  properties: [
    "id",
    "assignedToMe",
    "displayName",
    "justification",
    "reviewedBy",
    "reviewedDateTime",
    "reviewResult",
    "status",
  ],
  navigation: {},
};

/** v1.0 `approval` (stages); beta's directory-role approvals call them `steps`. */
export const approvalSchema: EntitySchema = {
  typeName: "approval",
  properties: ["id"],
  navigation: { stages: { target: approvalStageSchema } },
};

export const betaApprovalSchema: EntitySchema = {
  typeName: "approval",
  properties: ["id"],
  navigation: { steps: { target: { ...approvalStageSchema, typeName: "approvalStep" } } },
};

export const authContextSchema: EntitySchema = {
  typeName: "authenticationContextClassReference",
  properties: ["id", "description", "displayName", "isAvailable"],
  navigation: {},
  filter: { filterable: { id: str, displayName: str, isAvailable: bool } },
};

export const caPolicySchema: EntitySchema = {
  typeName: "conditionalAccessPolicy",
  properties: [
    "id",
    "displayName",
    "state",
    "createdDateTime",
    "modifiedDateTime",
    "conditions",
    "grantControls",
    "sessionControls",
  ],
  navigation: {},
  filter: { filterable: { id: str, displayName: str, state: str } },
};
