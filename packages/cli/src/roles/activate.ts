import type { ActivationInput, ActivationResult, EffectiveProgress, PimRole } from "@pimkit/core";
import * as core from "@pimkit/core";
import { recordHistory } from "../app/history";
import { reportProblems } from "../app/problems";
import { loadRuntime, openClient } from "../app/runtime";
import { warn } from "../app/state";
import { signInHint } from "../auth/session";
import type { roleActivateFlags } from "../commands/role-activate";
import type { CommandContext, CommandResult } from "../framework/command";
import { isRealIsoDate } from "../framework/dates";
import { UsageError } from "../framework/errors";
import { type ExitCode, exitCodes } from "../framework/exit-codes";
import { isInteractive } from "../framework/io";
import { palette } from "../output/colors";
import { sanitizeText } from "../output/sanitize";
import { Prompter, requireFlag } from "../prompt/prompter";
import { activationJson, activationTable, displayName, requirementSummary } from "./present";
import { resolveRoles } from "./resolve";

type Ctx = CommandContext<typeof roleActivateFlags>;

const flagFor: Record<string, string> = {
  justification_required: "--justification",
  ticket_required: "--ticket-system and --ticket-number",
  invalid_duration: "--duration",
  duration_too_long: "--duration",
  invalid_start: "--start",
  start_in_past: "--start",
  start_outside_eligibility: "--start",
  invalid_scope: "--scope",
  scope_not_eligible: "--scope",
};

