// The org tree as the console reads it (GET /api/v1/orgs: public to signed-in users), for names and for the orgs a
// member of staff looks over: those of their roles and everything under them.
import type { Org, User } from '../api/types'

export function namesOf(orgs: Org[]): Record<number, string> {
  return Object.fromEntries(orgs.map((o) => [o.id, o.name]))
}

/** The org and every org below it. */
export function under(orgs: Org[], root: number): Org[] {
  const out = orgs.filter((o) => o.id === root)
  for (let i = 0; i < out.length; i++) out.push(...orgs.filter((o) => o.parent_id === out[i].id))
  return out
}

/** The orgs under the caller's roles (their own first, then below, tree order), grids left out. */
export function supervised(orgs: Org[], user: User | null): Org[] {
  const roots = (user?.roles ?? []).map((r) => r.org_id)
  const out: Org[] = []
  const seen = new Set<number>()
  const walk = (id: number): void => {
    const org = orgs.find((o) => o.id === id)
    if (!org || seen.has(id) || org.level === 'grid') return
    seen.add(id)
    out.push(org)
    for (const child of orgs.filter((o) => o.parent_id === id)) walk(child.id)
  }
  roots.forEach(walk)
  return out
}
