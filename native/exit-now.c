/*
 * exitNow(code): ends the process at once with _exit(2).
 *
 * Why: process.exit() first shuts V8's platform threads down, and waits for an optimizing compile
 * still running on one of them: 15-35 ms at the end of a short command (parse of an 11 KB file),
 * against about 5 ms for a process that compiled nothing. The caller has written its output and
 * run the 'exit' listeners (the logger's flush) before; nothing else is left to do.
 */
#include <node_api.h>
#include <unistd.h>

static napi_value exit_now(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t code = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= 1) napi_get_value_int32(env, argv[0], &code);
  _exit(code);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "exitNow", NAPI_AUTO_LENGTH, exit_now, NULL, &fn);
  napi_set_named_property(env, exports, "exitNow", fn);
  return exports;
}
