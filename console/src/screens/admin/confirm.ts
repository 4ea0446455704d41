// A confirm dialog before anything that takes something away (revoke, deactivate): true when the person confirmed.
import { ElMessageBox } from 'element-plus'
import { t } from './text'

export async function confirmed(message: string, action: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, t.confirmTitle, {
      confirmButtonText: action,
      cancelButtonText: t.cancel,
      confirmButtonType: 'danger',
      type: 'warning',
    })
    return true
  } catch {
    return false // cancelled or closed
  }
}
