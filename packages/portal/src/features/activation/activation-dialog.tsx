import type { PimRole, RoleScope } from "@pimkit/core";
import { type ReactNode, useEffect, useId, useMemo, useState } from "react";
import { formatDateTime, humanDuration, isoToLocalInput, localInputToIso } from "../../lib/format";
import { useStore } from "../../lib/store";
import { useServices } from "../../services/app-services";
import { type FormDefaults, rolesByIds } from "../../state/portal-state";
import { Dialog } from "../../ui/dialog";
import { KindBadge, roleLabel } from "../../ui/role-labels";
import {
  type ActivationFormValues,
  effectiveDurations,
  emptyFormValues,
  type FormErrors,
  formNeeds,
  hasErrors,
  initialTicketMode,
  justificationMaxLength,
  requestedDuration,
  type TicketErrors,
  toActivationGroups,
  validateForm,
  visiblePresets,
} from "./activation-model";

/** The form for the selected batch: each field once, tickets per role only when they differ. */
export function ActivationDialog() {
  const { store, pim, settings } = useServices();
  const selectedIds = useStore(store, (s) => s.selectedEligible);
  const defaults = useStore(store, (s) => s.formDefaults);
  const busy = useStore(store, (s) => s.busy);
  const roles = useStore(store, (s) => rolesByIds(s, selectedIds));
  const prefs = useStore(settings.store, (s) => s);
  const [now, setNow] = useState(() => Date.now());
  const needs = useMemo(() => formNeeds(roles), [roles]);
  const [values, setValues] = useState<ActivationFormValues>(() => initialValues(roles, defaults, prefs));

  // Validation compares with the clock (scheduled start): keep it current while the form is open.
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);

  const close = () => store.set((s) => ({ ...s, activationOpen: false, formDefaults: null }));
  const errors = validateForm(roles, values, now);
  const valid = !hasErrors(errors) && roles.length > 0;
  const presets = visiblePresets(roles);
  const requested = requestedDuration(values);
  const startIso = values.startMode === "scheduled" ? (localInputToIso(values.start) ?? null) : null;
  const effective = effectiveDurations(roles, typeof requested === "string" ? requested : null, startIso, now);
  const set = (change: Partial<ActivationFormValues>) => setValues((v) => ({ ...v, ...change }));

  const submit = () => {
    if (!valid || busy) return;
    const tickets: Partial<Record<PimRole["kind"], string>> = {};
    for (const r of needs.ticketRoles) {
      const sys = values.ticketMode === "shared" ? values.ticket.system : values.tickets[r.id]?.system;
      if (sys?.trim()) tickets[r.kind] = sys.trim();
    }
    if (Object.keys(tickets).length > 0) settings.update({ ticketSystems: { ...prefs.ticketSystems, ...tickets } });
    store.set((s) => ({ ...s, activationOpen: false, formDefaults: null, view: "activity" }));
    void pim.activate({ batches: toActivationGroups(roles, values), wait: values.waitUntilEffective });
  };

  return (
    <Dialog
      title={`Activate ${roles.length} role${roles.length === 1 ? "" : "s"}`}
      onClose={close}
      className="activation-dialog"
    >
      <form
        className="activation-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <section aria-labelledby="batch-title" className="batch">
          <h3 id="batch-title">Roles in this request</h3>
          <ul className="batch-list">
            {roles.map((r) => {
              const eff = effective.find((x) => x.roleId === r.id);
              return (
                <li key={r.id} data-role-id={r.id}>
                  <span className="batch-name">
                    {roleLabel(r)} <KindBadge kind={r.kind} />
                  </span>
                  <span className="batch-duration" data-capped={eff?.capped ? "true" : "false"}>
                    {eff ? humanDuration(eff.duration) : "—"}
                    {eff?.capped ? (
                      <span className="note">
                        {eff.reason === "max"
                          ? ` (capped to the role's maximum)`
                          : ` (capped: the eligibility ends ${formatDateTime(r.eligibility?.end)})`}
                      </span>
                    ) : null}
                    {r.requirements.approval ? <span className="note"> · needs approval</span> : null}
                  </span>
                </li>
              );
            })}
          </ul>
        </section>

        <fieldset className="field-group">
          <legend>Duration</legend>
          <div className="segmented" role="radiogroup" aria-label="Duration">
            <RadioChip
              name="duration"
              checked={values.durationMode === "max"}
              onChange={() => set({ durationMode: "max" })}
            >
              Role maximum
            </RadioChip>
            {presets.map((p) => (
              <RadioChip
                key={p}
                name="duration"
                checked={values.durationMode === "preset" && values.preset === p}
                onChange={() => set({ durationMode: "preset", preset: p })}
              >
                {humanDuration(p)}
              </RadioChip>
            ))}
            <RadioChip
              name="duration"
              checked={values.durationMode === "custom"}
              onChange={() => set({ durationMode: "custom" })}
            >
              Custom
            </RadioChip>
          </div>
          {values.durationMode === "custom" ? (
            <TextField
              label="Custom duration"
              hint="e.g. 90m, 1h30m, PT2H"
              value={values.customDuration}
              error={errors.duration}
              onChange={(v) => set({ customDuration: v })}
            />
          ) : null}
          <p className="hint">Each role gets at most its policy's maximum; the list above shows what each will get.</p>
        </fieldset>

        <fieldset className="field-group">
          <legend>Start</legend>
          <div className="segmented" role="radiogroup" aria-label="Start">
            <RadioChip name="start" checked={values.startMode === "now"} onChange={() => set({ startMode: "now" })}>
              Now
            </RadioChip>
            <RadioChip
              name="start"
              checked={values.startMode === "scheduled"}
              onChange={() =>
                set({
                  startMode: "scheduled",
                  start:
                    values.start ||
                    isoToLocalInput(new Date(Math.ceil((Date.now() + 20 * 60_000) / 900_000) * 900_000).toISOString()),
                })
              }
            >
              Later
            </RadioChip>
          </div>
          {values.startMode === "scheduled" ? (
            <TextField
              label="Start at (your local time)"
              type="datetime-local"
              value={values.start}
              error={errors.start}
              onChange={(v) => set({ start: v })}
            />
          ) : null}
        </fieldset>

        <TextArea
          label={needs.justification ? "Justification (required)" : "Justification (optional)"}
          value={values.justification}
          required={needs.justification}
          error={errors.justification}
          maxLength={justificationMaxLength}
          onChange={(v) => set({ justification: v })}
        />

        {needs.ticketRoles.length > 0 ? (
          <fieldset className="field-group">
            <legend>
              Ticket (required by {needs.ticketRoles.length === 1 ? "1 role" : `${needs.ticketRoles.length} roles`})
            </legend>
            {needs.ticketRoles.length > 1 ? (
              <label className="check">
                <input
                  type="checkbox"
                  checked={values.ticketMode === "per-role"}
                  onChange={(e) => set({ ticketMode: e.target.checked ? "per-role" : "shared" })}
                />
                <span>A different ticket for each role</span>
              </label>
            ) : null}
            {values.ticketMode === "shared" ? (
              <TicketFields
                idPrefix="ticket"
                value={values.ticket}
                errors={errors.ticket}
                onChange={(t) => set({ ticket: t })}
              />
            ) : (
              needs.ticketRoles.map((r) => (
                <div key={r.id} className="per-role" data-role-id={r.id}>
                  <p className="per-role-name">{roleLabel(r)}</p>
                  <TicketFields
                    idPrefix={`ticket-${r.id}`}
                    value={values.tickets[r.id] ?? { system: "", number: "" }}
                    errors={errors.tickets?.[r.id]}
                    onChange={(t) => set({ tickets: { ...values.tickets, [r.id]: t } })}
                  />
                </div>
              ))
            )}
          </fieldset>
        ) : null}

        {needs.azureRoles.length > 0 ? (
          <fieldset className="field-group">
            <legend>Azure scope</legend>
            <p className="hint">Activate at the eligible scope, or narrow it to a child resource group or resource.</p>
            {needs.azureRoles.map((r) => (
              <ScopePicker
                key={r.id}
                role={r}
                value={values.childScopes[r.id] ?? ""}
                onChange={(v) => set({ childScopes: { ...values.childScopes, [r.id]: v } })}
              />
            ))}
          </fieldset>
        ) : null}

        <label className="check">
          <input
            type="checkbox"
            checked={values.waitUntilEffective}
            onChange={(e) => set({ waitUntilEffective: e.target.checked })}
          />
          <span>Wait until the activations are effective</span>
        </label>

        {needs.authContexts.length > 0 ? (
          <div className="callout" role="note" data-step-up={needs.authContexts.map((c) => c.id).join(" ")}>
            <strong>Additional sign-in.</strong> These roles need authentication context
            {needs.authContexts.length === 1 ? " " : "s "}
            {needs.authContexts.map((c, i) => (
              <span key={c.id}>
                {i > 0 ? ", " : ""}
                <code>{c.id}</code>
                {c.name ? ` (${c.name})` : ""}
              </span>
            ))}
            . You will be asked to sign in once for all of them; the request resumes by itself.
          </div>
        ) : null}
        {needs.unknownPolicyRoles.length > 0 ? (
          <div className="callout warn" role="note">
            The policy of {needs.unknownPolicyRoles.map((r) => r.name).join(", ")} could not be read; the service will
            check it.
          </div>
        ) : null}

        <div className="dialog-actions">
          {!valid ? (
            <p className="form-status" role="status">
              {missingSummary(errors)}
            </p>
          ) : null}
          <button type="button" className="secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!valid || busy !== null}>
            Activate
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function initialValues(
  roles: PimRole[],
  defaults: FormDefaults | null,
  prefs: {
    defaultDuration: string;
    waitUntilEffective: boolean;
    ticketSystems: Partial<Record<PimRole["kind"], string>>;
  },
): ActivationFormValues {
  const v = emptyFormValues();
  const duration = defaults?.duration ?? prefs.defaultDuration;
  if (duration) {
    const preset = visiblePresets(roles).find((p) => p === duration);
    if (preset) {
      v.durationMode = "preset";
      v.preset = preset;
    } else {
      v.durationMode = "custom";
      v.customDuration = duration;
    }
  }
  v.waitUntilEffective = prefs.waitUntilEffective;
  if (defaults?.justification) v.justification = defaults.justification;
  const needs = formNeeds(roles);
  const systemFor = (r: PimRole) => defaults?.ticketSystems?.[r.id] ?? prefs.ticketSystems[r.kind];
  v.ticketMode = initialTicketMode(needs.ticketRoles, systemFor);
  const shared = defaults?.ticketSystem ?? needs.ticketRoles.map(systemFor).find((s) => !!s) ?? "";
  v.ticket = { system: shared, number: defaults?.ticketNumber ?? "" };
  for (const r of needs.ticketRoles) v.tickets[r.id] = { system: systemFor(r) ?? "", number: "" };
  if (defaults?.childScopes) {
    for (const r of needs.azureRoles) {
      const c = defaults.childScopes[r.id];
      if (c) v.childScopes[r.id] = c;
    }
  }
  return v;
}

function missingSummary(errors: FormErrors): string {
  const parts: string[] = [];
  if (errors.duration) parts.push("a valid duration");
  if (errors.start) parts.push("a valid start");
  if (errors.justification) parts.push("the justification");
  if (errors.ticket || errors.tickets) parts.push("the ticket");
  return parts.length ? `To activate, fill in ${parts.join(", ")}.` : "Select at least one role.";
}

function RadioChip({
  name,
  checked,
  onChange,
  children,
}: {
  name: string;
  checked: boolean;
  onChange: () => void;
  children: ReactNode;
}) {
  return (
    <label className={checked ? "chip checked" : "chip"}>
      <input type="radio" name={name} checked={checked} onChange={onChange} />
      <span>{children}</span>
    </label>
  );
}

function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  type = "text",
  required,
  autoComplete,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: string;
  type?: string;
  required?: boolean;
  autoComplete?: string;
}) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={error ? "field invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        required={required}
        autoComplete={autoComplete ?? "off"}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint ? (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

function TextArea({
  label,
  value,
  onChange,
  error,
  required,
  maxLength,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  required: boolean;
  maxLength: number;
}) {
  const id = useId();
  return (
    <div className={error ? "field invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={3}
        value={value}
        required={required}
        maxLength={maxLength + 50}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error ? (
        <span id={`${id}-error`} className="error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

function TicketFields({
  idPrefix,
  value,
  errors,
  onChange,
}: {
  idPrefix: string;
  value: { system: string; number: string };
  errors: TicketErrors | undefined;
  onChange: (t: { system: string; number: string }) => void;
}) {
  return (
    <div className="ticket-fields" data-ticket={idPrefix}>
      <TextField
        label="Ticket system"
        value={value.system}
        required
        error={errors?.system}
        onChange={(system) => onChange({ ...value, system })}
      />
      <TextField
        label="Ticket number"
        value={value.number}
        required
        error={errors?.number}
        onChange={(number) => onChange({ ...value, number })}
      />
    </div>
  );
}

/**
 * Child scope for an Azure role: the scopes the service lists as eligible children, or a typed
 * ARM scope path (the planner checks it against the same list before anything is sent).
 */
function ScopePicker({ role, value, onChange }: { role: PimRole; value: string; onChange: (v: string) => void }) {
  const { pim } = useServices();
  const id = useId();
  const [children, setChildren] = useState<RoleScope[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    pim
      .listChildScopes(role, { abortSignal: abort.signal })
      .then((list) => {
        if (!abort.signal.aborted) setChildren(list);
      })
      .catch((e: unknown) => {
        if (!abort.signal.aborted) setFailed(e instanceof Error ? e.message : "Child scopes could not be listed.");
      });
    return () => abort.abort();
  }, [pim, role]);
  const label = `Scope for ${roleLabel(role)}`;
  if (failed === null) {
    // A scope kept from a profile that is no longer listed stays visible (the planner verifies it).
    const unlisted =
      value !== "" && children !== null && !children.some((c) => c.id.toLowerCase() === value.toLowerCase());
    return (
      <div className="field" data-scope-picker="list">
        <label htmlFor={id}>{label}</label>
        <select
          id={id}
          value={value}
          disabled={children === null}
          aria-busy={children === null}
          aria-describedby={`${id}-hint`}
          onChange={(e) => onChange(e.target.value)}
        >
          <option value="">{`${role.scope.displayName} (whole eligible scope)`}</option>
          {unlisted ? <option value={value}>{value}</option> : null}
          {(children ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {`${c.displayName} (${scopeTypeLabel(c.type)})`}
            </option>
          ))}
        </select>
        <p className="hint" id={`${id}-hint`}>
          {children === null
            ? "Reading the scopes it can be activated at…"
            : children.length === 0
              ? "No narrower scope is available for this role."
              : `${children.length} narrower scope${children.length === 1 ? "" : "s"} available.`}
        </p>
      </div>
    );
  }
  return (
    <TextField
      label={label}
      hint={`Child scopes could not be listed (${failed}). Leave empty for ${role.scope.displayName}, or enter a child scope path (/subscriptions/…/resourceGroups/…).`}
      value={value}
      onChange={onChange}
    />
  );
}

function scopeTypeLabel(type: RoleScope["type"]): string {
  if (type === "resourceGroup") return "resource group";
  if (type === "managementGroup") return "management group";
  return type;
}
