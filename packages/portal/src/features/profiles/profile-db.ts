import { type Profile, parseProfile } from "./profile-format";

/**
 * Profiles in IndexedDB (per browser profile and origin). A record that does not parse is skipped
 * and counted, never deleted: the user may want it back with another version.
 */
const dbName = "pimkit-portal";
const dbVersion = 1;
const storeName = "profiles";

export interface ProfileRepository {
  list(): Promise<{ profiles: Profile[]; unreadable: number }>;
  put(profile: Profile): Promise<void>;
  putMany(profiles: readonly Profile[]): Promise<void>;
  remove(id: string): Promise<void>;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error("IndexedDB request failed"));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
  });
}

function open(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = factory.open(dbName, dbVersion);
    r.onupgradeneeded = () => {
      const db = r.result;
      if (!db.objectStoreNames.contains(storeName)) db.createObjectStore(storeName, { keyPath: "id" });
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error("IndexedDB could not be opened"));
    r.onblocked = () => reject(new Error("IndexedDB is blocked by another tab of the portal"));
  });
}

export function createProfileRepository(factory: IDBFactory = indexedDB): ProfileRepository {
  let db: Promise<IDBDatabase> | undefined;
  const getDb = () => {
    db ??= open(factory).catch((e: unknown) => {
      db = undefined;
      throw e;
    });
    return db;
  };
  const write = async (fn: (store: IDBObjectStore) => void) => {
    const d = await getDb();
    const tx = d.transaction(storeName, "readwrite");
    fn(tx.objectStore(storeName));
    await done(tx);
  };
  return {
    async list() {
      const d = await getDb();
      const tx = d.transaction(storeName, "readonly");
      const all = await request(tx.objectStore(storeName).getAll());
      const profiles: Profile[] = [];
      let unreadable = 0;
      for (const [i, raw] of all.entries()) {
        try {
          profiles.push(parseProfile(raw, `stored[${i}]`));
        } catch {
          unreadable++;
        }
      }
      profiles.sort((a, b) => a.name.localeCompare(b.name));
      return { profiles, unreadable };
    },
    put: (profile) => write((s) => s.put(profile)),
    putMany: (profiles) =>
      write((s) => {
        for (const p of profiles) s.put(p);
      }),
    remove: (id) => write((s) => s.delete(id)),
  };
}
