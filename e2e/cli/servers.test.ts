import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtOrFail, pimkitBin, scratch } from "./harness";

let work: ReturnType<typeof scratch>;
beforeAll(() => {
  builtOrFail();
  work = scratch("pimkit-servers-");
});
afterAll(() => work?.cleanup());

/** Starts the built `pimkit` with a long-running command, returns its first stdout line, then stops it with Ctrl-C. */
async function firstLineThenInterrupt(args: string[], use: (line: string) => Promise<void>): Promise<number | null> {
  const child = spawn(process.execPath, [pimkitBin, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: work.dir, PIMKIT_CONFIG_DIR: join(work.dir, "config") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  const line = await new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout }).once("line", res);
    child.once("exit", (code) => rej(new Error(`exited ${code} before its first line`)));
  });
  try {
    await use(line);
  } finally {
    child.kill("SIGINT");
  }
  return exited;
}

describe("long-running commands of the built binary", () => {
  it("pimkit emulator start: the ready line, a working cloud file, exit 0 on Ctrl-C", async () => {
    const code = await firstLineThenInterrupt(["emulator", "start"], async (line) => {
      const ready = JSON.parse(line) as {
        url: string;
        tenantId: string;
        cloudFile: string;
        caCertFile: string;
        users: unknown[];
      };
      expect(Object.keys(ready)).toEqual(["url", "tenantId", "cloudFile", "caCertFile", "users"]);
      const cloud = JSON.parse(readFileSync(ready.cloudFile, "utf8")) as { authorityHost: string; tenantId: string };
      expect(cloud.authorityHost).toBe(ready.url);
      expect(cloud.tenantId).toBe(ready.tenantId);
    });
    expect(code).toBe(0);
  });

  it("pimkit portal: serves the portal on loopback, exit 0 on Ctrl-C", async () => {
    const code = await firstLineThenInterrupt(["portal"], async (url) => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    });
    expect(code).toBe(0);
  });
});
