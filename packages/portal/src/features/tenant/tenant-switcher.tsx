import { useId, useState } from "react";
import { useServices } from "../../services/app-services";

/**
 * Switches to another tenant the user can sign in to (guest tenants): a sign-in redirect to that
 * tenant's authority, hinting the same account. The choice holds for this tab.
 */
export function TenantSwitcher() {
  const { auth } = useServices();
  const tenants = auth.tenants();
  const current = tenants.find((t) => t.id.toLowerCase() === auth.tenantId.toLowerCase())?.id ?? auth.tenantId;
  const [other, setOther] = useState("");
  const [choosingOther, setChoosingOther] = useState(false);
  const id = useId();
  const otherId = useId();
  const valid = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(?:\.[a-z0-9-]+)+)$/i.test(
    other.trim(),
  );
  return (
    <div className="tenant-switcher">
      <label htmlFor={id} className="visually-hidden">
        Tenant
      </label>
      <select
        id={id}
        value={choosingOther ? "__other" : current}
        onChange={(e) => {
          if (e.target.value === "__other") {
            setChoosingOther(true);
            return;
          }
          setChoosingOther(false);
          if (e.target.value !== current) void auth.switchTenant(e.target.value);
        }}
      >
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.displayName === t.id ? t.id : `${t.displayName}`}
          </option>
        ))}
        <option value="__other">Other tenant…</option>
      </select>
      {choosingOther ? (
        <form
          className="tenant-other"
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) void auth.switchTenant(other.trim());
          }}
        >
          <label htmlFor={otherId} className="visually-hidden">
            Tenant id or domain
          </label>
          <input
            id={otherId}
            value={other}
            placeholder="Tenant id or domain"
            onChange={(e) => setOther(e.target.value)}
          />
          <button type="submit" className="secondary" disabled={!valid}>
            Switch
          </button>
        </form>
      ) : null}
    </div>
  );
}
