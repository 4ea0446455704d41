// The figures' shapes, read from the generated schema.d.ts (nothing written by hand twice).
import type { components } from '../../api/schema'

type S = components['schemas']
export type Summary = S['Summary']
export type Breakdown = S['Breakdown']
export type BreakdownRow = S['BreakdownRow']
export type OrgRef = S['OrgRef']
export type RankingRow = S['RankingRow']
export type SupervisedWish = S['SupervisedWish']
export type Notice = S['Notice']
export type Level = S['Level']
