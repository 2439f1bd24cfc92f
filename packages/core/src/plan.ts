import type { ArmEligibleChildResource } from "@pimkit/contracts";
import { type CoreContext, listArm } from "./context";
import { durationToSeconds, parseDurationInput, secondsToIsoDuration, tryDurationToSeconds } from "./durations";
import { isPimError, PimError } from "./errors";
import { AuthSession } from "./http/tokens";
import { isWithinScope, normalizeScope, parentScope } from "./planes/azure-roles";
import type { ActivationInput, ActivationPlan, ErrorInfo, PimRole, PlannedActivation } from "./types";

/** A start this close to now is "now": clocks differ by a little between client and service. */
const nowToleranceMs = 60_000;
/** Used when the user gave no duration and the role's maximum is unknown. */
export const fallbackDuration = "PT1H";

function err(code: string, message: string): ErrorInfo {
  return { code, message };
}

/**
 * Checks every selected role against the input before anything is sent: required fields,
 * duration (capped to the role's maximum and to the eligibility's end, and reported), start time,
 * and an Azure child scope (which must be one `eligibleChildResources` offers).
 */
export async function planActivation(
  ctx: CoreContext,
  roles: PimRole[],
  input: ActivationInput,
  signal?: AbortSignal,
): Promise<ActivationPlan> {
  const now = ctx.clock.now();
  const items: PlannedActivation[] = [];
  const globalProblems: ErrorInfo[] = [];

  let requested: string | null = null;
  if (input.duration !== undefined && input.duration.trim() !== "") {
    try {
      requested = parseDurationInput(input.duration);
    } catch (e) {
      globalProblems.push(
        isPimError(e) ? { code: e.code, message: e.message } : err("invalid_duration", "Invalid duration."),
      );
    }
  }
  let startMs: number | null = null;
  if (input.start !== undefined && input.start.trim() !== "") {
    const t = Date.parse(input.start);
    if (Number.isNaN(t) || !/\d{4}-\d{2}-\d{2}T/.test(input.start)) {
      globalProblems.push(
        err("invalid_start", `"${input.start}" is not an ISO-8601 date-time (e.g. 2026-03-01T08:00:00Z).`),
      );
    } else if (t < now - nowToleranceMs) {
      globalProblems.push(err("start_in_past", "The start time is in the past."));
    } else if (t > now + nowToleranceMs) {
      startMs = t;
    }
  }
  const justification = input.justification?.trim() ? input.justification.trim() : null;
  const ticket =
    input.ticket && input.ticket.number.trim() !== "" && input.ticket.system.trim() !== ""
      ? { system: input.ticket.system.trim(), number: input.ticket.number.trim() }
      : null;

  const seen = new Set<string>();
  for (const role of roles) {
    const problems: ErrorInfo[] = [...globalProblems];
    const notes: string[] = [];
    if (seen.has(role.id)) continue;
    seen.add(role.id);
    const req = role.requirements;

    if (!role.eligibility && !role.assignment) {
      problems.push(err("not_eligible", `You are not eligible for ${role.name}.`));
    }
    if (req.justification === true && !justification) {
      problems.push(err("justification_required", `${role.name} requires a justification (--justification).`));
    }
    if (req.ticket === true && !ticket) {
      problems.push(
        err("ticket_required", `${role.name} requires ticket information (--ticket-system and --ticket-number).`),
      );
    }

    let duration = requested ?? req.maxDuration ?? fallbackDuration;
    let capped = false;
    if (!requested) {
      notes.push(
        req.maxDuration
          ? `No duration given: using the role's maximum ${req.maxDuration}.`
          : `No duration given and the role's maximum is unknown: using ${fallbackDuration}.`,
      );
    }
    const maxSeconds = req.maxDuration ? tryDurationToSeconds(req.maxDuration) : null;
    if (requested && maxSeconds !== null && durationToSeconds(requested) > maxSeconds) {
      duration = req.maxDuration ?? duration;
      capped = true;
      notes.push(`Duration capped from ${requested} to the role's maximum ${req.maxDuration}.`);
    }

    const elig = role.eligibility;
    if (elig && startMs !== null) {
      if (elig.start && startMs < Date.parse(elig.start)) {
        problems.push(
          err("start_outside_eligibility", `${role.name}: the start is before the eligibility begins (${elig.start}).`),
        );
      }
      if (elig.end && startMs >= Date.parse(elig.end)) {
        problems.push(
          err("start_outside_eligibility", `${role.name}: the start is after the eligibility ends (${elig.end}).`),
        );
      }
    }
    if (elig?.end) {
      const from = startMs ?? now;
      const room = Math.floor((Date.parse(elig.end) - from) / 1000);
      if (room > 0 && durationToSeconds(duration) > room) {
        // Whole minutes, so the request never asks past the eligibility's end.
        duration = secondsToIsoDuration(Math.floor(room / 60) * 60 || room);
        capped = true;
        notes.push(`Duration capped to ${duration} because the eligibility ends at ${elig.end}.`);
      }
    }

    let activationScope: string | null = null;
    if (role.target.kind === "azureRole") {
      activationScope = role.target.scope;
      const child = typeof input.childScope === "string" ? input.childScope : input.childScope?.[role.id];
      if (child && child.trim() !== "") {
        const c = normalizeScope(child.trim());
        if (!isWithinScope(c, role.target.scope)) {
          problems.push(err("invalid_scope", `${c} is not within ${role.scope.displayName} (${role.target.scope}).`));
        } else if (c.toLowerCase() !== normalizeScope(role.target.scope).toLowerCase()) {
          activationScope = c;
        }
      }
    } else if (input.childScope && typeof input.childScope === "object" && input.childScope[role.id]) {
      problems.push(err("invalid_scope", `${role.name} is not an Azure role; a child scope does not apply.`));
    }

    items.push({
      role,
      duration,
      requestedDuration: requested !== null && requested !== duration ? requested : null,
      capped,
      start: startMs !== null ? new Date(startMs).toISOString() : null,
      justification,
      ticket,
      activationScope,
      problems,
      notes,
    });
  }

  await checkChildScopes(ctx, items, signal);

  const authContexts = [
    ...new Set(
      items
        .filter((i) => i.problems.length === 0)
        .map((i) => i.role.requirements.authContext?.id)
        .filter((x): x is string => typeof x === "string"),
    ),
  ].sort();
  return {
    ok: items.length > 0 && items.every((i) => i.problems.length === 0),
    items,
    authContexts,
    createdAt: new Date(now).toISOString(),
  };
}

