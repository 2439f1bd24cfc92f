import { useEffect } from "react";
import { useStore } from "../../lib/store";
import { useServices } from "../../services/app-services";
import type { Toast } from "../../state/portal-state";

/** Toasts in a polite live region; errors stay until dismissed, the rest fade after a while. */
export function ToastRegion() {
  const { store } = useServices();
  const toasts = useStore(store, (s) => s.toasts);
  return (
    <section className="toasts" aria-label="Notifications">
      <div role="status" aria-live="polite" aria-relevant="additions">
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} />
        ))}
      </div>
    </section>
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  const { pim } = useServices();
  useEffect(() => {
    if (toast.tone === "error") return;
    const t = setTimeout(() => pim.dismissToast(toast.id), 8000);
    return () => clearTimeout(t);
  }, [pim, toast]);
  return (
    <div className={`toast toast-${toast.tone}`} data-tone={toast.tone}>
      <span>{toast.text}</span>
      <button
        type="button"
        className="icon-button"
        aria-label="Dismiss notification"
        onClick={() => pim.dismissToast(toast.id)}
      >
        ×
      </button>
    </div>
  );
}
