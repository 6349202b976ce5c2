/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synthetic geography and names for the generator: places (a syllable-built
 * city in a real state with a 5-digit ZIP from that state's range), streets,
 * delivery points with a unique 11-digit delivery point code, person and
 * business names, and the rendering of one delivery point in the many ways
 * real mail spells it (USPS Publication 28 abbreviations and their common
 * alternates, directionals, unit designators, case, punctuation, ZIP+4,
 * state names, stray spaces). Everything is a pure function of its inputs.
 */
#include <ctype.h>

#include "gen/gen_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- small bounded string builder -------------------------------------- */

typedef struct sb {
    char *p;
    size_t n, cap; /* cap includes the NUL */
} sb;

static void sb_init(sb *b, char *p, size_t cap)
{
    b->p = p;
    b->n = 0;
    b->cap = cap;
    if (cap > 0) {
        p[0] = '\0';
    }
}

static void sb_addn(sb *b, const char *s, size_t n)
{
    if (b->cap == 0) {
        return;
    }
    size_t room = b->cap - 1 - b->n;
    if (n > room) {
        n = room;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_add(sb *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

static void sb_u(sb *b, uint64_t v)
{
    char tmp[20];
    size_t n = seal__gen_fmt_u64(tmp, v);
    sb_addn(b, tmp, n);
}

static void upper(char *s)
{
    for (; *s != '\0'; s++) {
        *s = (char) toupper((unsigned char) *s);
    }
}

static void lower(char *s)
{
    for (; *s != '\0'; s++) {
        *s = (char) tolower((unsigned char) *s);
    }
}

/* ---- states and places ------------------------------------------------- */

typedef struct state_row {
    const char *code, *name;
    unsigned lo, hi; /* first three ZIP digits */
} state_row;

/* Real USPS state codes with approximately their real ZIP prefix ranges. */
static const state_row states[] = {
    {"AL", "Alabama", 350, 369},
    {"AK", "Alaska", 995, 999},
    {"AZ", "Arizona", 850, 865},
    {"AR", "Arkansas", 716, 729},
    {"CA", "California", 900, 961},
    {"CO", "Colorado", 800, 816},
    {"CT", "Connecticut", 60, 69},
    {"DE", "Delaware", 197, 199},
    {"DC", "District of Columbia", 200, 205},
    {"FL", "Florida", 320, 349},
    {"GA", "Georgia", 300, 319},
    {"HI", "Hawaii", 967, 968},
    {"ID", "Idaho", 832, 838},
    {"IL", "Illinois", 600, 629},
    {"IN", "Indiana", 460, 479},
    {"IA", "Iowa", 500, 528},
    {"KS", "Kansas", 660, 679},
    {"KY", "Kentucky", 400, 427},
    {"LA", "Louisiana", 700, 714},
    {"ME", "Maine", 39, 49},
    {"MD", "Maryland", 206, 219},
    {"MA", "Massachusetts", 10, 27},
    {"MI", "Michigan", 480, 499},
    {"MN", "Minnesota", 550, 567},
    {"MS", "Mississippi", 386, 397},
    {"MO", "Missouri", 630, 658},
    {"MT", "Montana", 590, 599},
    {"NE", "Nebraska", 680, 693},
    {"NV", "Nevada", 889, 898},
    {"NH", "New Hampshire", 30, 38},
    {"NJ", "New Jersey", 70, 89},
    {"NM", "New Mexico", 870, 884},
    {"NY", "New York", 100, 149},
    {"NC", "North Carolina", 270, 289},
    {"ND", "North Dakota", 580, 588},
    {"OH", "Ohio", 430, 458},
    {"OK", "Oklahoma", 730, 749},
    {"OR", "Oregon", 970, 979},
    {"PA", "Pennsylvania", 150, 196},
    {"RI", "Rhode Island", 28, 29},
    {"SC", "South Carolina", 290, 299},
    {"SD", "South Dakota", 570, 577},
    {"TN", "Tennessee", 370, 385},
    {"TX", "Texas", 750, 799},
    {"UT", "Utah", 840, 847},
    {"VT", "Vermont", 50, 59},
    {"VA", "Virginia", 220, 246},
    {"WA", "Washington", 980, 994},
    {"WV", "West Virginia", 247, 268},
    {"WI", "Wisconsin", 530, 549},
    {"WY", "Wyoming", 820, 831},
};

_Static_assert(COUNT(states) * 60 == GEN_NPLACES, "GEN_NPLACES is 60 places per state");

static const char *const city_pre[] = {
    "Kelv", "Vandr", "Quor", "Thal", "Brix",  "Zem",   "Orv",  "Yell", "Fand", "Grell",
    "Hask", "Jorn",  "Lisk", "Morv", "Nesk",  "Pral",  "Rusk", "Skel", "Trov", "Ulv",
    "Wrel", "Cald",  "Dreb", "Ebb",  "Fross", "Gav",   "Hiv",  "Ilm",  "Jask", "Kov",
    "Lenn", "Mard",  "Noll", "Osk",  "Pev",   "Quill", "Rell", "Sorn", "Tull", "Varn",
};

static const char *const city_post[] = {
    "arton", "ford",  "wick",    "dale",   "bury",     "mont",     "ville",     "field", "haven",
    "ton",   "ridge", "brook",   "stead",  "port",     "crest",    "mere",      "holm",  "by",
    "worth", "ley",   "chester", "land",   "well",     "side",     "more",      "ston",  "gate",
    "wood",  "burg",  "ham",     " Falls", " Springs", " Heights", " Junction", " Park",
};

void seal__gen_place(uint32_t place, gen_place_info *out)
{
    uint32_t s = place % (uint32_t) COUNT(states);
    uint32_t k = place / (uint32_t) COUNT(states);
    const state_row *st = &states[s];
    unsigned span = (st->hi - st->lo + 1) * 100;
    out->state = st->code;
    out->state_name = st->name;
    /* 37 is coprime to every span, so the 60 places of a state get distinct ZIPs */
    out->zip = st->lo * 100 + (k * 37 + s * 11) % span;
    uint64_t h = gen_hash3(0x5ea1ed, 1, place);
    sb b;
    sb_init(&b, out->city, sizeof(out->city));
    sb_add(&b, city_pre[h % COUNT(city_pre)]);
    sb_add(&b, city_post[(h >> 16) % COUNT(city_post)]);
}

/* ---- streets ----------------------------------------------------------- */

static const char *const st_onset[] = {"B", "Br", "C", "D",  "Dr", "F", "G",  "H", "K", "L",
                                       "M", "N",  "P", "Qu", "R",  "S", "St", "T", "V", "W"};
static const char *const st_vowel[] = {"a", "e", "i", "o", "u", "ai"};
static const char *const st_end[] = {
    "lder", "rwick", "nton",  "mber", "lford", "ssel",   "rling", "ndle", "vory",   "thorn",
    "lvan", "rrow",  "skin",  "mley", "dwell", "lbrook", "nnet",  "rden", "lloway", "vis",
    "xley", "mbry",  "ckett", "rvel", "lmont", "ngate",  "ffin",  "sson", "rkin",   "ttle",
    "wen",  "lard",  "rrin",  "mble", "sby",   "ndry",   "rvey",  "lver", "pley",   "dge",
};

static const char *const ordinals[] = {"1st", "2nd", "3rd", "4th", "5th",
                                       "6th", "7th", "8th", "9th", "10th"};

typedef struct dir_row {
    const char *abbr, *dotted, *full;
} dir_row;

static const dir_row dirs[] = {
    {"N", "N.", "North"},        {"S", "S.", "South"},        {"E", "E.", "East"},
    {"W", "W.", "West"},         {"NE", "N.E.", "Northeast"}, {"NW", "N.W.", "Northwest"},
    {"SE", "S.E.", "Southeast"}, {"SW", "S.W.", "Southwest"},
};

/* USPS Publication 28 Appendix C1: the standard abbreviation, the full name,
 * and some of the common alternates it lists. */
typedef struct suffix_row {
    const char *std, *full, *alt1, *alt2;
    unsigned weight;
} suffix_row;

static const suffix_row suffixes[] = {
    {"St", "Street", "Str", "Strt", 30},
    {"Ave", "Avenue", "Av", "Aven", 15},
    {"Rd", "Road", NULL, NULL, 10},
    {"Dr", "Drive", "Drv", "Driv", 12},
    {"Ln", "Lane", NULL, NULL, 8},
    {"Ct", "Court", "Crt", NULL, 6},
    {"Blvd", "Boulevard", "Boul", "Boulv", 3},
    {"Pl", "Place", NULL, NULL, 4},
    {"Ter", "Terrace", "Terr", NULL, 2},
    {"Cir", "Circle", "Circ", "Crcl", 3},
    {"Way", "Way", NULL, NULL, 4},
    {"Pkwy", "Parkway", "Pky", "Parkwy", 1},
    {"Hwy", "Highway", "Hiway", "Hway", 1},
    {"Trl", "Trail", NULL, NULL, 1},
};

void seal__gen_street(uint32_t place, uint32_t street, gen_street_info *out)
{
    sb b;
    sb_init(&b, out->name, sizeof(out->name));
    if (street % 10 == 7) {
        sb_add(&b, ordinals[street / 10]);
    } else {
        size_t total = COUNT(st_onset) * COUNT(st_vowel) * COUNT(st_end);
        /* 47 is coprime to total, so the streets of one place get distinct names */
        size_t idx = ((size_t) street * 47 + (size_t) place * 101) % total;
        sb_add(&b, st_onset[idx % COUNT(st_onset)]);
        idx /= COUNT(st_onset);
        sb_add(&b, st_vowel[idx % COUNT(st_vowel)]);
        idx /= COUNT(st_vowel);
        sb_add(&b, st_end[idx % COUNT(st_end)]);
    }
    gen_rng r;
    gen_rng_seed(&r, 0x57ee7, place, street);
    static const unsigned dir_w[] = {20, 20, 20, 20, 5, 5, 5, 5};
    out->predir = gen_pct(&r, 20) ? (int) seal__gen_pick(&r, dir_w, COUNT(dir_w)) : -1;
    out->postdir =
        out->predir < 0 && gen_pct(&r, 6) ? (int) seal__gen_pick(&r, dir_w, COUNT(dir_w)) : -1;
    unsigned w[COUNT(suffixes)];
    for (size_t i = 0; i < COUNT(suffixes); i++) {
        w[i] = suffixes[i].weight;
    }
    out->suffix = (int) seal__gen_pick(&r, w, COUNT(w));
}

/* ---- delivery points --------------------------------------------------- */

/* The one multi-unit building on a block face, at this house number. */
static uint32_t building_number(uint32_t place, uint32_t street, uint32_t block)
{
    return block * 100 + 1 + (uint32_t) (gen_hash3(0xb1d9, place, street * 64 + block) % 98);
}

static uint32_t pick_block(gen_rng *r)
{
    return gen_pct(r, 60) ? (uint32_t) gen_below(r, 20) : (uint32_t) gen_below(r, 50);
}

static uint32_t house_number(gen_rng *r, uint32_t place, uint32_t street, uint32_t block)
{
    uint32_t n = block * 100 + 1 + (uint32_t) gen_below(r, 98);
    if (n == building_number(place, street, block)) {
        n++;
    }
    return n;
}

void seal__gen_addr_home(gen_rng *r, gen_addr *a)
{
    a->place = (uint32_t) gen_below(r, GEN_NPLACES);
    a->street = (uint32_t) gen_below(r, GEN_NSTREETS);
    uint32_t block = pick_block(r);
    if (gen_pct(r, 35)) {
        a->number = building_number(a->place, a->street, block);
        a->unit = (int) gen_below(r, 48);
    } else {
        a->number = house_number(r, a->place, a->street, block);
        a->unit = -1;
    }
}

void seal__gen_addr_business(gen_rng *r, gen_addr *a)
{
    a->place = (uint32_t) gen_below(r, GEN_NPLACES);
    a->street = (uint32_t) gen_below(r, GEN_NSTREETS);
    uint32_t block = pick_block(r);
    if (gen_pct(r, 70)) {
        a->number = building_number(a->place, a->street, block);
        a->unit = 100 + (int) gen_below(r, 40);
    } else {
        a->number = house_number(r, a->place, a->street, block);
        a->unit = -1;
    }
}

void seal__gen_addr_near(gen_rng *r, const gen_addr *a, gen_addr *out)
{
    *out = *a;
    uint32_t block = a->number / 100;
    if (a->unit >= 100) {
        out->unit = 100 + (a->unit - 100 + 1 + (int) gen_below(r, 39)) % 40;
    } else if (a->unit >= 0) {
        out->unit = (a->unit + 1 + (int) gen_below(r, 47)) % 48;
    } else {
        do {
            out->number = house_number(r, a->place, a->street, block);
        } while (out->number == a->number);
    }
}

unsigned seal__gen_zip4(const gen_addr *a)
{
    uint32_t block = a->number / 100;
    uint32_t x = (a->street * 50 + block) * 2 + (a->unit >= 0 ? 1 : 0);
    /* 7919 is coprime to 10000: a permutation, so distinct (street, block,
     * kind) in one ZIP get distinct ZIP+4 codes */
    return (x * 7919u + a->place * 131u) % 10000u;
}

void seal__gen_dpc(const gen_addr *a, char *out)
{
    gen_place_info pl;
    seal__gen_place(a->place, &pl);
    unsigned dp;
    if (a->unit >= 100) {
        dp = 60 + (unsigned) (a->unit - 100);
    } else if (a->unit >= 0) {
        dp = 10 + (unsigned) a->unit;
    } else {
        dp = a->number % 100;
    }
    seal__gen_fmt_fixed(out, pl.zip, 5);
    seal__gen_fmt_fixed(out + 5, seal__gen_zip4(a), 4);
    seal__gen_fmt_fixed(out + 9, dp, 2);
    out[11] = '\0';
}

/* The unit's label ("3B", "305", "110") and its canonical designator. */
static void unit_label(const gen_addr *a, char *label, size_t cap, const char **designator)
{
    sb b;
    sb_init(&b, label, cap);
    if (a->unit >= 100) {
        unsigned u = (unsigned) (a->unit - 100);
        sb_u(&b, (u / 10 + 1) * 100 + (u % 10) * 10);
        *designator = "Ste";
        return;
    }
    unsigned u = (unsigned) a->unit;
    uint64_t h = gen_hash3(0xa97, a->place, ((uint64_t) a->street << 16) | a->number);
    if (h & 1) {
        sb_u(&b, (u / 8 + 1) * 100 + u % 8 + 1);
    } else {
        char s[3] = {(char) ('1' + u / 8), (char) ('A' + u % 8), '\0'};
        sb_add(&b, s);
    }
    *designator = (h & 6) == 0 ? "Unit" : "Apt";
}

typedef struct style {
    unsigned caps;   /* 0 title, 1 upper, 2 lower */
    unsigned suffix; /* 0 std, 1 std with period, 2 full, 3 alternate */
    unsigned dir;    /* 0 abbr, 1 dotted, 2 full */
    unsigned unit;   /* 0 canonical, 1 dotted, 2 "#4", 3 "# 4", 4 full, 5 "Apt #4", 6 swapped */
    bool unit_comma, city_comma, state_comma, state_name, zip4;
    unsigned double_space; /* bit mask of gaps written with two spaces */
} style;

static void pick_style(gen_rng *r, gen_spelling how, style *s)
{
    static const unsigned caps_w[3][3] = {{75, 15, 10}, {30, 70, 0}, {60, 30, 10}};
    static const unsigned suf_w[3][4] = {{55, 10, 30, 5}, {85, 0, 15, 0}, {35, 25, 30, 10}};
    static const unsigned dir_w[3][3] = {{60, 15, 25}, {90, 0, 10}, {40, 30, 30}};
    static const unsigned unit_w[3][7] = {
        {55, 10, 15, 3, 7, 5, 5}, {70, 5, 25, 0, 0, 0, 0}, {35, 15, 20, 5, 10, 10, 5}};
    static const unsigned pct[3][6] = {
        /* unit_comma city_comma state_comma state_name zip4 double_space */
        {40, 85, 30, 8, 20, 5},
        {10, 40, 5, 0, 60, 1},
        {30, 70, 40, 20, 5, 10},
    };
    unsigned h = (unsigned) how;
    s->caps = (unsigned) seal__gen_pick(r, caps_w[h], 3);
    s->suffix = (unsigned) seal__gen_pick(r, suf_w[h], 4);
    s->dir = (unsigned) seal__gen_pick(r, dir_w[h], 3);
    s->unit = (unsigned) seal__gen_pick(r, unit_w[h], 7);
    s->unit_comma = gen_pct(r, pct[h][0]);
    s->city_comma = gen_pct(r, pct[h][1]);
    s->state_comma = gen_pct(r, pct[h][2]);
    s->state_name = gen_pct(r, pct[h][3]);
    s->zip4 = gen_pct(r, pct[h][4]);
    s->double_space = gen_pct(r, pct[h][5]) ? 1u << gen_below(r, 6) : 0;
}

static void gap(sb *b, const style *s, unsigned which)
{
    sb_add(b, (s->double_space >> which) & 1 ? "  " : " ");
}

static const char *dir_text(int d, const style *s)
{
    const dir_row *row = &dirs[d];
    return s->dir == 0 ? row->abbr : s->dir == 1 ? row->dotted : row->full;
}

void seal__gen_addr_render(gen_rng *r, const gen_addr *a, gen_spelling how, char *out, size_t cap)
{
    style s;
    pick_style(r, how, &s);
    gen_street_info st;
    seal__gen_street(a->place, a->street, &st);
    gen_place_info pl;
    seal__gen_place(a->place, &pl);
    sb b;
    sb_init(&b, out, cap);

    sb_u(&b, a->number);
    if (st.predir >= 0) {
        gap(&b, &s, 0);
        sb_add(&b, dir_text(st.predir, &s));
    }
    gap(&b, &s, 1);
    sb_add(&b, st.name);
    const suffix_row *sx = &suffixes[st.suffix];
    gap(&b, &s, 2);
    if (s.suffix == 2 || (s.suffix == 1 && strcmp(sx->std, sx->full) == 0)) {
        sb_add(&b, sx->full);
    } else if (s.suffix == 3 && sx->alt1 != NULL) {
        sb_add(&b, sx->alt2 != NULL && gen_pct(r, 50) ? sx->alt2 : sx->alt1);
    } else {
        sb_add(&b, sx->std);
        if (s.suffix == 1) {
            sb_add(&b, ".");
        }
    }
    if (st.postdir >= 0) {
        gap(&b, &s, 3);
        sb_add(&b, dir_text(st.postdir, &s));
    }
    if (a->unit >= 0) {
        char label[16];
        const char *des;
        unit_label(a, label, sizeof(label), &des);
        sb_add(&b, s.unit_comma ? "," : "");
        gap(&b, &s, 4);
        bool suite = a->unit >= 100;
        switch (s.unit) {
        case 1:
            sb_add(&b, des);
            sb_add(&b, strcmp(des, "Unit") == 0 ? " " : ". ");
            break;
        case 2:
            sb_add(&b, "#");
            break;
        case 3:
            sb_add(&b, "# ");
            break;
        case 4:
            sb_add(&b, suite ? "Suite " : strcmp(des, "Apt") == 0 ? "Apartment " : "Unit ");
            break;
        case 5:
            sb_add(&b, des);
            sb_add(&b, " #");
            break;
        case 6:
            /* the writer used another designator for the same unit */
            sb_add(&b, suite ? "Suite " : strcmp(des, "Apt") == 0 ? "Unit " : "Apt ");
            break;
        default:
            sb_add(&b, des);
            sb_add(&b, " ");
            break;
        }
        sb_add(&b, label);
    }
    sb_add(&b, s.city_comma ? "," : "");
    gap(&b, &s, 5);
    sb_add(&b, pl.city);
    sb_add(&b, s.state_comma ? ", " : " ");
    sb_add(&b, s.state_name ? pl.state_name : pl.state);
    sb_add(&b, " ");
    char zip[11];
    seal__gen_fmt_fixed(zip, pl.zip, 5);
    size_t zn = 5;
    if (s.zip4) {
        zip[5] = '-';
        seal__gen_fmt_fixed(zip + 6, seal__gen_zip4(a), 4);
        zn = 10;
    }
    sb_addn(&b, zip, zn);
    if (s.caps == 1) {
        upper(out);
    } else if (s.caps == 2) {
        lower(out);
    }
}

/* ---- names ------------------------------------------------------------- */

static const char *const first_a[] = {
    "Kal", "Mer", "Dov", "Tal",  "Bren", "Sav", "Lio", "Jor", "Ari", "Cel",
    "Dar", "Eli", "Fen", "Gav",  "Hal",  "Isa", "Jas", "Kir", "Lun", "Mai",
    "Nor", "Ori", "Per", "Quin", "Ros",  "Sel", "Tov", "Ula", "Ves", "Wyn",
    "Yor", "Zan", "Bel", "Cor",  "Del",  "Emi", "Fay", "Gil", "Ivo", "Lev",
};
static const char *const first_b[] = {"in",  "a",    "en",  "ia",  "or",  "elle", "is",
                                      "an",  "ette", "o",   "ine", "ara", "ick",  "ey",
                                      "ian", "yn",   "ora", "as",  "ric", "lie"};
static const char *const last_a[] = {
    "Dor",  "Vel",  "Mark", "Thal", "Brun", "Cask", "Eld",  "Fenn", "Grav",  "Holl",
    "Isk",  "Jell", "Krev", "Lund", "Mors", "Nev",  "Oak",  "Pell", "Quar",  "Rask",
    "Stov", "Trel", "Ulm",  "Varr", "Whit", "Yarr", "Zell", "Ashb", "Brenn", "Corv",
    "Dusk", "Elv",  "Frot", "Gorm", "Harv", "Ivr",  "Jask", "Kell", "Lorr",  "Mund",
};
static const char *const last_b[] = {
    "eson", "ley",   "wick", "ard",   "ington", "ovic", "sen",  "mann",  "ers", "ridge",
    "ton",  "ez",    "ello", "ansky", "ford",   "by",   "well", "croft", "ham", "stead",
    "ier",  "quist", "o",    "ing",   "holt",   "ern",  "ain",  "aker",  "ith", "ova",
};
static const char *const biz_kind[] = {
    "Supply Co.",  "Hardware",   "Press",           "Logistics",
    "Bakery",      "Associates", "Holdings LLC",    "Property Management",
    "Farms",       "Outfitters", "Imports",         "Print Shop",
    "Auto Repair", "Florist",    "Books",           "Insurance Agency",
    "Realty",      "Tool Works", "Coffee Roasters", "Catalog Sales",
};

void seal__gen_first_name(gen_rng *r, char *out, size_t cap)
{
    sb b;
    sb_init(&b, out, cap);
    sb_add(&b, first_a[gen_below(r, COUNT(first_a))]);
    sb_add(&b, first_b[gen_below(r, COUNT(first_b))]);
}

static void last_part(gen_rng *r, sb *b)
{
    sb_add(b, last_a[gen_below(r, COUNT(last_a))]);
    sb_add(b, last_b[gen_below(r, COUNT(last_b))]);
}

void seal__gen_last_name(gen_rng *r, char *out, size_t cap)
{
    sb b;
    sb_init(&b, out, cap);
    unsigned k = (unsigned) gen_below(r, 100);
    if (k < 2) {
        sb_add(&b, "O'");
    } else if (k < 4) {
        sb_add(&b, "Mac");
    }
    last_part(r, &b);
    if (k >= 96) {
        sb_add(&b, "-");
        last_part(r, &b);
    }
}

void seal__gen_business_name(gen_rng *r, char *out, size_t cap)
{
    sb b;
    sb_init(&b, out, cap);
    last_part(r, &b);
    sb_add(&b, " ");
    sb_add(&b, biz_kind[gen_below(r, COUNT(biz_kind))]);
}

void seal__gen_facility(gen_rng *r, uint32_t place, bool processing, char *out, size_t cap)
{
    gen_place_info pl;
    seal__gen_place(place, &pl);
    sb b;
    sb_init(&b, out, cap);
    sb_add(&b, pl.city);
    if (processing) {
        static const char *const kinds[] = {" P&DC", " DISTRIBUTION CENTER",
                                            " NETWORK DISTRIBUTION CENTER", " PROCESSING CENTER"};
        sb_add(&b, " ");
        sb_add(&b, pl.state);
        sb_add(&b, kinds[gen_below(r, COUNT(kinds))]);
    } else {
        char zip[6];
        seal__gen_fmt_fixed(zip, pl.zip, 5);
        zip[5] = '\0';
        sb_add(&b, ", ");
        sb_add(&b, pl.state);
        sb_add(&b, " ");
        sb_add(&b, zip);
    }
    upper(out);
}
