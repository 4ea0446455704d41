// One submit path for the form pages: a second tap while sending does nothing, `page.body()` builds the request
// body (null: the page has already said what is missing), and any problem is shown in plain Chinese.
const api = require('./api')

async function submitForm(page, send) {
  if (page.data.busy) return
  const body = page.body()
  if (!body) return
  page.setData({ busy: true })
  try {
    await send(body)
  } catch (err) {
    api.handled(err)
  } finally {
    page.setData({ busy: false })
  }
}

module.exports = { submitForm }
