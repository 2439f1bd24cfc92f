import { formatDuration } from "@pimkit/core";

/** Urgency of an activation by time left: colour is never the only signal (the label says it too). */
export type Urgency = "none" | "ok" | "soon" | "critical" | "expired";

export const urgencyThresholds = { soonMs: 30 * 60_000, criticalMs: 5 * 60_000 } as const;

export function urgencyOf(endIso: string | null, now: number): Urgency {
  if (!endIso) return "none";
  const end = Date.parse(endIso);
  if (Number.isNaN(end)) return "none";
  const left = end - now;
  if (left <= 0) return "expired";
  if (left <= urgencyThresholds.criticalMs) return "critical";
  if (left <= urgencyThresholds.soonMs) return "soon";
  return "ok";
}

/** `2h 05m 09s`, `4m 10s`, `12s`: a countdown that reads well and keeps its width stable. */
export function formatCountdown(ms: number): string {
  if (ms <= 0) return "0s";
  const total = Math.floor(ms / 1000);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (d > 0) return `${d}d ${h}h ${pad(m)}m`;
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

/** A duration for people: `1h`, `30m`, `1d` (the ISO value when it cannot be read). */
export function humanDuration(iso: string | null | undefined): string {
  if (!iso) return "—";
  return formatDuration(iso);
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTimeFormat.format(new Date(t));
}

/** `datetime-local` input value (local wall time, minutes) → ISO-8601 UTC; undefined when invalid. */
export function localInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/.test(value)) return undefined;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** ISO-8601 → `datetime-local` input value in local time. */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const kindLabels = { entraRole: "Entra role", group: "Group", azureRole: "Azure role" } as const;
