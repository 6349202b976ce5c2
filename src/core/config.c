/* SPDX-License-Identifier: Apache-2.0 */
/* The configuration table and its parser; see include/sealed/config.h. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "sealed/config.h"

typedef struct setting {
    const char *name;
    const char *type;
    const char *def;
    const char *allowed; /* space-separated values, or NULL for any */
    size_t offset;
    size_t size;
    const char *help;
} setting;

static const setting settings[] = {
    {"backend", "string", "sqlite", "sqlite", offsetof(seal_config, backend),
     sizeof(((seal_config *) 0)->backend),
     "storage backend of the record and key stores (PostgreSQL comes next)"},
    {"master_key_file", "path", "master.key", NULL, offsetof(seal_config, master_key_file),
     sizeof(((seal_config *) 0)->master_key_file),
     "file holding the master key as 64 hex digits; relative paths are under the data "
     "directory; refused if group or others can access it"},
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

void seal_config_init(seal_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < NSETTINGS; i++) {
        snprintf((char *) cfg + settings[i].offset, settings[i].size, "%s", settings[i].def);
    }
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    return s;
}

static int allowed(const char *list, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ' ');
        size_t len = e != NULL ? (size_t) (e - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0) {
            return 1;
        }
        p += len + (e != NULL);
    }
    return 0;
}

seal_status seal_config_load(seal_config *cfg, const char *dir, seal_error *err)
{
    char path[1100];
    snprintf(path, sizeof(path), "%s/sealed.conf", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return errno == ENOENT ? SEAL_OK
                               : seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    char line[1200];
    int lineno = 0;
    seal_status s = SEAL_OK;
    while (s == SEAL_OK && fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] != '\n' && !feof(f)) {
            s = seal_error_set(err, SEAL_INVALID, "%s:%d: line longer than %zu bytes", path, lineno,
                               sizeof(line) - 2);
            break;
        }
        char *l = trim(line);
        if (*l == '\0' || *l == '#') {
            continue;
        }
        char *eq = strchr(l, '=');
        if (eq == NULL) {
            s = seal_error_set(err, SEAL_INVALID, "%s:%d: expected 'name = value'", path, lineno);
            break;
        }
        *eq = '\0';
        char *name = trim(l), *value = trim(eq + 1);
        size_t i = 0;
        while (i < NSETTINGS && strcmp(settings[i].name, name) != 0) {
            i++;
        }
        if (i == NSETTINGS) {
            s = seal_error_set(err, SEAL_INVALID, "%s:%d: %s: unknown setting", path, lineno, name);
        } else if (*value == '\0' || strlen(value) >= settings[i].size) {
            s = seal_error_set(err, SEAL_INVALID, "%s:%d: %s: empty or too long", path, lineno,
                               name);
        } else if (settings[i].allowed != NULL && !allowed(settings[i].allowed, value)) {
            s = seal_error_set(err, SEAL_INVALID, "%s:%d: %s: must be one of: %s", path, lineno,
                               name, settings[i].allowed);
        } else {
            snprintf((char *) cfg + settings[i].offset, settings[i].size, "%s", value);
        }
    }
    fclose(f);
    return s;
}

void seal_config_describe(FILE *out)
{
    fprintf(out, "# Configuration\n\n"
                 "`DIR/sealed.conf` holds `name = value` lines; `#` starts a comment.\n"
                 "It is generated from the table in `src/core/config.c` by\n"
                 "`sealctl config --doc`. Config names key files, never keys.\n\n"
                 "| name | type | default | allowed | meaning |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < NSETTINGS; i++) {
        fprintf(out, "| `%s` | %s | `%s` | %s | %s |\n", settings[i].name, settings[i].type,
                settings[i].def, settings[i].allowed != NULL ? settings[i].allowed : "any",
                settings[i].help);
    }
}
