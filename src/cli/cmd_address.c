/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl address normalize|key|parse`: a filter from stdin lines to one
 * output line per input line, in order, over the library's address
 * standardiser (include/sealed/address.h). A line that cannot be parsed
 * gives an empty output line and a message naming its line number on stderr
 * (never the line itself: addresses are personal data); the exit status
 * stays 0 so a stream is never stopped by one bad line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sealed/address.h"
#include "sealed/buf.h"

static const char help[] =
    "NAME\n"
    "    sealctl address - standardise US postal addresses and make match keys\n"
    "\n"
    "SYNOPSIS\n"
    "    sealctl address normalize < addresses.txt\n"
    "    sealctl address key       < addresses.txt\n"
    "    sealctl address parse     < addresses.txt\n"
    "\n"
    "DESCRIPTION\n"
    "    Reads one address per line, as printed on mail (\"1400 W Colfax Ave Apt 3,\n"
    "    Denver CO 80204\"), and writes exactly one line per input line, in order.\n"
    "    Rules follow USPS Publication 28: upper case; punctuation and spacing;\n"
    "    street suffixes (Appendix C1); pre- and post-directionals, kept apart\n"
    "    (section 233); secondary unit designators and '#' (Appendix C2); state\n"
    "    names to two-letter codes (Appendix B); ZIP Code and ZIP+4; PO Box,\n"
    "    rural route (RR) and highway contract (HC) forms; Latin diacritics\n"
    "    folded to ASCII. Standardiser version: %d (see docs/address.md).\n"
    "\n"
    "    normalize  the USPS-standard line:\n"
    "                   1400 W COLFAX AVE APT 3, DENVER CO 80204\n"
    "    key        the delivery-point match key ZIP|NUMBER|STREET WORDS|UNIT:\n"
    "                   80204|1400|W COLFAX AVE|3\n"
    "               Spellings of one delivery point give one key; different\n"
    "               delivery points give different keys. With a ZIP Code the key\n"
    "               ignores the city (and the ZIP+4); without one it holds\n"
    "               \"CITY ST\" instead, and a line with neither is an error.\n"
    "               Every word with a standard abbreviation is canonicalised\n"
    "               wherever it stands (AVENUE/AVE, MOUNT/MT, FORT/FT, SAINT/ST,\n"
    "               FIFTH/5TH); the unit keeps its number without its designator\n"
    "               (#3, APT 3 and UNIT 3 are one key).\n"
    "    parse      the parsed fields, tab-separated: kind, number, route,\n"
    "               predirectional, street, suffix, postdirectional, unit\n"
    "               designator, unit, city, state, ZIP, ZIP+4.\n"
    "\n"
    "    A line that cannot be parsed (no primary number, no street name, a unit\n"
    "    designator without its number, invalid UTF-8, a non-Latin script, more\n"
    "    than %d bytes, ...) gives an empty output line, and stderr gets\n"
    "        sealctl: address: line N: what is wrong\n"
    "    The message never repeats the address. A trailing CR (CRLF input) is\n"
    "    ignored.\n"
    "\n"
    "OPTIONS\n"
    "    -h, --help   this help\n"
    "\n"
    "EXAMPLES\n"
    "    $ printf '%%s\\n' '1400 west colfax avenue #3 denver, co 80204-1234' |\n"
    "          sealctl address normalize\n"
    "    1400 W COLFAX AVE # 3, DENVER CO 80204-1234\n"
    "    $ printf '%%s\\n' 'PO Box 123, Springfield IL 62704' | sealctl address key\n"
    "    62704|123|PO BOX|\n"
    "\n"
    "EXIT STATUS\n"
    "    0 when all input was read (also when some lines could not be parsed);\n"
    "    1 on a read or write error; 2 on a usage error.\n"
    "\n"
    "NOTES\n"
    "    Rules alone cannot prove that two spellings are one delivery point:\n"
    "    without the USPS ZIP+4 file a city glued to a street with no suffix, unit\n"
    "    or comma (\"1400 Colfax Denver CO\") is read as part of the street name.\n";

typedef enum { MODE_NORMALIZE, MODE_KEY, MODE_PARSE } mode;

static const char *const kinds[] = {"street", "po_box", "rural_route", "highway_route", "military"};

static seal_status parse_line(const char *line, size_t n, seal_buf *out, seal_error *err)
{
    seal_address a;
    seal_status st = seal_address_parse(line, n, &a, err);
    seal_buf_reset(out);
    if (st != SEAL_OK) {
        return st;
    }
    return seal_buf_printf(out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", kinds[a.kind],
                           a.number, a.route, a.predir, a.street, a.suffix, a.postdir, a.unit_type,
                           a.unit, a.city, a.state, a.zip5, a.zip4);
}

int seal__cmd_address(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        printf(help, SEAL_ADDRESS_STD_VERSION, SEAL_ADDRESS_MAX_INPUT);
        return 0;
    }
    if (argc != 2) {
        return seal__cli_usage(cli, "address", "address: expected one of normalize, key, parse");
    }
    mode m;
    if (strcmp(argv[1], "normalize") == 0 || strcmp(argv[1], "normalise") == 0) {
        m = MODE_NORMALIZE;
    } else if (strcmp(argv[1], "key") == 0) {
        m = MODE_KEY;
    } else if (strcmp(argv[1], "parse") == 0) {
        m = MODE_PARSE;
    } else {
        return seal__cli_usage(cli, "address", "address: unknown subcommand '%s'", argv[1]);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned long lineno = 0;
    seal_buf out;
    seal_buf_init(&out);
    int rc = 0;
    while ((got = getline(&line, &cap, stdin)) >= 0) {
        lineno++;
        size_t n = (size_t) got;
        if (n > 0 && line[n - 1] == '\n') {
            n--;
        }
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        seal_error err;
        seal_error_init(&err);
        seal_status st;
        if (m == MODE_NORMALIZE) {
            st = seal_address_normalize(line, n, &out, &err);
        } else if (m == MODE_KEY) {
            st = seal_address_key(line, n, &out, &err);
        } else {
            st = parse_line(line, n, &out, &err);
        }
        if (st != SEAL_OK) {
            fprintf(stderr, "%s: address: line %lu: %s\n", cli->prog, lineno,
                    err.msg[0] != '\0' ? err.msg : seal_status_message(st));
            seal_buf_reset(&out);
        }
        if (fwrite(out.data != NULL ? out.data : (const uint8_t *) "", 1, out.len, stdout) !=
                out.len ||
            fputc('\n', stdout) == EOF) {
            fprintf(stderr, "%s: address: write error\n", cli->prog);
            rc = 1;
            break;
        }
    }
    if (rc == 0 && ferror(stdin)) {
        fprintf(stderr, "%s: address: read error\n", cli->prog);
        rc = 1;
    }
    if (fflush(stdout) != 0 && rc == 0) {
        fprintf(stderr, "%s: address: write error\n", cli->prog);
        rc = 1;
    }
    free(line);
    seal_buf_cleanup(&out);
    return rc;
}
