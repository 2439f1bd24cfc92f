#!/usr/bin/env node
// `npm test` needs two programs from the OS: Chromium (portal journeys, MSAL Browser conformance) and
// gnome-keyring with D-Bus (the OS secret store test). On Debian as root they are installed when missing;
// elsewhere this says what to install and stops, rather than letting tests skip silently.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const needs = [
  { program: "/usr/bin/chromium", pkg: "chromium" },
  { program: "/usr/bin/gnome-keyring-daemon", pkg: "gnome-keyring" },
  { program: "/usr/bin/dbus-run-session", pkg: "dbus" },
];
const missing = needs.filter((n) => !existsSync(n.program)).map((n) => n.pkg);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasApt = existsSync("/usr/bin/apt-get");
if (!isRoot || !hasApt) {
  console.error(`npm test needs: ${missing.join(", ")} (Debian/Ubuntu: sudo apt-get install -y ${missing.join(" ")})`);
  process.exit(1);
}
console.error(`installing ${missing.join(", ")} with apt-get (needed by the browser and secret-store tests)`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
for (const args of [
  ["update", "-qq"],
  ["install", "-y", "-qq", ...missing],
]) {
  const r = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
  if (r.status !== 0) {
    console.error(`apt-get ${args[0]} failed (exit ${r.status}); install ${missing.join(" ")} and run npm test again`);
    process.exit(1);
  }
}
