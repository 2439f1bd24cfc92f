import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../lib/storage";
import {
  type PendingOperation,
  parsePendingOperation,
  peekPendingOperation,
  pendingOperationMaxAgeMs,
  savePendingOperation,
  takePendingOperation,
} from "./pending-operation";

const op: PendingOperation = {
  v: 1,
  id: "op-1",
  kind: "activate",
  tenantId: "t1",
  batches: [
    {
      targets: ["entra-a", "entra-b"],
      input: {
        duration: "PT2H",
        justification: "incident",
        start: "2030-01-01T09:00:00.000Z",
        ticket: { system: "SN", number: "42" },
        childScope: { "azure-x": "/subscriptions/s/resourceGroups/rg" },
      },
    },
  ],
  wait: true,
  settled: { "entra-a": "activated" },
  createdAt: "2026-03-01T10:00:00.000Z",
};

describe("pending operation", () => {
  it("keeps every input across a reload, the scheduled start included", () => {
    const s = createMemoryStorage();
    savePendingOperation(s, op);
    expect(peekPendingOperation(s)).toEqual(op);
  });

  it("is taken exactly once", () => {
    const s = createMemoryStorage();
    savePendingOperation(s, op);
    const now = Date.parse(op.createdAt) + 5_000;
    expect(takePendingOperation(s, now)).toEqual({ op, stale: false });
    expect(takePendingOperation(s, now)).toBeUndefined();
  });

  it("is stale after a while, and when its date is in the future", () => {
    const s = createMemoryStorage();
    savePendingOperation(s, op);
    expect(takePendingOperation(s, Date.parse(op.createdAt) + pendingOperationMaxAgeMs + 1)?.stale).toBe(true);
    savePendingOperation(s, op);
    expect(takePendingOperation(s, Date.parse(op.createdAt) - 60_000)?.stale).toBe(true);
  });

  it("reads a corrupt or foreign value as nothing (and removes it)", () => {
    const s = createMemoryStorage();
    s.setItem("pimkit.pendingOperation", "{not json");
    expect(takePendingOperation(s)).toBeUndefined();
    expect(s.getItem("pimkit.pendingOperation")).toBeNull();
    expect(parsePendingOperation({ ...op, v: 2 })).toBeUndefined();
    expect(parsePendingOperation({ ...op, kind: "delete-everything" })).toBeUndefined();
    expect(parsePendingOperation({ ...op, settled: { x: "exploded" } })?.settled).toEqual({});
  });
});
