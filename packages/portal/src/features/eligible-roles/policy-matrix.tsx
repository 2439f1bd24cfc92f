import type { ActivationRequirements } from "@pimkit/core";
import { humanDuration } from "../../lib/format";

/**
 * The per-role policy matrix: one chip per requirement, each with its own words (colour is only a
 * second signal). `data-req` names the requirement for tests and styling.
 */
export type RequirementKey =
  | "justification"
  | "ticket"
  | "mfa"
  | "authContext"
  | "approval"
  | "maxDuration"
  | "unknown"
  | "none";

export interface RequirementChip {
  key: RequirementKey;
  label: string;
  detail?: string;
}

export function requirementChips(req: ActivationRequirements): RequirementChip[] {
  if (!req.known) return [{ key: "unknown", label: "Policy unreadable", detail: "The service will check the policy" }];
  const chips: RequirementChip[] = [];
  if (req.justification) chips.push({ key: "justification", label: "Justification" });
  if (req.ticket) chips.push({ key: "ticket", label: "Ticket" });
  if (req.mfa) chips.push({ key: "mfa", label: "MFA" });
  if (req.authContext) {
    chips.push({
      key: "authContext",
      label: `Auth context ${req.authContext.id}`,
      ...(req.authContext.name ? { detail: req.authContext.name } : {}),
    });
  }
  if (req.approval) chips.push({ key: "approval", label: "Approval" });
  if (req.maxDuration) chips.push({ key: "maxDuration", label: `Up to ${humanDuration(req.maxDuration)}` });
  if (chips.length === 0 || (chips.length === 1 && chips[0]?.key === "maxDuration")) {
    chips.unshift({ key: "none", label: "No extra requirement" });
  }
  return chips;
}

export function PolicyMatrix({ requirements }: { requirements: ActivationRequirements }) {
  const chips = requirementChips(requirements);
  return (
    <ul className="req-list" aria-label="Activation requirements">
      {chips.map((c) => (
        <li key={c.key} className={`req req-${c.key}`} data-req={c.key}>
          <span className="req-label">{c.label}</span>
          {c.detail ? <span className="req-detail">{c.detail}</span> : null}
        </li>
      ))}
    </ul>
  );
}
