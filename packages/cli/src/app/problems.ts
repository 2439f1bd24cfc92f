import type { PlaneProblem } from "@pimkit/core";
import { signInHint } from "../auth/session";
import type { CommandContext, FlagSpecs } from "../framework/command";
import { SignInRequiredError } from "../framework/errors";
import type { ClientHandle } from "./runtime";
import { warn } from "./state";

const planeName: Record<string, string> = { entraRole: "Entra roles", group: "groups", azureRole: "Azure roles" };

/** Planes that could not be read are warnings; returns true when no plane's eligible roles could be read. */
export function reportProblems(
  ctx: CommandContext<FlagSpecs>,
  problems: readonly PlaneProblem[],
  planes: number,
): boolean {
  for (const p of problems) {
    const where = p.kind ? planeName[p.kind] : "the tenant";
    warn(ctx.io, `could not read ${p.area} of ${where}: ${p.code}: ${p.message}`);
  }
  const eligibleFailures = new Set(problems.filter((p) => p.area === "eligible").map((p) => p.kind));
  return eligibleFailures.size >= planes;
}

/** A token was needed and no sign-in was possible here: exit 4, saying what to run. */
export function signInCheck(h: ClientHandle): void {
  if (h.auth.credential.signInWasNeeded) {
    throw new SignInRequiredError("A sign-in is needed to finish, and none can be started here.", [signInHint]);
  }
}
