/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console's files, embedded from web/ by cmake/embed.cmake into
 * gen/console_embedded.c. The table below is the whole list of what the
 * daemon serves outside /v1/ besides /openapi.json and the ledger's tiles:
 * a path that is not in it is not a console file.
 */
#include <string.h>

#include "server/console.h"

#define SEAL__CONSOLE_FILES(X)                                                                     \
    X(seal__web_index_html, "/index.html", "text/html; charset=utf-8")                             \
    X(seal__web_app_js, "/app.js", "text/javascript; charset=utf-8")                               \
    X(seal__web_style_css, "/style.css", "text/css; charset=utf-8")                                \
    X(seal__web_favicon_svg, "/favicon.svg", "image/svg+xml")

#define SEAL__CONSOLE_DECL(sym, path, ctype)                                                       \
    extern const unsigned char sym[];                                                              \
    extern const size_t sym##_len;
SEAL__CONSOLE_FILES(SEAL__CONSOLE_DECL)
#undef SEAL__CONSOLE_DECL

struct console_file {
    const char *path;
    const unsigned char *body;
    const size_t *len;
    const char *ctype;
};

#define SEAL__CONSOLE_ROW(sym, path, ctype) {path, sym, &sym##_len, ctype},
static const struct console_file files[] = {SEAL__CONSOLE_FILES(SEAL__CONSOLE_ROW)};
#undef SEAL__CONSOLE_ROW

bool seal__console_asset(const char *path, const unsigned char **body, size_t *len,
                         const char **ctype)
{
    /* "/" is the console's front page; every view is a hash route under it. */
    if (strcmp(path, "/") == 0)
        path = "/index.html";
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (strcmp(path, files[i].path) == 0) {
            *body = files[i].body;
            *len = *files[i].len;
            *ctype = files[i].ctype;
            return true;
        }
    }
    return false;
}