export async function activateRoles(ctx: Ctx): Promise<CommandResult> {
  const f = ctx.flags;
  // Everything that can be checked without the network is checked first (exit 2, nothing sent).
  const parseDuration = (text: string, flag: string) => {
    try {
      return core.parseDurationInput(text);
    } catch (e) {
      throw new UsageError(`${flag}: ${(e as Error).message}`, [], "invalid_duration");
    }
  };
  if (f.duration !== undefined) parseDuration(f.duration, "--duration");
  if (f.start !== undefined && !isRealIsoDate(f.start, { requireTime: true })) {
    throw new UsageError(
      `--start must be an ISO-8601 date-time such as 2026-05-01T08:00:00Z (got "${f.start}").`,
      [],
      "invalid_start",
    );
  }
  if ((f["ticket-system"] === undefined) !== (f["ticket-number"] === undefined)) {
    throw new UsageError("--ticket-system and --ticket-number go together.", [], "ticket_required");
  }
  if (f.timeout !== undefined && !f.wait) throw new UsageError("--timeout only applies with --wait.");
  const timeoutMs =
    f.timeout !== undefined ? core.durationToSeconds(parseDuration(f.timeout, "--timeout")) * 1000 : 10 * 60_000;
  if (f["all-eligible"] && (ctx.args.length > 0 || f.profile)) {
    throw new UsageError("--all-eligible cannot be combined with role names or --profile.");
  }

  const rt = await loadRuntime(ctx);
  let queries = [...ctx.args];
  let duration = f.duration;
  let justification = f.justification;
  let ticket =
    f["ticket-system"] !== undefined && f["ticket-number"] !== undefined
      ? { system: f["ticket-system"], number: f["ticket-number"] }
      : undefined;
  if (f.profile) {
    const doc = await rt.stores.profiles.read();
    const profile = doc.profiles[f.profile];
    if (!profile) {
      throw new UsageError(
        `No profile named "${f.profile}".`,
        [`Profiles: ${Object.keys(doc.profiles).join(", ") || "none"}`],
        "unknown_profile",
      );
    }
    queries = [...queries, ...profile.roles.map((r) => r.id ?? r.ref)];
    duration = duration ?? profile.duration ?? undefined;
    justification = justification ?? profile.justification ?? undefined;
    ticket = ticket ?? profile.ticket ?? undefined;
    if (duration !== undefined) parseDuration(duration, "the profile's duration");
  }
  const interactive = isInteractive(ctx.io);
  const pick = queries.length === 0 && !f["all-eligible"];
  if (pick && !interactive) {
    throw new UsageError(
      "Name at least one role, or use --all-eligible or --profile.",
      ["No prompt is shown without a terminal."],
      "missing_input",
    );
  }

  const h = await openClient(ctx, rt);
  try {
    const listing = await h.client.listRoles({ abortSignal: ctx.io.signal });
    reportProblems(ctx, listing.problems, 3);
    let roles: PimRole[];
    if (pick) {
      const eligible = listing.roles.filter(
        (r) => r.state === "eligible" || (r.eligibility !== null && r.state !== "active"),
      );
      if (eligible.length === 0) {
        ctx.io.stderr.write("pimkit: you have no eligible roles to activate.\n");
        return { data: [], exitCode: exitCodes.ok };
      }
      const prompter = new Prompter(ctx.io);
      const chosen = await prompter.multiSelect(
        "Roles to activate",
        eligible.map((r) => ({
          label: `${displayName(r)} — ${r.scope.displayName || r.scope.id}`,
          hint: `${requirementSummary(r)}${r.requirements.maxDuration ? `; max ${core.formatDuration(r.requirements.maxDuration)}` : ""}`,
        })),
      );
      roles = chosen.map((i) => eligible[i]).filter((r): r is PimRole => r !== undefined);
    } else if (f["all-eligible"]) {
      roles = listing.roles.filter((r) => r.state === "eligible");
      if (roles.length === 0) {
        ctx.io.stderr.write("pimkit: you have no eligible roles to activate.\n");
        return { data: [], exitCode: exitCodes.ok };
      }
    } else {
      roles = resolveRoles(listing.roles, queries, core.matchRoles);
    }

    // Ask, once for the whole batch, only for what the selected roles require.
    const needsJustification = roles.some((r) => r.requirements.justification === true);
    const needsTicket = roles.some((r) => r.requirements.ticket === true);
    if (needsJustification && !justification) {
      if (!interactive)
        requireFlag(
          "--justification",
          `${needing(roles, (r) => r.requirements.justification === true)} a justification`,
        );
      justification = await new Prompter(ctx.io).text("Justification:", (a) =>
        a ? undefined : "A justification is required.",
      );
    }
    if (needsTicket && !ticket) {
      if (!interactive) {
        requireFlag(
          "--ticket-system and --ticket-number",
          `${needing(roles, (r) => r.requirements.ticket === true)} a ticket`,
        );
      }
      const p = new Prompter(ctx.io);
      const system = await p.text("Ticket system:", (a) => (a ? undefined : "A ticket system is required."));
      const number = await p.text("Ticket number:", (a) => (a ? undefined : "A ticket number is required."));
      ticket = { system, number };
    }

    const input: ActivationInput = {
      ...(duration !== undefined ? { duration } : {}),
      ...(justification !== undefined ? { justification } : {}),
      ...(ticket ? { ticket } : {}),
      ...(f.start !== undefined ? { start: f.start } : {}),
      ...(f.scope !== undefined ? { childScope: f.scope } : {}),
    };
    const plan = await h.client.planActivation(roles, input, { abortSignal: ctx.io.signal });
    if (!plan.ok) {
      const details: string[] = [];
      for (const item of plan.items) {
        for (const p of item.problems) {
          const flag = flagFor[p.code];
          details.push(`${displayName(item.role)}: ${p.code}: ${p.message}${flag ? ` (${flag})` : ""}`);
        }
      }
      throw new UsageError(
        "The activation cannot be sent as asked; nothing was sent.",
        details,
        plan.items.flatMap((i) => i.problems)[0]?.code ?? "plan_invalid",
      );
    }
    for (const item of plan.items)
      for (const note of item.notes)
        ctx.io.stderr.write(`pimkit: ${sanitizeText(`${displayName(item.role)}: ${note}`)}\n`);

    const progress = ctx.io.stderr.isTTY && !f["dry-run"];
    const p = palette(ctx.io.stderr.isTTY && (ctx.io.env.NO_COLOR ?? "") === "");
    if (progress) ctx.io.stderr.write(`Activating ${plan.items.length} role${plan.items.length === 1 ? "" : "s"}…\n`);
    let results = await h.client.executeActivation(plan, {
      ...(f["dry-run"] ? { dryRun: true } : {}),
      abortSignal: ctx.io.signal,
      onResult: (r) => {
        if (!progress) return;
        const mark = r.outcome === "failed" ? p.red("✗") : r.outcome === "pending" ? p.yellow("…") : p.green("✓");
        ctx.io.stderr.write(
          `${mark} ${sanitizeText(displayName(r))}: ${r.outcome}${r.error ? ` (${r.error.code})` : ""}\n`,
        );
      },
    });

    let waited: Map<string, EffectiveProgress> | undefined;
    if (f.wait && !f["dry-run"]) {
      const toWait = results.filter((r) => r.outcome === "activated" || r.outcome === "pending");
      if (toWait.length) waited = await waitLive(ctx, h.client, toWait, timeoutMs);
      results = results.map((r) => applyWait(r, waited?.get(r.id)));
    }

    const exitCode = exitFor(results, h.auth.credential.signInWasNeeded, ctx.io.signal.aborted);
    if (exitCode === exitCodes.signInRequired)
      ctx.io.stderr.write(`pimkit: a sign-in was needed and none can be started here. ${signInHint}\n`);
    const pending = results.filter((r) => r.outcome === "pending");
    if (pending.length && exitCode === exitCodes.pendingApproval) {
      ctx.io.stderr.write(
        `pimkit: waiting for approval: ${pending.map((r) => sanitizeText(displayName(r))).join(", ")}. See \`pimkit request list --pending\`.\n`,
      );
    }
    await recordHistory(ctx, rt, {
      command: "role activate",
      exitCode,
      dryRun: f["dry-run"],
      tenantId: h.tenantId,
      items: results.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        outcome: r.outcome,
        requestId: r.requestId,
        errorCode: r.error?.code ?? null,
      })),
    });
    return {
      data: results.map((r) => ({
        ...activationJson(r),
        ...(waited ? { effective: waited.get(r.id)?.state === "effective" } : {}),
      })),
      table: (style) => activationTable(results, style, core.formatDuration),
      exitCode,
    };
  } finally {
    await h.finish();
  }
}

