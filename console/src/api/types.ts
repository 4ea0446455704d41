// Names for the API's shapes, all read from the generated schema.d.ts (`make console-types` regenerates it from the
// app's OpenAPI document): nothing here is written by hand a second time.
import type { components } from './schema'

type S = components['schemas']
export type User = S['UserOut']
export type SessionOut = S['SessionOut']
export type TicketOut = S['TicketOut']
export type TodayOut = S['TodayOut']
export type DevUser = S['DevUserOut']
export type Wish = S['WishOut']
export type WishDetail = S['WishDetail']
export type WishEvent = S['EventOut']
export type Status = S['Status']
export type Action = S['Action']
export type Member = S['MemberOut']
export type Org = S['OrgOut']
export type Category = S['CategoryOut']
export type DispatchIn = S['DispatchIn']
export type Photo = S['PhotoOut']
export type PhotoList = S['PhotoList']
export interface Page<T> {
  items: T[]
  next_cursor: string | null
}
export type MemberReport = S['ReportOut']
// Volunteering: activities, their roster and 补卡, the rotating check-in code; 积分 and the 爱心超市.
export type Activity = S['ActivityOut']
export type ActivityIn = S['ActivityIn']
export type ActivityStatus = S['ActivityStatus']
export type ActivityAction = S['ActivityAction']
export type RosterRow = S['RosterRow']
export type Makeup = S['MakeupOut']
export type CheckinCode = S['CheckinCodeOut']
export type Rates = S['RatesOut']
export type Holder = S['HolderOut']
export type Adjustment = S['AdjustmentOut']
export type ShopItem = S['ItemOut']
export type Redemption = S['RedemptionOut']
