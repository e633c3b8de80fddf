// Typed, non-variadic wrappers around libcurl's variadic calls, which Swift cannot call directly.
// One wrapper per argument type, after swift-corelibs-foundation's libcurl binding; everything else is Swift.
#ifndef PROMPTGATE_CCURL_SHIM_H
#define PROMPTGATE_CCURL_SHIM_H

#include <curl/curl.h>
#include <sys/prctl.h>

typedef size_t (*pg_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*pg_curl_xferinfo_cb)(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                                   curl_off_t ulnow);

static inline CURLcode pg_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode pg_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode pg_easy_setopt_string(CURL *h, CURLoption o, const char *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode pg_easy_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode pg_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode pg_easy_setopt_data_cb(CURL *h, CURLoption o, pg_curl_data_cb v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode pg_easy_setopt_xferinfo_cb(CURL *h, pg_curl_xferinfo_cb v) {
    return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v);
}
static inline CURLcode pg_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode pg_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode pg_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode pg_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

/// The values of function-like macros Swift does not import.
static const long PG_CURLPAUSE_CONT = CURLPAUSE_CONT;
static const long PG_CURL_HTTP_VERSION_2TLS = CURL_HTTP_VERSION_2TLS;
static const size_t PG_CURL_WRITEFUNC_PAUSE = CURL_WRITEFUNC_PAUSE;
static const long PG_CURLPIPE_MULTIPLEX = CURLPIPE_MULTIPLEX;

/// The result of a finished transfer, read from the union inside CURLMsg.
static inline CURLcode pg_msg_result(const CURLMsg *m) { return m->data.result; }

// Names the calling thread as the kernel sees it (`top -H`, `gdb`, /proc/self/task/*/comm); `prctl` is variadic too.
static inline int pg_name_this_thread(const char *name) { return prctl(PR_SET_NAME, name, 0, 0, 0); }

#endif
