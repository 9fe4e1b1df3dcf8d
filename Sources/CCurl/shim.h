// Typed wrappers for libcurl's variadic functions, which Swift cannot call.
// One wrapper per type of option value; every one returns libcurl's own code.
#ifndef VIGIL_CCURL_SHIM_H
#define VIGIL_CCURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*vigil_curl_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*vigil_curl_progress_callback)(void *context, curl_off_t downloadTotal, curl_off_t downloaded,
                                            curl_off_t uploadTotal, curl_off_t uploaded);

static inline CURLcode vigil_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode vigil_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode vigil_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode vigil_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode vigil_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode vigil_curl_setopt_data_callback(CURL *handle, CURLoption option, vigil_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode vigil_curl_setopt_progress_callback(CURL *handle, CURLoption option, vigil_curl_progress_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode vigil_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode vigil_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode vigil_curl_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode vigil_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

#endif
