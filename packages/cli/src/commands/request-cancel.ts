import { recordHistory } from "../app/history";
import { loadRuntime, openClient } from "../app/runtime";
import { defineCommand } from "../framework/command";
import { UsageError } from "../framework/errors";
import { exitCodes } from "../framework/exit-codes";

export const requestCancel = defineCommand({
  path: ["request", "cancel"],
  summary: "Cancel a pending request",
  description: "Cancel one of your requests that is still pending (awaiting approval, or scheduled to start later).",
  args: [{ name: "id", required: true, description: "Request id (from `pimkit request list`)." }],
  flags: {},
  examples: [{ command: "pimkit request cancel 3f2a9c1e-…", description: "Cancel a pending activation" }],
  async run(ctx) {
    const rt = await loadRuntime(ctx);
    const h = await openClient(ctx, rt);
    try {
      const id = ctx.args[0] ?? "";
      const listing = await h.client.listRequests({ abortSignal: ctx.io.signal });
      const request = listing.requests.find((r) => r.requestId.toLowerCase() === id.toLowerCase());
      if (!request && listing.problems.length === 0) {
        throw new UsageError(
          `No request of yours has the id "${id}".`,
          ["Run `pimkit request list --pending` for ids."],
          "unknown_request",
        );
      }
      const result = await h.client.cancelRequest(request ?? id, { abortSignal: ctx.io.signal });
      const exitCode =
        result.outcome === "canceled"
          ? exitCodes.ok
          : h.auth.credential.signInWasNeeded
            ? exitCodes.signInRequired
            : exitCodes.failed;
      await recordHistory(ctx, rt, {
        command: "request cancel",
        exitCode,
        tenantId: h.tenantId,
        items: [
          {
            id: request?.roleId ?? "",
            name: request?.name ?? "",
            kind: result.kind,
            outcome: result.outcome,
            requestId: result.requestId,
            errorCode: result.error?.code ?? null,
          },
        ],
      });
      if (result.error) ctx.io.stderr.write(`pimkit: ${result.error.code}: ${result.error.message}\n`);
      return {
        data: result,
        table: () => `${result.requestId}  ${result.outcome}\n`,
        exitCode,
      };
    } finally {
      await h.finish();
    }
  },
});
