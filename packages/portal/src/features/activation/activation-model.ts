import {
  type ActivationInput,
  type AuthContextRef,
  durationToSeconds,
  isPimError,
  type PimRole,
  parseDurationInput,
  secondsToIsoDuration,
  type TicketInput,
} from "@pimkit/core";
import { localInputToIso } from "../../lib/format";

/**
 * The activation form as pure functions: what the selected batch needs (each field once, however
 * many roles need it), which presets make sense, what each role will really get (capped), whether
 * the form can be sent, and the inputs handed to the core's planner.
 */
export const durationPresets = ["PT30M", "PT1H", "PT2H", "PT4H", "PT8H"] as const;

export type DurationMode = "max" | "preset" | "custom";
export type TicketMode = "shared" | "per-role";
export type StartMode = "now" | "scheduled";

export interface ActivationFormValues {
  durationMode: DurationMode;
  /** ISO preset when durationMode is "preset". */
  preset: string;
  /** What the user typed when durationMode is "custom" (`90m`, `1h30m`, `PT2H`). */
  customDuration: string;
  justification: string;
  ticketMode: TicketMode;
  ticket: TicketInput;
  /** Per role id, when ticketMode is "per-role". */
  tickets: Record<string, TicketInput>;
  startMode: StartMode;
  /** `datetime-local` value (local time). */
  start: string;
  /** Azure role id → child scope to activate at ("" = the eligibility's own scope). */
  childScopes: Record<string, string>;
  waitUntilEffective: boolean;
}

export function emptyFormValues(): ActivationFormValues {
  return {
    durationMode: "max",
    preset: "PT1H",
    customDuration: "",
    justification: "",
    ticketMode: "shared",
    ticket: { system: "", number: "" },
    tickets: {},
    startMode: "now",
    start: "",
    childScopes: {},
    waitUntilEffective: false,
  };
}

export interface FormNeeds {
  justification: boolean;
  /** Roles whose policy requires ticket information. */
  ticketRoles: PimRole[];
  mfa: boolean;
  /** Distinct authentication contexts, in id order: one step-up covers them all. */
  authContexts: AuthContextRef[];
  approvalRoles: PimRole[];
  azureRoles: PimRole[];
  /** Roles whose policy could not be read: the service has the last word for them. */
  unknownPolicyRoles: PimRole[];
}

export function formNeeds(roles: readonly PimRole[]): FormNeeds {
  const contexts = new Map<string, AuthContextRef>();
  for (const r of roles) {
    const c = r.requirements.authContext;
    if (c && !contexts.has(c.id)) contexts.set(c.id, c);
  }
  return {
    justification: roles.some((r) => r.requirements.justification === true),
    ticketRoles: roles.filter((r) => r.requirements.ticket === true),
    mfa: roles.some((r) => r.requirements.mfa === true),
    authContexts: [...contexts.values()].sort((a, b) => a.id.localeCompare(b.id)),
    approvalRoles: roles.filter((r) => r.requirements.approval === true),
    azureRoles: roles.filter((r) => r.kind === "azureRole"),
    unknownPolicyRoles: roles.filter((r) => !r.requirements.known),
  };
}

export function secondsOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  try {
    return durationToSeconds(iso);
  } catch {
    return null;
  }
}

/**
 * Presets above every selected role's maximum are hidden (they could only be capped). When any
 * role's maximum is unknown nothing is hidden: the service may allow more.
 */
export function visiblePresets(roles: readonly PimRole[]): string[] {
  const maxima = roles.map((r) => secondsOf(r.requirements.maxDuration));
  if (maxima.length === 0 || maxima.some((m) => m === null)) return [...durationPresets];
  const largest = Math.max(...(maxima as number[]));
  return durationPresets.filter((p) => (secondsOf(p) ?? Number.POSITIVE_INFINITY) <= largest);
}

/** The duration asked for, as ISO; null = each role's maximum; an Error for text that is not a duration. */
export function requestedDuration(values: ActivationFormValues): string | null | Error {
  if (values.durationMode === "max") return null;
  if (values.durationMode === "preset") return values.preset;
  try {
    return parseDurationInput(values.customDuration);
  } catch (e) {
    return new Error(isPimError(e) ? e.message : "Not a duration.");
  }
}

export interface EffectiveDuration {
  roleId: string;
  /** What will be sent (ISO). */
  duration: string;
  /** True when lower than what was asked (the role's maximum or its eligibility's end). */
  capped: boolean;
  reason: "max" | "eligibility-end" | null;
}

const fallbackDuration = "PT1H";

/** What each role will get: the request capped by its maximum and by its eligibility's end. */
export function effectiveDurations(
  roles: readonly PimRole[],
  requested: string | null,
  startIso: string | null,
  now: number,
): EffectiveDuration[] {
  return roles.map((r) => {
    const max = r.requirements.maxDuration;
    let duration = requested ?? max ?? fallbackDuration;
    let capped = false;
    let reason: EffectiveDuration["reason"] = null;
    const maxS = secondsOf(max);
    const reqS = secondsOf(duration);
    if (requested && maxS !== null && reqS !== null && reqS > maxS && max) {
      duration = max;
      capped = true;
      reason = "max";
    }
    const end = r.eligibility?.end ? Date.parse(r.eligibility.end) : Number.NaN;
    if (!Number.isNaN(end)) {
      const from = startIso ? Date.parse(startIso) : now;
      const room = Math.floor((end - from) / 1000);
      const s = secondsOf(duration);
      if (room > 0 && s !== null && s > room) {
        duration = secondsToIsoDuration(Math.floor(room / 60) * 60 || room);
        capped = true;
        reason = "eligibility-end";
      }
    }
    return { roleId: r.id, duration, capped, reason };
  });
}

