/**
 * The scenario file format: what a person writes (JSON or YAML). References are by upn, name or
 * id; ids may be left out and are then derived from names (see `ids.ts`). Unknown keys are errors,
 * so a typo fails at load with its JSON path instead of being silently ignored.
 */
import { z } from "zod";
import { parseIsoDuration, resolveTimeSpec } from "../state/durations";
import { GUID_RE } from "./ids";

const text = z.string().trim().min(1, "must not be empty");
const guid = z.string().regex(GUID_RE, "must be a GUID");
const isoDuration = z
  .string()
  .refine((s) => parseIsoDuration(s) !== undefined, "must be an ISO-8601 duration such as PT30M, PT1H30M, PT8H or P1D");
const timeSpec = z
  .string()
  .refine(
    (s) => resolveTimeSpec(s, 0) !== undefined,
    "must be an ISO-8601 date-time with an offset (2026-01-01T00:00:00Z) or a duration relative to load (-P30D, P180D)",
  );
export const contextIdSchema = z.string().regex(/^c([1-9]|[1-9][0-9])$/, "authentication context ids are c1 to c99");
const domain = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, "must be a DNS domain name");

/** A reference to another scenario object: its id, upn/name, or display name. */
const ref = text;

const tenantSchema = z.strictObject({
  id: guid.optional(),
  displayName: text,
  domain,
});

const appSchema = z.strictObject({
  clientId: guid.optional(),
  displayName: text,
  redirectUris: z.array(text).default([]),
  spa: z.boolean().default(false),
});

const userSchema = z.strictObject({
  upn: text,
  displayName: text,
  oid: guid.optional(),
  mail: text.optional(),
  canMfa: z.boolean().default(true),
  contexts: z.array(contextIdSchema).default([]),
});

const authContextSchema = z.strictObject({
  id: contextIdSchema,
  displayName: text,
  description: z.string().default(""),
  isAvailable: z.boolean().default(true),
});

const caPolicySchema = z.strictObject({
  id: guid.optional(),
  displayName: text,
  state: z.enum(["enabled", "disabled", "enabledForReportingButNotEnforced"]).default("enabled"),
  authContexts: z.array(contextIdSchema).default([]),
  builtInControls: z
    .array(
      z.enum([
        "block",
        "mfa",
        "compliantDevice",
        "domainJoinedDevice",
        "approvedApplication",
        "compliantApplication",
        "passwordChange",
        "riskRemediation",
      ]),
    )
    .default(["mfa"]),
  /** `All`, or user references. */
  includeUsers: z.array(ref).default(["All"]),
  createdDateTime: timeSpec.optional(),
});

const namedSchema = z.strictObject({
  id: guid.optional(),
  displayName: text,
  description: z.string().default(""),
});

const managementGroupSchema = z.strictObject({
  /** The id segment (`/providers/Microsoft.Management/managementGroups/{name}`); derived from the display name when absent. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_().-]{1,90}$/, "management group names use letters, digits, - _ ( ) . (at most 90)")
    .optional(),
  displayName: text,
  /** Parent management group; the tenant root group when absent. */
  parent: ref.optional(),
});

const subscriptionSchema = z.strictObject({
  subscriptionId: guid.optional(),
  displayName: text,
  /** Management group; the tenant root group when absent. */
  managementGroup: ref.optional(),
});

const resourceGroupSchema = z.strictObject({
  subscription: ref,
  name: z.string().regex(/^[-\w._()]{1,90}$/, "resource group names use letters, digits, - _ . ( ) (at most 90)"),
  location: text.default("westeurope"),
});

const resourceSchema = z.strictObject({
  subscription: ref,
  resourceGroup: ref,
  name: text,
  /** Resource type with its provider namespace, e.g. `Microsoft.KeyVault/vaults`. */
  type: z.string().regex(/^[A-Za-z0-9.]+\/[A-Za-z0-9/]+$/, "must be a resource type like Microsoft.KeyVault/vaults"),
});

/** An Azure scope: a raw ARM scope string, or parts by name. */
const scopeSchema = z.union([
  z.string().startsWith("/", "an ARM scope starts with /"),
  z.strictObject({
    managementGroup: ref.optional(),
    subscription: ref.optional(),
    resourceGroup: ref.optional(),
    resource: ref.optional(),
  }),
]);

const accessIdSchema = z.enum(["member", "owner"]);

/**
 * What a policy, eligibility or assignment is about: exactly one of `directoryRole` (optionally
 * scoped to an `administrativeUnit`), `group` (+ `accessId`), or `azureRole` + `scope`.
 */
