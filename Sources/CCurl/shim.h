#ifndef PARLEY_CCURL_SHIM_H
#define PARLEY_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic C functions, which Swift cannot call.
// These typed wrappers pin each argument type, so every call passes exactly what the option
// expects (a long, a string, a pointer, a callback or an slist): a wrong type is a compile
// error here instead of undefined behaviour inside libcurl.

/// The signature of CURLOPT_READFUNCTION and CURLOPT_HEADERFUNCTION callbacks.
typedef size_t (*parley_curl_io_callback)(char *buffer, size_t size, size_t nitems, void *userdata);

static inline CURLcode parley_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode parley_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode parley_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode parley_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode parley_curl_setopt_callback(CURL *handle, CURLoption option, parley_curl_io_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode parley_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode parley_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
