import type { CommandContext, FlagSpecs } from "../framework/command";
import { type HistoryEntry, type HistoryItem, historyLimit } from "../state/history";
import type { Runtime } from "./runtime";
import { warn } from "./state";

/** Appends one operation to the local history (never tokens, never justification or ticket text). */
export async function recordHistory(
  ctx: CommandContext<FlagSpecs>,
  rt: Runtime,
  entry: { command: string; exitCode: number; items: HistoryItem[]; dryRun?: boolean; tenantId?: string | null },
): Promise<void> {
  const full: HistoryEntry = {
    at: ctx.deps.now().toISOString(),
    command: entry.command,
    tenantId: entry.tenantId ?? rt.session?.tenantId ?? null,
    account: rt.session?.username ?? null,
    cloud: rt.session?.cloud ?? null,
    exitCode: entry.exitCode,
    dryRun: entry.dryRun ?? false,
    items: entry.items,
  };
  try {
    await rt.stores.history.update((doc) => ({
      value: { entries: [...doc.entries, full].slice(-historyLimit) },
      result: undefined,
    }));
  } catch (e) {
    // The operation happened; failing to record it must not turn it into a failure.
    warn(ctx.io, `could not record history: ${(e as Error).message}`);
  }
}
