/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reviewer console (issue 7): plain HTML, CSS and JavaScript under web/,
 * embedded in the daemon at build time (cmake/embed.cmake), so sealed needs
 * no install step and no document root to serve it. The console holds no
 * personal data and is public; everything it shows comes from /v1/ with the
 * user's own bearer token.
 */
#ifndef SEAL_SERVER_CONSOLE_H
#define SEAL_SERVER_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Looks up the console file for a request path ("/" and "/index.html" give
 * index.html; "/app.js", "/style.css", ...). The path is compared exactly:
 * no query string, no directory traversal, no listing. On a match it sets
 * *body and *len to the embedded bytes (static, never freed, read-only,
 * valid for the life of the process) and *ctype to the media type, and
 * returns true; otherwise it returns false and leaves them alone.
 * Thread-safe (reads constant data only).
 */
bool seal__console_asset(const char *path, const unsigned char **body, size_t *len,
                         const char **ctype) __attribute__((nonnull, warn_unused_result));

#endif
