// The administration screen's shapes, read from the generated schema.d.ts (never written by hand twice).
import type { components } from '../../api/schema'

type S = components['schemas']
export type Org = S['OrgOut']
export type Level = S['Level']
export type RoleHolder = S['RoleHolderOut']
export type Person = S['PersonOut']
export type Category = S['CategoryOut']
export type KeyListed = S['KeyListed']
export type KeyIssued = S['KeyOut']
export type StaffRole = S['StaffRole']
