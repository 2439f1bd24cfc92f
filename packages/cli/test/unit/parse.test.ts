import { describe, expect, it } from "vitest";
import { commands } from "../../src/commands/index";
import { defineCommand } from "../../src/framework/command";
import { UsageError } from "../../src/framework/errors";
import { checkArgs, parseLine, resolveCommand } from "../../src/framework/parse";

const probe = defineCommand({
  path: ["role", "activate"],
  summary: "probe",
  args: [{ name: "role", variadic: true, description: "" }],
  flags: {
    duration: { type: "string", description: "" },
    wait: { type: "boolean", description: "" },
    kind: { type: "string", multiple: true, choices: ["entra", "azure"], description: "" },
  },
  examples: [],
  run: async () => ({}),
});

describe("command resolution", () => {
  it("finds the longest command path, with global flags before it", () => {
    const r = resolveCommand(["-o", "json", "role", "activate", "Global Reader"], commands);
    expect(r.kind === "command" && r.command.path.join(" ")).toBe("role activate");
    const h = resolveCommand(["history", "--since", "1h"], commands);
    expect(h.kind === "command" && h.command.path.join(" ")).toBe("history");
    expect(resolveCommand(["role"], commands)).toEqual({ kind: "group", path: ["role"], unknown: undefined });
    expect(resolveCommand(["nope"], commands)).toEqual({ kind: "unknown", word: "nope" });
    expect(resolveCommand(["--json"], commands)).toEqual({ kind: "root" });
  });

  it("every command path is unique and every command has examples", () => {
    const paths = commands.map((c) => c.path.join(" "));
    expect(new Set(paths).size).toBe(paths.length);
    for (const c of commands) expect(c.examples.length, c.path.join(" ")).toBeGreaterThan(0);
  });
});

describe("flag parsing", () => {
  it("long, =value, short, attached short, repeated, negated, --", () => {
    const p = parseLine(
      [
        "role",
        "activate",
        "A",
        "--duration=2h",
        "-ojson",
        "--kind",
        "entra",
        "--kind",
        "azure",
        "--no-wait",
        "--",
        "--not-a-flag",
      ],
      probe,
    );
    expect(p.args).toEqual(["A", "--not-a-flag"]);
    expect(p.flags).toEqual({ duration: "2h", kind: ["entra", "azure"], wait: false });
    expect(p.globals.output).toBe("json");
  });

  it("refuses unknown flags, missing values and bad choices as usage errors", () => {
    expect(() => parseLine(["role", "activate", "--durashun", "1h"], probe)).toThrow(UsageError);
    expect(() => parseLine(["role", "activate", "--duration"], probe)).toThrow(/needs a value/);
    expect(() => parseLine(["role", "activate", "--kind", "mars"], probe)).toThrow(/must be one of/);
    expect(() => parseLine(["role", "activate", "-o", "xml"], probe)).toThrow(/must be one of/);
    expect(() => parseLine(["role", "activate", "--wait=maybe"], probe)).toThrow(/takes no value/);
    try {
      parseLine(["role", "activate", "--durashun", "1h"], probe);
    } catch (e) {
      expect((e as UsageError).details[0]).toBe("Did you mean --duration?");
      expect((e as UsageError).exitCode).toBe(2);
    }
  });

  it("checks positional arguments", () => {
    const show = commands.find((c) => c.path.join(" ") === "role show");
    if (!show) throw new Error("no role show");
    expect(() => checkArgs(show, [])).toThrow(/Missing argument <role>/);
    expect(() => checkArgs(show, ["a", "b"])).toThrow(/Unexpected argument "b"/);
    expect(() => checkArgs(show, ["a"])).not.toThrow();
  });
});
