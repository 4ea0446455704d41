// The stub keeps no global state in App(): pages read the session from storage (utils/session.js), so each
// page works the same when rendered alone in the tests.
App({
  onLaunch() {},
})
