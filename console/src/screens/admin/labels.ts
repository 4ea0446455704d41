// How people and catalog entries are named on the administration screen.
import { t } from './text'
import type { Category, Org, Person } from './types'

/** "李红梅（金阳社区，*******1002）": the member name first, then what tells two people of that name apart. */
export function personLabel(p: Person): string {
  const name = p.real_name || p.nickname
  const details = [p.real_name && p.real_name !== p.nickname ? p.nickname : null, p.community_name, p.phone_masked]
  const shown = details.filter((d): d is string => Boolean(d))
  return shown.length ? `${name}（${shown.join('，')}）` : name
}

/**
 * An entry of the catalog as seen at `org`: its own layer (editable where the API says the caller may), or inherited
 * from an org above, read-only here and named by its owner.
 */
export function catalogRow(c: Category, org: Org, orgs: Org[]): { own: boolean; editable: boolean; owner: string } {
  const own = c.org_id === org.id
  const owner = orgs.find((o) => o.id === c.org_id)?.name ?? `#${c.org_id}`
  return { own, editable: own && Boolean(c.can_edit), owner }
}

/** What is wrong with a new entry's code (null when editing: the code stays) or name, in Chinese; '' when nothing. */
export function formProblem(code: string | null, name: string): string {
  if (code !== null && !/^[a-z0-9_-]{1,40}$/.test(code)) return `编码：${t.catalog.codeHint}`
  if (!name) return '请填写服务名称'
  return ''
}