function needing(roles: readonly PimRole[], test: (r: PimRole) => boolean): string {
  const names = roles.filter(test).map((r) => sanitizeText(displayName(r)));
  return `${names.join(", ")} ${names.length === 1 ? "requires" : "require"}`;
}

function applyWait(r: ActivationResult, w: EffectiveProgress | undefined): ActivationResult {
  if (!w) return r;
  if (w.state === "effective") return r.outcome === "pending" ? { ...r, outcome: "activated", error: null } : r;
  if (w.state === "denied") {
    return { ...r, outcome: "failed", error: { code: "approval_denied", message: "The approver denied the request." } };
  }
  if (w.state === "failed") {
    return {
      ...r,
      outcome: "failed",
      error: r.error ?? { code: "request_failed", message: "The request failed while waiting for it to take effect." },
    };
  }
  if (w.state === "timeout" && r.outcome === "activated") {
    return {
      ...r,
      outcome: "failed",
      error: { code: "timeout", message: "The activation was accepted but was not in effect before --timeout." },
    };
  }
  return r;
}

/** 0 all good · 1 any failed · 8 none failed but some pending · 4 a sign-in was needed · 130 interrupted. */
export function exitFor(results: readonly { outcome: string }[], signInNeeded: boolean, aborted: boolean): ExitCode {
  if (aborted) return exitCodes.interrupted;
  const failed = results.some((r) => r.outcome === "failed");
  if (failed && signInNeeded) return exitCodes.signInRequired;
  if (failed) return exitCodes.failed;
  if (results.some((r) => r.outcome === "pending")) return exitCodes.pendingApproval;
  return exitCodes.ok;
}

/** `--wait`: the core polls; on a terminal each role's line is redrawn in place as its state changes. */
async function waitLive(
  ctx: Ctx,
  client: {
    waitUntilEffective: (
      r: ActivationResult[],
      o: { timeout: number; onProgress: (p: EffectiveProgress) => void; abortSignal: AbortSignal },
    ) => Promise<EffectiveProgress[]>;
  },
  results: ActivationResult[],
  timeoutMs: number,
): Promise<Map<string, EffectiveProgress>> {
  const live = ctx.io.stderr.isTTY;
  const p = palette(live && (ctx.io.env.NO_COLOR ?? "") === "");
  const states = new Map<string, EffectiveProgress>();
  const order = results.map((r) => r.id);
  const names = new Map(results.map((r) => [r.id, sanitizeText(displayName(r))]));
  let drawn = false;
  const draw = () => {
    if (!live) return;
    if (drawn) ctx.io.stderr.write(`\u001b[${order.length}A`);
    for (const id of order) {
      const s = states.get(id);
      const state = s?.state ?? "pending";
      const text =
        state === "effective"
          ? p.green("in effect")
          : state === "pending"
            ? p.yellow(`waiting (${s?.attempts ?? 0} checks)`)
            : p.red(state);
      ctx.io.stderr.write(`\u001b[2K  ${names.get(id) ?? id}: ${text}\n`);
    }
    drawn = true;
  };
  if (live) ctx.io.stderr.write("Waiting until the activations are in effect…\n");
  draw();
  const final = await client.waitUntilEffective(results, {
    timeout: timeoutMs,
    abortSignal: ctx.io.signal,
    onProgress: (progress) => {
      states.set(progress.id, progress);
      draw();
    },
  });
  for (const f of final) states.set(f.id, f);
  draw();
  for (const f of final) {
    if (f.state === "timeout") warn(ctx.io, `${names.get(f.id) ?? f.id} was not in effect before the timeout.`);
  }
  return states;
}
