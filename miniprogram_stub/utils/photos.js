// Photos on a wish: choose (wx.chooseMedia), upload each (wx.uploadFile → POST /api/v1/uploads, field `file`),
// keep the upload ids for `photo_ids`, and show a wish's photos (GET /api/v1/wishes/{id}/photos, tap → preview).
// Used by the order page, the action page (complete, reopen) and the wish page. At most 9 per request.
const api = require('./api')
const config = require('../config')
const session = require('./session')
const text = require('./text')

const MAX = 9

function chooseMedia(count) {
  return new Promise((resolve) => {
    wx.chooseMedia({
      count,
      mediaType: ['image'],
      sizeType: ['compressed'],
      sourceType: ['album', 'camera'],
      success: (res) => resolve((res.tempFiles || []).map((f) => f.tempFilePath)),
      fail: () => resolve([]), // the user closed the picker
    })
  })
}

function uploadOnce(filePath) {
  return new Promise((resolve) => {
    const header = {}
    const token = session.getToken()
    if (token) header.Authorization = `Bearer ${token}`
    wx.uploadFile({
      url: `${config.getBaseUrl()}/api/v1/uploads`,
      filePath,
      name: 'file',
      header,
      success: (res) => {
        let data = res.data
        try {
          data = JSON.parse(res.data) // wx.uploadFile hands back the body as a string
        } catch (e) {
          // not JSON: kept as is for the error
        }
        resolve({ statusCode: res.statusCode, data })
      },
      fail: (err) => resolve({ statusCode: 0, data: { detail: err && err.errMsg } }),
    })
  })
}

// One file uploaded: the photo (`{id, thumb_url, url, ...}`), or an ApiError shown to the user.
async function upload(filePath) {
  let res = await uploadOnce(filePath)
  if (res.statusCode === 401) {
    await api.login()
    res = await uploadOnce(filePath)
  }
  if (res.statusCode !== 201) {
    const err = new api.ApiError(res.statusCode, res.data)
    api.showError(err)
    throw err
  }
  return res.data
}

// The page's "add photos" button: chooses up to what is left of 9, uploads them one by one (a refused one is
// told and skipped), and keeps them in the page's `photos`.
async function add(page) {
  const left = MAX - page.data.photos.length
  if (left <= 0) {
    wx.showToast({ title: text.pages.photos.max, icon: 'none' })
    return
  }
  const paths = await chooseMedia(left)
  if (!paths.length) return
  page.setData({ uploading: true })
  wx.showLoading({ title: text.pages.photos.uploading, mask: true })
  try {
    for (const path of paths) {
      try {
        const photo = await upload(path)
        page.setData({ photos: page.data.photos.concat([photo]) })
      } catch (err) {
        api.handled(err)
      }
    }
  } finally {
    wx.hideLoading()
    page.setData({ uploading: false })
  }
}

function remove(page, index) {
  const photos = page.data.photos.slice()
  photos.splice(index, 1)
  page.setData({ photos })
}

function ids(page) {
  return page.data.photos.map((p) => p.id)
}

// A wish's photos that this caller may see.
async function ofWish(wishId) {
  return api.page(await api.get(`/api/v1/wishes/${wishId}/photos`, undefined, { silent: true })).items
}

function preview(photos, index) {
  wx.previewImage({ urls: photos.map((p) => p.url), current: photos[index] && photos[index].url })
}

module.exports = { MAX, add, remove, ids, ofWish, preview, upload }