const targetFields = {
  directoryRole: ref.optional(),
  administrativeUnit: ref.optional(),
  group: ref.optional(),
  accessId: accessIdSchema.optional(),
  azureRole: ref.optional(),
  scope: scopeSchema.optional(),
};

export const policySettingsInputSchema = z.strictObject({
  maxDuration: isoDuration.optional(),
  justification: z.boolean().optional(),
  ticket: z.boolean().optional(),
  mfa: z.boolean().optional(),
  authContext: contextIdSchema.nullable().optional(),
  approval: z.boolean().optional(),
  /** User references. */
  approvers: z.array(ref).optional(),
});

const policySchema = z.strictObject({
  ...targetFields,
  ...policySettingsInputSchema.shape,
  /** ARM only: users allowed to read this policy; everyone when absent. */
  readableBy: z.array(ref).optional(),
});

const eligibilitySchema = z.strictObject({
  ...targetFields,
  id: guid.optional(),
  principal: ref,
  /** Default: 30 days before load. */
  start: timeSpec.optional(),
  /** Default: none (permanently eligible). */
  end: timeSpec.nullable().optional(),
});

const assignmentSchema = z.strictObject({
  ...targetFields,
  id: guid.optional(),
  principal: ref,
  start: timeSpec.optional(),
  /** Absent or null: permanent. */
  end: timeSpec.nullable().optional(),
});

const activationSchema = z.strictObject({
  ...targetFields,
  id: guid.optional(),
  principal: ref,
  /** When the activation ends, in minutes after load. */
  expiresInMinutes: z.number().positive(),
  /** When it started, in minutes before load (default 10, so it can be deactivated at once). */
  startedMinutesAgo: z.number().nonnegative().default(10),
  justification: text.optional(),
});

const settingsSchema = z.strictObject({
  acrsChallenge: z.enum(["body", "www-authenticate"]).optional(),
  requireCp1ForAcrs: z.boolean().optional(),
  groupEnumCasing: z.enum(["csdl", "pascal"]).optional(),
  pageSize: z.number().int().min(1).max(1000).optional(),
  provisioningDelaySeconds: z.number().min(0).optional(),
  tokenLifetimeSeconds: z.number().int().min(60).optional(),
});

export const scenarioInputSchema = z.strictObject({
  name: text.optional(),
  description: z.string().optional(),
  tenant: tenantSchema,
  guestTenants: z.array(tenantSchema).default([]),
  apps: z.array(appSchema).optional(),
  users: z.array(userSchema).min(1, "a scenario needs at least one user"),
  authContexts: z.array(authContextSchema).default([]),
  conditionalAccessPolicies: z.array(caPolicySchema).default([]),
  administrativeUnits: z.array(namedSchema).default([]),
  /** Custom directory roles; every built-in role is always present. */
  directoryRoles: z.array(namedSchema).default([]),
  groups: z.array(namedSchema).default([]),
  managementGroups: z.array(managementGroupSchema).default([]),
  subscriptions: z.array(subscriptionSchema).default([]),
  resourceGroups: z.array(resourceGroupSchema).default([]),
  resources: z.array(resourceSchema).default([]),
  /** Custom Azure role definitions; every built-in role is always present. */
  azureRoles: z.array(namedSchema).default([]),
  policyDefaults: z
    .strictObject({
      directoryRole: policySettingsInputSchema.optional(),
      group: policySettingsInputSchema.optional(),
      azure: policySettingsInputSchema.optional(),
    })
    .default({}),
  policies: z.array(policySchema).default([]),
  eligibilities: z.array(eligibilitySchema).default([]),
  assignments: z.array(assignmentSchema).default([]),
  activations: z.array(activationSchema).default([]),
  settings: settingsSchema.default({}),
});

/** A scenario as written (JSON/YAML/object): ids and defaults may be left out. */
export type ScenarioInput = z.input<typeof scenarioInputSchema>;
/** A scenario after schema validation and defaults, before references are resolved. */
export type ParsedScenario = z.output<typeof scenarioInputSchema>;
export type PolicySettingsInput = z.output<typeof policySettingsInputSchema>;
export type TargetFields = {
  directoryRole?: string | undefined;
  administrativeUnit?: string | undefined;
  group?: string | undefined;
  accessId?: "member" | "owner" | undefined;
  azureRole?: string | undefined;
  scope?: z.output<typeof scopeSchema> | undefined;
};