/** Reduced-scope activations must name a scope the service lists as an eligible child. */
async function checkChildScopes(ctx: CoreContext, items: PlannedActivation[], signal?: AbortSignal): Promise<void> {
  const needs = items.filter(
    (i) =>
      i.role.target.kind === "azureRole" &&
      i.activationScope !== null &&
      i.activationScope.toLowerCase() !== normalizeScope(i.role.target.scope).toLowerCase() &&
      i.problems.every((p) => p.code !== "invalid_scope"),
  );
  if (needs.length === 0) return;
  const session = new AuthSession(ctx.tokens);
  const byParent = new Map<string, Promise<Set<string> | PimError>>();
  const childrenOf = (parent: string) => {
    let p = byParent.get(parent.toLowerCase());
    if (!p) {
      p = listArm<ArmEligibleChildResource>(
        ctx,
        session,
        `${parent}/providers/Microsoft.Authorization/eligibleChildResources?api-version=2020-10-01`,
        signal,
      )
        .then((list) => new Set(list.map((c) => normalizeScope(c.id).toLowerCase())))
        .catch((e: unknown) => (isPimError(e) ? e : new PimError("upstream_error", "Listing child scopes failed.")));
      byParent.set(parent.toLowerCase(), p);
    }
    return p;
  };
  await Promise.all(
    needs.map(async (i) => {
      const child = i.activationScope ?? "";
      const eligibleAt = i.role.target.kind === "azureRole" ? i.role.target.scope : "";
      const up = parentScope(child);
      const listed = await childrenOf(up && isWithinScope(up, eligibleAt) ? up : eligibleAt);
      if (listed instanceof PimError) {
        i.problems.push({ code: listed.code, message: `Could not check ${child}: ${listed.message}` });
      } else if (!listed.has(child.toLowerCase())) {
        i.problems.push(err("scope_not_eligible", `${child} is not a scope ${i.role.name} can be activated at.`));
      }
    }),
  );
}
