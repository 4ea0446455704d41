// The org tree as the screen draws it, built from the flat list GET /api/v1/orgs gives (each org names its parent).
import type { Level, Org } from './types'

export interface OrgNode {
  id: number
  label: string
  level: Level
  canManage: boolean
  // Where the caller's appointment is: managed, and the parent is not (the top of what they run).
  appointed: boolean
  children: OrgNode[]
}

// What a child of each level must be (app/orgs/models.py: CHILD_LEVEL); a grid has none.
export const CHILD_LEVEL: Partial<Record<Level, Level>> = { district: 'street', street: 'community', community: 'grid' }

/** Roots first, children in id order (the order they were added). An org whose parent is not in the list is a root. */
export function buildTree(orgs: Org[]): OrgNode[] {
  const nodes = new Map<number, OrgNode>()
  const sorted = [...orgs].sort((a, b) => a.id - b.id)
  for (const o of sorted) {
    const canManage = Boolean(o.can_manage)
    nodes.set(o.id, { id: o.id, label: o.name, level: o.level, canManage, appointed: canManage, children: [] })
  }
  const roots: OrgNode[] = []
  for (const o of sorted) {
    const node = nodes.get(o.id) as OrgNode
    const parent = o.parent_id === null ? undefined : nodes.get(o.parent_id)
    if (parent && parent !== node) {
      parent.children.push(node)
      node.appointed = node.canManage && !parent.canManage
    } else roots.push(node)
  }
  return roots
}

/** The chain from the root down to `id` (for the breadcrumb); empty when it is not in the list. */
export function pathTo(orgs: Org[], id: number): Org[] {
  const byId = new Map(orgs.map((o) => [o.id, o]))
  const chain: Org[] = []
  const seen = new Set<number>()
  let current = byId.get(id)
  while (current && !seen.has(current.id)) {
    seen.add(current.id)
    chain.unshift(current)
    current = current.parent_id === null ? undefined : byId.get(current.parent_id)
  }
  return chain
}

/**
 * Where the screen opens: the highest orgs the caller manages (their own appointments), and the tree opened down to
 * them. A caller who manages nothing opens at the root.
 */
export function startingPoint(orgs: Org[]): { selected: number | null; expanded: number[] } {
  const byId = new Map(orgs.map((o) => [o.id, o]))
  const tops = orgs
    .filter((o) => o.can_manage && !(o.parent_id !== null && byId.get(o.parent_id)?.can_manage))
    .sort((a, b) => a.id - b.id)
  const first = tops[0] ?? [...orgs].sort((a, b) => a.id - b.id).find((o) => o.parent_id === null)
  const expanded = new Set<number>()
  for (const top of tops.length ? tops : first ? [first] : []) {
    for (const o of pathTo(orgs, top.id)) expanded.add(o.id)
  }
  return { selected: first?.id ?? null, expanded: [...expanded] }
}

/** The levels whose catalog an org's admin edits: its own layer exists for the district, a street, a community. */
export function ownsCatalog(level: Level): boolean {
  return level !== 'grid'
}
