import { type DocumentSpec, is } from "./document";
import { fileNames } from "./paths";

/** One role's part in an operation. Never tokens, never justification or ticket text. */
export interface HistoryItem {
  id: string;
  name: string;
  kind: string;
  outcome: string;
  requestId: string | null;
  errorCode: string | null;
}

export interface HistoryEntry {
  at: string;
  /** `role activate`, `role deactivate`, `request cancel`, `auth login`, … */
  command: string;
  tenantId: string | null;
  account: string | null;
  cloud: string | null;
  exitCode: number;
  dryRun: boolean;
  items: HistoryItem[];
}

export interface HistoryBody {
  entries: HistoryEntry[];
}

/** The file keeps the most recent entries only, so it never grows without bound. */
export const historyLimit = 2000;

function validItem(v: unknown): v is HistoryItem {
  return (
    is.object(v) &&
    is.string(v.id) &&
    is.string(v.name) &&
    is.string(v.kind) &&
    is.string(v.outcome) &&
    (v.requestId === null || is.string(v.requestId)) &&
    (v.errorCode === null || is.string(v.errorCode))
  );
}

function validEntry(v: unknown): v is HistoryEntry {
  return (
    is.object(v) &&
    is.string(v.at) &&
    !Number.isNaN(Date.parse(v.at)) &&
    is.string(v.command) &&
    (v.tenantId === null || is.string(v.tenantId)) &&
    (v.account === null || is.string(v.account)) &&
    (v.cloud === null || is.string(v.cloud)) &&
    typeof v.exitCode === "number" &&
    typeof v.dryRun === "boolean" &&
    is.array(v.items) &&
    v.items.every(validItem)
  );
}

export const historyDocument: DocumentSpec<HistoryBody> = {
  file: fileNames.history,
  version: 1,
  empty: () => ({ entries: [] }),
  validate(doc) {
    if (!is.array(doc.entries)) return { ok: false, problem: "entries must be an array" };
    const bad = doc.entries.findIndex((e) => !validEntry(e));
    if (bad >= 0) return { ok: false, problem: `entry ${bad} is malformed` };
    return { ok: true, value: { entries: doc.entries as HistoryEntry[] } };
  },
};
