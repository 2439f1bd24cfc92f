import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/commands/index";
import { renderReference } from "../../src/reference";

const docPath = resolve(import.meta.dirname, "../../../../docs/cli.md");

describe("docs/cli.md", () => {
  it("is the reference generated from the registry (PIMKIT_UPDATE_DOCS=1 rewrites it)", () => {
    const generated = renderReference(commands);
    if (process.env.PIMKIT_UPDATE_DOCS === "1") writeFileSync(docPath, generated);
    expect(readFileSync(docPath, "utf8")).toBe(generated);
    for (const c of commands) expect(generated).toContain(`### pimkit ${c.path.join(" ")}`);
  });
});
