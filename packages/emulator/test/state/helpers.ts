import { type Clock, createClock } from "../../src/clock";
import type { AccessTokenClaims } from "../../src/entra/types";
import { loadScenario } from "../../src/scenario/load";
import type { Scenario } from "../../src/scenario/types";
import type { SubmitInput, TenantState } from "../../src/state/api";
import type { EmulatorSettings, RoleTarget, UserRecord } from "../../src/state/model";
import { createTenantState } from "../../src/state/store";

export const T0 = new Date("2026-03-02T08:00:00.000Z");
export const MINUTE = 60_000;

export interface Tenant {
  state: TenantState;
  clock: Clock;
  scenario: Scenario;
  user(upn: string): UserRecord;
  /** Claims of a token for `upn`; MFA and no contexts unless told otherwise. */
  claims(upn: string, opts?: { mfa?: boolean; acrs?: string[]; xmsCc?: string[] }): AccessTokenClaims;
  directoryRoleId(name: string): string;
  groupId(name: string): string;
  azureRoleId(name: string): string;
  subscriptionId(name: string): string;
}

export function tenant(source: string | object = "demo", settings: Partial<EmulatorSettings> = {}): Tenant {
  const scenario = loadScenario(source);
  const clock = createClock(T0, true);
  const state = createTenantState(scenario, clock, settings);
  const find = <T>(list: readonly T[], pred: (t: T) => boolean, what: string): T => {
    const hit = list.find(pred);
    if (!hit) throw new Error(`test setup: no ${what}`);
    return hit;
  };
  const user = (upn: string) => find(state.users, (u) => u.upn === upn, `user ${upn}`);
  return {
    state,
    clock,
    scenario,
    user,
    claims(upn, opts = {}) {
      const u = user(upn);
      const now = Math.floor(clock.nowMs() / 1000);
      return {
        aud: "https://graph.microsoft.com",
        iss: `https://sts.windows.net/${state.tenant.id}/`,
        tid: state.tenant.id,
        oid: u.oid,
        sub: u.oid,
        upn: u.upn,
        name: u.displayName,
        appid: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
        scp: ["RoleAssignmentSchedule.ReadWrite.Directory"],
        amr: opts.mfa === false ? ["pwd"] : ["pwd", "mfa"],
        acrs: opts.acrs ?? [],
        xmsCc: opts.xmsCc ?? [],
        iat: now,
        nbf: now,
        exp: now + 3600,
      };
    },
    directoryRoleId: (name) => find(state.directoryRoles, (r) => r.displayName === name, `role ${name}`).id,
    groupId: (name) => find(state.groups, (g) => g.displayName === name, `group ${name}`).id,
    azureRoleId: (name) => find(state.azureRoleDefinitions, (r) => r.displayName === name, `Azure role ${name}`).id,
    subscriptionId: (name) =>
      find(state.subscriptions, (s) => s.displayName === name, `subscription ${name}`).subscriptionId,
  };
}

export const ADMIN = "alex.morgan@contoso.example.com";
export const APPROVER = "priya.natarajan@contoso.example.com";
export const LIMITED = "sam.lindqvist@contoso.example.com";

/** A selfActivate input with the usual fields; override what a test is about. */
export function activation(principalId: string, target: RoleTarget, extra: Partial<SubmitInput> = {}): SubmitInput {
  return {
    plane: target.plane,
    action: "selfActivate",
    principalId,
    target,
    justification: "Investigating incident INC-4711",
    ticketNumber: "INC-4711",
    ticketSystem: "ServiceNow",
    expirationType: "afterDuration",
    duration: "PT30M",
    validationOnly: false,
    ...extra,
  };
}

export function deactivation(principalId: string, target: RoleTarget, extra: Partial<SubmitInput> = {}): SubmitInput {
  return { plane: target.plane, action: "selfDeactivate", principalId, target, validationOnly: false, ...extra };
}
