// Photos and PDF documents as the console shows them beside a record (a joint project's progress entries, a star
// self-score's evidence): signed URLs read from the console's own origin, photos grouped by what they show, and the
// exact lists a PUT sets. The Chinese of the shared file pieces is here too.
import type { Photo } from '../api/types'

export const fileText = {
  addPhoto: '添加照片',
  addDocument: '添加 PDF',
  remove: '移除',
  keep: '保留',
  drop: '删除',
  kept: '照片已保留',
  dropped: '照片已删除',
  uploading: '上传中…',
  photoStatus: { pending: '待安全检查', review: '待复核' } as Record<string, string>,
  inReview: '有照片正在人工复核，复核通过前仅社区一方和上传人可见',
  document: (n: number, size: string) => `佐证文件 ${n}（PDF，${size}）`,
  photoLimit: (n: number) => `最多 ${n} 个`,
}

export const MAX_FILES = 9
export const IMAGE_TYPES = 'image/jpeg,image/png,image/webp'

/** The API signs absolute URLs (for the mini-program); the console reads them from its own origin. */
export function sameOrigin(url: string): string {
  const u = new URL(url, 'http://x')
  return `${u.pathname}${u.search}`
}

/** Each record's photos (by `joint_event_id`, say), in upload order. */
export function groupBy(photos: Photo[], key: 'joint_event_id' | 'star_score_id'): Record<number, Photo[]> {
  const out: Record<number, Photo[]> = {}
  for (const p of photos) {
    const id = p[key]
    if (id !== null && id !== undefined) (out[id] ??= []).push(p)
  }
  return out
}

/** "36 KB", "1.2 MB": a document's size as a person reads it. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
}

/** The list without the one removed (before it is sent: the PUT or the action then carries the rest). */
export function without<T extends { id: number }>(items: T[], id: number): T[] {
  return items.filter((x) => x.id !== id)
}

/** How many more files may be added to a list that already has `count`. */
export function room(count: number): number {
  return Math.max(0, MAX_FILES - count)
}