export interface TicketErrors {
  system?: string;
  number?: string;
}

export interface FormErrors {
  duration?: string;
  justification?: string;
  ticket?: TicketErrors;
  tickets?: Record<string, TicketErrors>;
  start?: string;
}

export const justificationMaxLength = 500;

function ticketErrors(t: TicketInput | undefined): TicketErrors | undefined {
  const e: TicketErrors = {};
  if (!t || t.system.trim() === "") e.system = "Enter the ticket system.";
  if (!t || t.number.trim() === "") e.number = "Enter the ticket number.";
  return e.system || e.number ? e : undefined;
}

/** Inline errors; an empty object means every required field of every selected role is valid. */
export function validateForm(roles: readonly PimRole[], values: ActivationFormValues, now: number): FormErrors {
  const needs = formNeeds(roles);
  const errors: FormErrors = {};
  const requested = requestedDuration(values);
  if (requested instanceof Error) errors.duration = requested.message;

  const justification = values.justification.trim();
  if (needs.justification && justification === "") {
    errors.justification = "A justification is required by the policy of at least one selected role.";
  } else if (justification.length > justificationMaxLength) {
    errors.justification = `Keep the justification under ${justificationMaxLength} characters.`;
  }

  if (needs.ticketRoles.length > 0) {
    if (values.ticketMode === "shared") {
      const e = ticketErrors(values.ticket);
      if (e) errors.ticket = e;
    } else {
      const per: Record<string, TicketErrors> = {};
      for (const r of needs.ticketRoles) {
        const e = ticketErrors(values.tickets[r.id]);
        if (e) per[r.id] = e;
      }
      if (Object.keys(per).length > 0) errors.tickets = per;
    }
  }

  if (values.startMode === "scheduled") {
    const iso = localInputToIso(values.start);
    if (!iso) errors.start = "Enter a start date and time.";
    else if (Date.parse(iso) <= now) errors.start = "The start must be in the future.";
    else {
      const t = Date.parse(iso);
      const outside = roles.find((r) => {
        const e = r.eligibility;
        if (!e) return false;
        return (e.start !== null && t < Date.parse(e.start)) || (e.end !== null && t >= Date.parse(e.end));
      });
      if (outside) errors.start = `The start is outside the eligibility of ${outside.name}.`;
    }
  }
  return errors;
}

export function hasErrors(errors: FormErrors): boolean {
  return Object.keys(errors).length > 0;
}

export interface ActivationGroup {
  roles: PimRole[];
  input: ActivationInput;
}

/**
 * The inputs for the core planner. One group when the batch shares its ticket; with tickets per
 * role, one group per distinct ticket (the planner takes one ticket per call). The groups' plans
 * are executed as one, so a single step-up still covers the whole batch.
 */
export function toActivationGroups(roles: readonly PimRole[], values: ActivationFormValues): ActivationGroup[] {
  const requested = requestedDuration(values);
  const base: ActivationInput = {};
  if (typeof requested === "string") base.duration = requested;
  const justification = values.justification.trim();
  if (justification) base.justification = justification;
  if (values.startMode === "scheduled") {
    const iso = localInputToIso(values.start);
    if (iso) base.start = iso;
  }
  const childScope: Record<string, string> = {};
  for (const r of roles) {
    const c = values.childScopes[r.id];
    if (r.kind === "azureRole" && c && c.trim() !== "") childScope[r.id] = c.trim();
  }
  if (Object.keys(childScope).length > 0) base.childScope = childScope;

  const trimTicket = (t: TicketInput | undefined): TicketInput | undefined =>
    t && t.system.trim() !== "" && t.number.trim() !== ""
      ? { system: t.system.trim(), number: t.number.trim() }
      : undefined;

  if (values.ticketMode === "shared") {
    const ticket = trimTicket(values.ticket);
    return [{ roles: [...roles], input: ticket ? { ...base, ticket } : { ...base } }];
  }
  const groups = new Map<string, ActivationGroup>();
  for (const r of roles) {
    const ticket = r.requirements.ticket === true ? trimTicket(values.tickets[r.id]) : undefined;
    const key = ticket ? `${ticket.system}\n${ticket.number}` : "";
    let g = groups.get(key);
    if (!g) {
      g = { roles: [], input: ticket ? { ...base, ticket } : { ...base } };
      groups.set(key, g);
    }
    g.roles.push(r);
  }
  return [...groups.values()];
}

/**
 * Ticket fields are asked once unless the roles are known to use different ticket systems (their
 * remembered systems differ), in which case the form starts with one ticket per role.
 */
export function initialTicketMode(
  ticketRoles: readonly PimRole[],
  systemFor: (role: PimRole) => string | undefined,
): TicketMode {
  const systems = new Set(ticketRoles.map((r) => systemFor(r)?.trim()).filter((s): s is string => !!s));
  return systems.size > 1 ? "per-role" : "shared";
}
