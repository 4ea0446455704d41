// The evidence files of an assessment's people's items, as the page holds them: loaded from the API, changed by
// the community's uploads and removals until the item's 保存 sends them (`changed` says so meanwhile).
import { reactive } from 'vue'
import { get, post } from '../../api/client'
import type { Assessment, EvidenceDocument, EvidenceFiles, Photo } from '../../api/types'
import { fileText } from '../../shared/files'

export interface Files {
  photos: Photo[]
  documents: EvidenceDocument[]
}
export type Added = { kind: 'photo'; photo: Photo } | { kind: 'document'; document: EvidenceDocument }

export function useEvidence() {
  const files = reactive<Record<number, Files>>({})
  const changed = reactive<Record<number, boolean>>({})

  // Each people's item's files (the community's, the street's and the district's to see; never public).
  async function loadFiles(next: Assessment, only?: number): Promise<void> {
    const items = next.scores.filter((s) => s.measure === null && (only === undefined || s.indicator_id === only))
    const path = (id: number) => `/api/v1/stars/assessments/${next.id}/scores/${id}/files`
    const found = await Promise.all(items.map((s) => get<EvidenceFiles>(path(s.indicator_id))))
    items.forEach((s, i) => {
      files[s.indicator_id] = { photos: found[i].items, documents: found[i].documents }
      changed[s.indicator_id] = false
    })
  }

  function setFiles(id: number, next: Files): void {
    files[id] = next
    changed[id] = true
  }

  function addFile(id: number, added: Added): void {
    const f = files[id]
    setFiles(id, added.kind === 'photo' ? { ...f, photos: [...f.photos, added.photo] } : { ...f, documents: [...f.documents, added.document] })
  }

  // A photo in review is before the street's reviewers (`can_review`): kept or removed, the item's files are read
  // again; the notice to show is returned.
  async function review(next: Assessment, photo: Photo, decision: 'keep' | 'remove'): Promise<string> {
    await post(`/api/v1/photos/${photo.id}/review`, { decision })
    await loadFiles(next)
    return decision === 'keep' ? fileText.kept : fileText.dropped
  }

  return { files, changed, loadFiles, setFiles, addFile, review }
}
