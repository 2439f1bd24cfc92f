import { defineCommand } from "../framework/command";
import { activateRoles } from "../roles/activate";

export const roleActivateFlags = {
  "all-eligible": { type: "boolean", description: "Activate every role you are eligible for." },
  profile: {
    type: "string",
    valueName: "PROFILE",
    description: "Activate the roles of a saved profile (its defaults apply unless overridden).",
  },
  duration: {
    type: "string",
    valueName: "DURATION",
    description: "How long: 2h, 90m, 1h30m, PT2H, P1D (capped to each role's maximum; the maximum when absent).",
  },
  justification: { type: "string", valueName: "TEXT", description: "Reason for the activation." },
  "ticket-system": { type: "string", valueName: "SYSTEM", description: "Ticket system name (with --ticket-number)." },
  "ticket-number": { type: "string", valueName: "NUMBER", description: "Ticket number (with --ticket-system)." },
  start: {
    type: "string",
    valueName: "ISO-8601",
    description: "Schedule the activation to start later (e.g. 2026-05-01T08:00:00Z).",
  },
  scope: {
    type: "string",
    valueName: "CHILD-SCOPE",
    description: "Azure roles: activate at a child scope (resource group or resource) of the eligibility.",
  },
  wait: { type: "boolean", description: "Wait until each activation is in effect (or denied)." },
  timeout: { type: "string", valueName: "DURATION", description: "How long --wait waits (default 10m)." },
  "dry-run": { type: "boolean", description: "Validate only: nothing is activated." },
} as const;

export const roleActivate = defineCommand({
  path: ["role", "activate"],
  summary: "Activate one or many roles",
  description:
    "Activate one or many eligible roles in one go. Each role's policy is checked before anything is sent (justification, ticket, duration); durations are capped to each role's maximum; one sign-in covers every authentication context the roles need. On a terminal with no role named, pick roles from a list and answer only what they require.",
  args: [{ name: "role", variadic: true, description: "Role ids or names (Name@scope, group:member|owner)." }],
  flags: roleActivateFlags,
  examples: [
    {
      command: 'pimkit role activate "Global Reader" --justification "Access review" --duration 2h',
      description: "Activate an Entra role for two hours",
    },
    {
      command:
        'pimkit role activate "Contributor@Contoso Production" --justification "Deploy" --ticket-system ServiceNow --ticket-number CHG0042',
      description: "An Azure role that needs a ticket",
    },
    {
      command: "pimkit role activate --profile oncall --wait",
      description: "Activate a saved set and wait until it is in effect",
    },
    { command: "pimkit role activate", description: "Pick roles interactively (on a terminal)" },
    {
      command: 'pimkit role activate "grp-ops:owner" --dry-run -o json',
      description: "Check what would happen, as JSON",
    },
  ],
  async run(ctx) {
    return activateRoles(ctx);
  },
});
