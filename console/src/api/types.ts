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
// 共驻共建 and 评星定级 (README: "Joint building and star rating").
export type Unit = S['UnitOut']
export type Need = S['NeedOut']
export type NeedIn = S['NeedIn']
export type Resource = S['ResourceOut']
export type JointProject = S['ProjectOut']
export type JointProjectDetail = S['ProjectDetail']
export type ProjectAction = S['ProjectAction']
export type ProjectStatus = S['ProjectStatus']
export type JointFigures = S['JointFigures']
export type StarSet = S['SetOut']
export type StarSetIn = S['SetIn']
export type IndicatorIn = S['IndicatorIn']
export type Measure = S['Measure']
export type Assessment = S['AssessmentOut']
export type AssessmentAction = S['AssessmentAction']
export type AssessmentEvent = S['AssessmentEventOut']
export type Objection = S['ObjectionOut']
