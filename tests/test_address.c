/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Address standardiser: exact normalised lines and keys, a table of
 * same / different delivery-point pairs (Pub 28 examples and the spelling
 * variants real mail uses), error classes whose messages must not quote the
 * address, the generated lexicon against schema/pub28, and allocation
 * failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "address/address_int.h"
#include "sealed/address.h"
#include "sealed/alloc.h"
#include "testutil.h"

typedef struct {
    const char *in;
    const char *want;
} io_case;

static const io_case normalize_cases[] = {
    {"1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W COLFAX AVE APT 3, DENVER CO 80204"},
    {"1400 west colfax avenue #3 denver, co 80204-1234",
     "1400 W COLFAX AVE # 3, DENVER CO 80204-1234"},
    {"PO Box 123, Springfield IL 62704", "PO BOX 123, SPRINGFIELD IL 62704"},
    {"P.O. Box 123, Springfield, Illinois 62704", "PO BOX 123, SPRINGFIELD IL 62704"},
    {"post office box 9, Austin, TX 787011234", "PO BOX 9, AUSTIN TX 78701-1234"},
    {"  1400   W.  Colfax   Ave.,  Unit 3 ,  Denver , Colorado  80204 ",
     "1400 W COLFAX AVE UNIT 3, DENVER CO 80204"},
    {"1400 Colfax Ave W Apt 3, Denver CO 80204", "1400 COLFAX AVE W APT 3, DENVER CO 80204"},
    {"100 Avenue of the Americas, New York, NY 10013",
     "100 AVENUE OF THE AMERICAS, NEW YORK NY 10013"},
    {"10 Fifth Avenue, New York NY 10011", "10 5TH AVE, NEW YORK NY 10011"},
    {"RR 2 Box 152, Tupelo MS 38801", "RR 2 BOX 152, TUPELO MS 38801"},
    {"Rural Route 2, Box 152, Tupelo MS 38801", "RR 2 BOX 152, TUPELO MS 38801"},
    {"HC 68 Box 23A, Big Sandy MT 59520", "HC 68 BOX 23A, BIG SANDY MT 59520"},
    {"Highway Contract 68 Box 23A, Big Sandy, Montana 59520", "HC 68 BOX 23A, BIG SANDY MT 59520"},
    {"123 1/2 N Front St Rear, Harrisburg PA 17101",
     "123 1/2 N FRONT ST REAR, HARRISBURG PA 17101"},
    {"123 Park Hill Rd Fort Worth TX 76101", "123 PARK HILL RD, FORT WORTH TX 76101"},
    {"123 Main St Fort Worth TX", "123 MAIN ST, FORT WORTH TX"},
    {"1 Calle Ñandú, San Juan PR 00901", "1 CALLE NANDU, SAN JUAN PR 00901"},
    {"77 Rue Café, Montréal", "77 RUE CAFE, MONTREAL"},
    {"500 N.E. Oak Blvd Ste 200, Portland OR 97232", "500 NE OAK BLVD STE 200, PORTLAND OR 97232"},
    {"500 North East Oak Boulevard Suite 200, Portland, Oregon 97232",
     "500 NE OAK BLVD STE 200, PORTLAND OR 97232"},
    {"500 Oak Blvd N E, Portland OR 97232", "500 OAK BLVD NE, PORTLAND OR 97232"},
    {"12 North St, Pittsfield MA 01201", "12 NORTH ST, PITTSFIELD MA 01201"},
    {"12 Avenue N, Brooklyn NY 11230", "12 AVENUE N, BROOKLYN NY 11230"},
    {"9 Main Street Apartment 12B, Dover, Delaware 19901", "9 MAIN ST APT 12B, DOVER DE 19901"},
    {"9 Main St Apt # 12B, Dover DE 19901", "9 MAIN ST APT 12B, DOVER DE 19901"},
    {"9 Main St, Apt 12B, Dover, DE 19901", "9 MAIN ST APT 12B, DOVER DE 19901"},
    {"9 Main St Penthouse, Dover DE 19901", "9 MAIN ST PH, DOVER DE 19901"},
    {"40 O'Brien Way, Boston MA 02110", "40 OBRIEN WAY, BOSTON MA 02110"},
    {"12-14 Winston-Salem Hwy, Winston-Salem, North Carolina 27101",
     "12-14 WINSTON-SALEM HWY, WINSTON-SALEM NC 27101"},
    {"1 Main St, Washington, District of Columbia 20001", "1 MAIN ST, WASHINGTON DC 20001"},
    {"1 Main St, Charleston, West Virginia 25301", "1 MAIN ST, CHARLESTON WV 25301"},
    {"1 Main St", "1 MAIN ST"},
    {"1400 W Colfax Ave Apt 3, Denver CO 80204\r", "1400 W COLFAX AVE APT 3, DENVER CO 80204"},
    {"350 Fifth Ave Fl 34, New York NY 10118", "350 5TH AVE FL 34, NEW YORK NY 10118"},
    {"1600 Pennsylvania Ave NW, Washington DC 20500",
     "1600 PENNSYLVANIA AVE NW, WASHINGTON DC 20500"},
    {"1600 Pennsylvania Avenue Northwest, Washington, D.C. 20500",
     "1600 PENNSYLVANIA AVE NW, WASHINGTON DC 20500"},
    /* version 3: Puerto Rico (Pub 28 §29) */
    {"Urb Las Gladiolas, 150 Calle A, San Juan PR 00926-3232",
     "URB LAS GLADIOLAS, 150 CALLE A, SAN JUAN PR 00926-3232"},
    {"URB. LAS GLADIOLAS 150 CALLE A, SAN JUAN, PUERTO RICO 00926",
     "URB LAS GLADIOLAS, 150 CALLE A, SAN JUAN PR 00926"},
    {"150 Calle A, Urbanización Las Gladiolas, San Juan PR 00926",
     "URB LAS GLADIOLAS, 150 CALLE A, SAN JUAN PR 00926"},
    {"1 Avenida Ponce de León, San Juan PR 00907", "1 AVE PONCE DE LEON, SAN JUAN PR 00907"},
    {"1 Calle E Apto 4, Ponce 00730", "1 CALLE E APT 4, PONCE PR 00730"},
    {"25 Calle Sol Edificio 2 Apartamento 4, Ponce PR 00730",
     "25 CALLE SOL BLDG 2 APT 4, PONCE PR 00730"},
    {"2 Calle Rey, Charlotte Amalie 00802", "2 CALLE REY, CHARLOTTE AMALIE VI 00802"},
    /* version 3: highways (Pub 28 §232) */
    {"100 State Rte 9, Albany NY 12207", "100 STATE ROUTE 9, ALBANY NY 12207"},
    {"100 SR-9 Albany NY 12207", "100 STATE ROUTE 9, ALBANY NY 12207"},
    {"100 state hwy 9 apt 3 albany ny 12207", "100 STATE HIGHWAY 9 APT 3, ALBANY NY 12207"},
    {"100 U.S. Hwy 1 N, Trenton NJ 08601", "100 US HIGHWAY 1 N, TRENTON NJ 08601"},
    {"100 N US Highway 1, Trenton NJ 08601", "100 N US HIGHWAY 1, TRENTON NJ 08601"},
    {"100 Co Rd 12 Ames IA 50010", "100 COUNTY ROAD 12, AMES IA 50010"},
    {"100 IH 95, Miami FL 33101", "100 INTERSTATE 95, MIAMI FL 33101"},
    {"10000 Farm to Market Road 1960 W, Houston TX 77070", "10000 FM 1960 W, HOUSTON TX 77070"},
    {"100 Ranch Rd 620, Austin TX 78734", "100 RANCH ROAD 620, AUSTIN TX 78734"},
    {"100 County Road J, Wausau WI 54401", "100 COUNTY ROAD J, WAUSAU WI 54401"},
    /* version 3: unit letters and number words */
    {"9 Main St Apt 3 B Dover DE 19901", "9 MAIN ST APT 3B, DOVER DE 19901"},
    {"One Main St, Dover DE 19901", "1 MAIN ST, DOVER DE 19901"},
    {"Twenty One Main St, Dover DE 19901", "21 MAIN ST, DOVER DE 19901"},
    {"12 One Tree Hill Rd, Dover DE 19901", "12 ONE TREE HILL RD, DOVER DE 19901"},
};

static const io_case key_cases[] = {
    {"1400 W Colfax Ave Apt 3, Denver CO 80204", "80204|1400|W COLFAX AVE|3"},
    {"1400 west colfax avenue #3 denver, co 80204-1234", "80204|1400|W COLFAX AVE|3"},
    /* FL is Florida before a ZIP Code, a floor before a small number */
    {"4234  Norrin St., Vandrley FL 33542", "33542|4234|NORRIN ST|"},
    {"12 Main St Fl 3, Denver CO 80204", "80204|12|MAIN ST|3"},
    {"PO Box 123, Springfield IL 62704", "62704|123|PO BOX|"},
    {"100 Avenue of the Americas, New York, NY 10013", "10013|100|AVE OF THE AMERICAS|"},
    {"12 Mount Vernon St, Boston MA 02108", "02108|12|MT VERNON ST|"},
    {"5 Saint Charles Avenue, New Orleans LA 70130", "70130|5|ST CHARLES AVE|"},
    {"3 Fort Hamilton Pkwy, Brooklyn NY 11218", "11218|3|FT HAMILTON PKWY|"},
    {"RR 2 Box 152, Tupelo MS 38801", "38801|152|RR 2|"},
    {"123 Main St Fort Worth TX", "FT WORTH TX|123|MAIN ST|"},
    {"123 Main Street, Saint Louis, Missouri", "ST LOUIS MO|123|MAIN ST|"},
    {"123 1/2 N Front St Rear, Harrisburg PA 17101", "17101|123 1/2|N FRONT ST|REAR"},
    {"500 Oak Blvd N E, Portland OR 97232", "97232|500|OAK BLVD NE|"},
    {"12 North St, Pittsfield MA 01201", "01201|12|N ST|"},
    /* version 3 */
    {"Urb Las Gladiolas, 150 Calle A Apt 4, San Juan PR 00926",
     "00926|150|CALLE A|4|LAS GLADIOLAS"},
    {"150 Calle A, San Juan PR 00926", "00926|150|CALLE A|"},
    {"1 Avenida Ponce de Leon, San Juan PR 00907", "00907|1|AVE PONCE DE LEON|"},
    {"100 State Hwy 09, Albany NY 12207", "12207|100|STATE ROUTE 9|"},
    {"100 U S Hwy 1 N, Trenton NJ 08601", "08601|100|US HIGHWAY 1 N|"},
    {"100 CR 12, Ames IA 50010", "50010|100|COUNTY ROAD 12|"},
    {"100 County Hwy 12, Ames IA 50010", "50010|100|COUNTY HIGHWAY 12|"},
    {"100 I-95, Miami FL 33101", "33101|100|INTERSTATE 95|"},
    {"10000 FM 1960 Rd W, Houston TX 77070", "77070|10000|FM 1960 W|"},
    {"100 US Hwy 1 Byp, Trenton NJ 08601", "08601|100|US HIGHWAY 1 BYP|"},
    {"100 RM 620 Austin TX 78734", "78734|100|RANCH ROAD 620|"},
    {"9 Main St Apt 3 B, Dover DE 19901", "19901|9|MAIN ST|3B"},
    {"Seven Main St, Dover DE 19901", "19901|7|MAIN ST|"},
};

typedef struct {
    const char *a;
    const char *b;
    bool same;
} pair_case;

#define SAME(a, b)                                                                                 \
    {                                                                                              \
        a, b, true                                                                                 \
    }
#define DIFF(a, b)                                                                                 \
    {                                                                                              \
        a, b, false                                                                                \
    }

static const pair_case pairs[] = {
    /* case, spacing, punctuation (Pub 28 §212) */
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 w colfax ave apt 3, denver co 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204",
         "1400  W  COLFAX  AVE  APT  3  DENVER  CO  80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204",
         "1400 W. Colfax Ave., Apt. 3, Denver, CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave Apt 3\tDenver CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave; Apt 3; Denver; CO; 80204"),
    /* suffixes (Appendix C1) */
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204",
         "1400 West Colfax Avenue Apt 3, Denver CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Av Apt 3, Denver CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Avenu Apt 3, Denver CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Avn Apt 3, Denver CO 80204"),
    SAME("10 Elm St, Dayton OH 45402", "10 Elm Street, Dayton OH 45402"),
    SAME("10 Elm St, Dayton OH 45402", "10 Elm Str, Dayton OH 45402"),
    SAME("10 Elm St, Dayton OH 45402", "10 Elm Strt, Dayton OH 45402"),
    SAME("10 Oak Blvd, Dayton OH 45402", "10 Oak Boulevard, Dayton OH 45402"),
    SAME("10 Oak Blvd, Dayton OH 45402", "10 Oak Boul, Dayton OH 45402"),
    SAME("10 Oak Dr, Dayton OH 45402", "10 Oak Drive, Dayton OH 45402"),
    SAME("10 Oak Dr, Dayton OH 45402", "10 Oak Drv, Dayton OH 45402"),
    SAME("10 Oak Ln, Dayton OH 45402", "10 Oak Lane, Dayton OH 45402"),
    SAME("10 Oak Rd, Dayton OH 45402", "10 Oak Road, Dayton OH 45402"),
    SAME("10 Oak Ct, Dayton OH 45402", "10 Oak Court, Dayton OH 45402"),
    SAME("10 Oak Cir, Dayton OH 45402", "10 Oak Circle, Dayton OH 45402"),
    SAME("10 Oak Cir, Dayton OH 45402", "10 Oak Crcl, Dayton OH 45402"),
    SAME("10 Oak Pkwy, Dayton OH 45402", "10 Oak Parkway, Dayton OH 45402"),
    SAME("10 Oak Pkwy, Dayton OH 45402", "10 Oak Pky, Dayton OH 45402"),
    SAME("10 Oak Ter, Dayton OH 45402", "10 Oak Terrace, Dayton OH 45402"),
    SAME("10 Oak Hwy, Dayton OH 45402", "10 Oak Highway, Dayton OH 45402"),
    SAME("10 Oak Trl, Dayton OH 45402", "10 Oak Trail, Dayton OH 45402"),
    SAME("10 Oak Xing, Dayton OH 45402", "10 Oak Crossing, Dayton OH 45402"),
    SAME("10 Oak Hts, Dayton OH 45402", "10 Oak Heights, Dayton OH 45402"),
    SAME("10 Oak Ctr, Dayton OH 45402", "10 Oak Centre, Dayton OH 45402"),
    SAME("10 Oak Expy, Dayton OH 45402", "10 Oak Expressway, Dayton OH 45402"),
    SAME("10 Oak Tpke, Dayton OH 45402", "10 Oak Turnpike, Dayton OH 45402"),
    SAME("10 Oak Sq, Dayton OH 45402", "10 Oak Square, Dayton OH 45402"),
    SAME("10 Oak Pl, Dayton OH 45402", "10 Oak Place, Dayton OH 45402"),
    SAME("10 Oak Plz, Dayton OH 45402", "10 Oak Plaza, Dayton OH 45402"),
    SAME("10 Oak Mtn, Dayton OH 45402", "10 Oak Mountain, Dayton OH 45402"),
    /* directionals (Pub 28 §233) */
    SAME("500 NE Oak Blvd, Portland OR 97232", "500 Northeast Oak Blvd, Portland OR 97232"),
    SAME("500 NE Oak Blvd, Portland OR 97232", "500 N.E. Oak Blvd, Portland OR 97232"),
    SAME("500 NE Oak Blvd, Portland OR 97232", "500 N E Oak Blvd, Portland OR 97232"),
    SAME("500 NE Oak Blvd, Portland OR 97232", "500 North East Oak Blvd, Portland OR 97232"),
    SAME("500 Oak Blvd SW, Portland OR 97232", "500 Oak Boulevard Southwest, Portland OR 97232"),
    SAME("500 Oak Blvd SW, Portland OR 97232", "500 Oak Blvd S W, Portland OR 97232"),
    SAME("1600 Pennsylvania Ave NW, Washington DC 20500",
         "1600 Pennsylvania Avenue Northwest, Washington, D.C. 20500"),
    SAME("12 North St, Pittsfield MA 01201", "12 N St, Pittsfield MA 01201"),
    /* units (Appendix C2, §213) */
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave #3, Denver CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave # 3, Denver CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave Unit 3, Denver CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204",
         "1400 W Colfax Ave Apartment 3, Denver CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave, Apt 3, Denver CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave Apt #3, Denver CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave APT#3 Denver CO 80204"),
    SAME("9 Main St Ste 100, Dover DE 19901", "9 Main St Suite 100, Dover DE 19901"),
    SAME("9 Main St Ste 100, Dover DE 19901", "9 Main Street, Suite 100, Dover, Delaware 19901"),
    SAME("9 Main St Rm 12, Dover DE 19901", "9 Main St Room 12, Dover DE 19901"),
    SAME("9 Main St Fl 2, Dover DE 19901", "9 Main St Floor 2, Dover DE 19901"),
    SAME("9 Main St Bldg C, Dover DE 19901", "9 Main St Building C, Dover DE 19901"),
    SAME("9 Main St Apt B, Dover DE 19901", "9 Main St # B, Dover DE 19901"),
    SAME("9 Main St Rear, Dover DE 19901", "9 Main Street Rear, Dover DE 19901"),
    SAME("9 Main St Ph, Dover DE 19901", "9 Main St Penthouse, Dover DE 19901"),
    SAME("9 Main St Bsmt, Dover DE 19901", "9 Main St Basement, Dover DE 19901"),
    /* states (Appendix B), ZIP+4, city ignored with a ZIP */
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204",
         "1400 W Colfax Ave Apt 3, Denver Colorado 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204",
         "1400 W Colfax Ave Apt 3, Denver CO 80204-1234"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204",
         "1400 W Colfax Ave Apt 3, Denver CO 802041234"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave Apt 3, Lakewood CO 80204"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave Apt 3 80204"),
    SAME("1 Main St, Charleston WV 25301", "1 Main St, Charleston, West Virginia 25301"),
    SAME("1 Main St, New York NY 10001", "1 Main St, New York, New York 10001"),
    SAME("1 Main St, Raleigh NC 27601", "1 Main St, Raleigh, North Carolina 27601"),
    SAME("1 Main St, Saint Louis MO", "1 Main St, St. Louis, Missouri"),
    SAME("1 Main St, Mount Vernon NY", "1 Main St, Mt Vernon, New York"),
    /* PO Box (§281), rural route (§241), highway contract (§251) */
    SAME("PO Box 123, Springfield IL 62704", "P.O. Box 123, Springfield IL 62704"),
    SAME("PO Box 123, Springfield IL 62704", "P O Box 123, Springfield IL 62704"),
    SAME("PO Box 123, Springfield IL 62704", "Post Office Box 123, Springfield IL 62704"),
    SAME("PO Box 123, Springfield IL 62704", "POB 123, Springfield IL 62704"),
    SAME("PO Box 123, Springfield IL 62704", "Box 123, Springfield IL 62704"),
    SAME("PO Box 123, Springfield IL 62704", "PO Box #123, Springfield IL 62704"),
    SAME("RR 2 Box 152, Tupelo MS 38801", "Rural Route 2 Box 152, Tupelo MS 38801"),
    SAME("RR 2 Box 152, Tupelo MS 38801", "RFD 2 Box 152, Tupelo MS 38801"),
    SAME("RR 2 Box 152, Tupelo MS 38801", "R.R. 2, Box 152, Tupelo MS 38801"),
    SAME("HC 68 Box 23, Big Sandy MT 59520", "Highway Contract 68 Box 23, Big Sandy MT 59520"),
    SAME("HC 68 Box 23, Big Sandy MT 59520", "Star Route 68 Box 23, Big Sandy MT 59520"),
    /* words canonicalised wherever they stand (issue 6) */
    SAME("100 Avenue of the Americas, New York NY 10013",
         "100 Ave of the Americas, New York NY 10013"),
    SAME("12 Mount Vernon St, Boston MA 02108", "12 Mt Vernon Street, Boston MA 02108"),
    SAME("3 Fort Hamilton Pkwy, Brooklyn NY 11218", "3 Ft Hamilton Parkway, Brooklyn NY 11218"),
    SAME("5 Saint Charles Ave, New Orleans LA 70130", "5 St. Charles Avenue, New Orleans LA 70130"),
    SAME("10 Fifth Ave, New York NY 10011", "10 5th Avenue, New York NY 10011"),
    SAME("20 First St, Troy NY 12180", "20 1st Street, Troy NY 12180"),
    SAME("20 Twenty First St, Troy NY 12180", "20 Twenty 1st St, Troy NY 12180"),
    /* diacritics */
    SAME("1 Calle Ñandú, San Juan PR 00901", "1 Calle Nandu, San Juan PR 00901"),
    SAME("7 Rue Élysée, Bâton Rouge LA 70801", "7 RUE ELYSEE, BATON ROUGE LA 70801"),
    /* no comma between street and city */
    SAME("123 Main St, Fort Worth TX 76101", "123 Main St Fort Worth TX 76101"),
    SAME("123 Park Hill Rd, Fort Worth TX 76101", "123 Park Hill Road Fort Worth TX 76101"),
    SAME("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 west colfax avenue #3 denver, co 80204"),

    /* different delivery points */
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave Apt 4, Denver CO 80204"),
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "1402 W Colfax Ave Apt 3, Denver CO 80204"),
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 E Colfax Ave Apt 3, Denver CO 80204"),
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 Colfax Ave W Apt 3, Denver CO 80204"),
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 Colfax Ave Apt 3, Denver CO 80204"),
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave, Denver CO 80204"),
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax St Apt 3, Denver CO 80204"),
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave Apt 3, Denver CO 80205"),
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave Apt 3B, Denver CO 80204"),
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave Apt 30, Denver CO 80204"),
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "1400 W Colfax Ave Rear, Denver CO 80204"),
    DIFF("1400 W Colfax Ave Apt 3, Denver CO 80204", "3 W Colfax Ave Apt 1400, Denver CO 80204"),
    DIFF("10 Elm St, Dayton OH 45402", "10 Elm Ave, Dayton OH 45402"),
    DIFF("10 Elm St, Dayton OH 45402", "10 Elm Ct, Dayton OH 45402"),
    DIFF("10 Elm St, Dayton OH 45402", "10 Elm, Dayton OH 45402"),
    DIFF("10 Elm St, Dayton OH 45402", "10 N Elm St, Dayton OH 45402"),
    DIFF("10 Elm St, Dayton OH 45402", "10 Elm St N, Dayton OH 45402"),
    DIFF("10 Elm St, Dayton OH 45402", "10 Elms St, Dayton OH 45402"),
    DIFF("10 Elm St, Dayton OH 45402", "10 Old Elm St, Dayton OH 45402"),
    DIFF("10 Elm St, Dayton OH 45402", "100 Elm St, Dayton OH 45402"),
    DIFF("10 Elm St, Dayton OH 45402", "10A Elm St, Dayton OH 45402"),
    DIFF("10 Elm St, Dayton OH 45402", "10 1/2 Elm St, Dayton OH 45402"),
    DIFF("500 NE Oak Blvd, Portland OR 97232", "500 NW Oak Blvd, Portland OR 97232"),
    DIFF("500 NE Oak Blvd, Portland OR 97232", "500 N Oak Blvd, Portland OR 97232"),
    DIFF("500 NE Oak Blvd, Portland OR 97232", "500 Oak Blvd NE, Portland OR 97232"),
    DIFF("500 Oak Blvd SW, Portland OR 97232", "500 Oak Blvd SE, Portland OR 97232"),
    DIFF("9 Main St Ste 100, Dover DE 19901", "9 Main St Ste 101, Dover DE 19901"),
    DIFF("9 Main St Rear, Dover DE 19901", "9 Main St Front, Dover DE 19901"),
    DIFF("9 Main St Rear, Dover DE 19901", "9 Main St, Dover DE 19901"),
    DIFF("9 Main St Apt A, Dover DE 19901", "9 Main St Apt B, Dover DE 19901"),
    DIFF("PO Box 123, Springfield IL 62704", "PO Box 124, Springfield IL 62704"),
    DIFF("PO Box 123, Springfield IL 62704", "PO Box 123, Springfield IL 62705"),
    DIFF("PO Box 123, Springfield IL 62704", "123 Box St, Springfield IL 62704"),
    DIFF("PO Box 123, Springfield IL 62704", "RR 1 Box 123, Springfield IL 62704"),
    DIFF("RR 2 Box 152, Tupelo MS 38801", "RR 3 Box 152, Tupelo MS 38801"),
    DIFF("RR 2 Box 152, Tupelo MS 38801", "HC 2 Box 152, Tupelo MS 38801"),
    DIFF("RR 2 Box 152, Tupelo MS 38801", "RR 2 Box 153, Tupelo MS 38801"),
    DIFF("1 Main St, Saint Louis MO", "1 Main St, Saint Louis IL"),
    DIFF("1 Main St, Springfield IL", "1 Main St, Springfield MO"),
    DIFF("1 Main St, Springfield IL", "1 Main St, Chatham IL"),
    DIFF("10 Fifth Ave, New York NY 10011", "10 Fourth Ave, New York NY 10011"),
    DIFF("10 Fifth Ave, New York NY 10011", "10 15th Ave, New York NY 10011"),
    DIFF("12 Mount Vernon St, Boston MA 02108", "12 Vernon St, Boston MA 02108"),
    DIFF("12 Mount Vernon St, Boston MA 02108", "12 Mount Vernon Ave, Boston MA 02108"),
    DIFF("5 Saint Charles Ave, New Orleans LA 70130", "5 Charles Ave, New Orleans LA 70130"),
    DIFF("12 North St, Pittsfield MA 01201", "12 South St, Pittsfield MA 01201"),
    DIFF("12 North St, Pittsfield MA 01201", "12 N Main St, Pittsfield MA 01201"),
    DIFF("12 Avenue N, Brooklyn NY 11230", "12 Avenue S, Brooklyn NY 11230"),
    DIFF("12-14 Main St, Dover DE 19901", "12 Main St, Dover DE 19901"),
    DIFF("1 Park Ave, New York NY 10016", "1 Park Pl, New York NY 10016"),
    DIFF("1 Park Ave, New York NY 10016", "1 Park Ave S, New York NY 10016"),
    DIFF("1 Lake Shore Dr, Chicago IL 60611", "1 N Lake Shore Dr, Chicago IL 60611"),
    DIFF("1400 Colfax Ave Apt 3, Denver CO 80204", "1400 Colfax Ave Bldg 3 Apt 1, Denver CO 80204"),
    /* version 2: unit and primary numbers (Pub 28 §213: hyphens and leading
     * zeros do not make another delivery point) */
    SAME("9 Main St Apt 3B, Dover DE 19901", "9 Main St Apt 3-B, Dover DE 19901"),
    SAME("9 Main St Apt 3B, Dover DE 19901", "9 Main St # 3-B, Dover DE 19901"),
    SAME("9 Main St Apt 3, Dover DE 19901", "9 Main St Apt 03, Dover DE 19901"),
    SAME("9 Main St Apt 3, Dover DE 19901", "9 Main St #003, Dover DE 19901"),
    SAME("9 Main St Ste 110, Dover DE 19901", "9 Main St Suite 0110, Dover DE 19901"),
    SAME("12 Main St, Dover DE 19901", "0012 Main St, Dover DE 19901"),
    SAME("9 Main St Apt B-2, Dover DE 19901", "9 Main St Apt B2, Dover DE 19901"),
    SAME("9 Main St Unit 12-A, Dover DE 19901", "9 Main St Apt 12A, Dover DE 19901"),
    DIFF("9 Main St Apt 3B, Dover DE 19901", "9 Main St Apt 3, Dover DE 19901"),
    DIFF("9 Main St Apt 30, Dover DE 19901", "9 Main St Apt 3, Dover DE 19901"),
    DIFF("9 Main St Apt 3B, Dover DE 19901", "9 Main St Apt 3C, Dover DE 19901"),
    DIFF("9 Main St Apt 10, Dover DE 19901", "9 Main St Apt 1, Dover DE 19901"),
    DIFF("120 Main St, Dover DE 19901", "12 Main St, Dover DE 19901"),
    DIFF("9 Main St Apt 100, Dover DE 19901", "9 Main St Apt 10, Dover DE 19901"),
    /* military (Pub 28 §225) */
    SAME("PSC 1234 Box 5678, APO AE 09204", "psc 1234 box 5678 apo ae 09204"),
    SAME("PSC 1234 Box 5678, APO AE 09204", "PSC 1234, Box 5678, APO, AE 09204-1234"),
    SAME("Unit 2050 Box 4190, APO AP 96278", "UNIT 2050 BOX 4190 APO AP 96278"),
    SAME("CMR 450 Box 12, APO AE 09005", "CMR 450 BOX 12, APO, AE 09005"),
    SAME("PSC 802 Box 74, FPO AE 09499", "PSC 802 Box #74, FPO AE 09499"),
    SAME("Unit 8400 Box 1, DPO AE 09498", "UNIT 8400 BOX 0001, DPO AE 09498"),
    DIFF("PSC 1234 Box 5678, APO AE 09204", "PSC 1234 Box 5679, APO AE 09204"),
    DIFF("PSC 1234 Box 5678, APO AE 09204", "PSC 1235 Box 5678, APO AE 09204"),
    DIFF("PSC 1234 Box 5678, APO AE 09204", "CMR 1234 Box 5678, APO AE 09204"),
    DIFF("PSC 1234 Box 5678, APO AE 09204", "Unit 1234 Box 5678, APO AE 09204"),
    DIFF("PSC 1234 Box 5678, APO AE 09204", "PSC 1234 Box 5678, APO AE 09205"),
    DIFF("PSC 1234 Box 5678, APO AE 09204", "PO Box 5678, APO AE 09204"),
    /* Puerto Rico (Pub 28 §29): Calle, urbanization-free lines */
    SAME("1 Calle Ñandú, San Juan PR 00901", "1 CALLE NANDU, SAN JUAN PR 00901"),
    SAME("1 Calle Ñandú, San Juan PR 00901", "1 calle ñandú, san juan, puerto rico 00901"),
    SAME("25 Calle Sol Apt 4, Ponce PR 00730", "25 CALLE SOL # 4, PONCE PR 00730"),
    DIFF("25 Calle Sol Apt 4, Ponce PR 00730", "25 Calle Luna Apt 4, Ponce PR 00730"),
    DIFF("25 Calle Sol Apt 4, Ponce PR 00730", "27 Calle Sol Apt 4, Ponce PR 00730"),
    /* generator variants (docs/gen.md "How one delivery point is spelled") */
    SAME("1489 Merrin Street SE, Quillston, AL 36480-9972", "1489 MERRIN ST SE QUILLSTON AL 36480"),
    SAME("1489 Merrin Street SE, Quillston, AL 36480-9972",
         "1489 merrin str. s.e., quillston alabama 36480"),
    SAME("1489 Merrin Street SE, Quillston, AL 36480-9972",
         "1489 Merrin St Southeast, Quillston, AL 36480"),
    SAME("128 N Stipley Street, Orvham WV 26449",
         "128 NORTH STIPLEY ST, ORVHAM, WEST VIRGINIA 26449"),
    SAME("128 N Stipley Street, Orvham WV 26449", "128 N. Stipley St.  Orvham WV 26449-1234"),
    SAME("444 Cackett Parkway, Mardwick IL 61697", "444 CACKETT PKWY MARDWICK IL 61697"),
    SAME("444 Cackett Parkway, Mardwick IL 61697", "444 Cackett Pky, Mardwick, IL 61697"),
    SAME("3874 Southeast 6th Ct Apt. 4D, Sorncrest MD 21418",
         "3874 S.E. 6TH CRT  APT 4D, SORNCREST MARYLAND 21418"),
    SAME("3874 Southeast 6th Ct Apt. 4D, Sorncrest MD 21418",
         "3874 SE Sixth Court #4D, Sorncrest MD 21418"),
    SAME("77 Pulver Court, Fandridge, IA 51386", "77 Pulver Crt, Fandridge Iowa 51386"),
    SAME("1533 West Gungate Ct, Morvchester NM 87950", "1533 w gungate crt, morvchester, nm 87950"),
    SAME("569 W 2nd Street Apt 5B, Grellford OK 73766-0935",
         "569 WEST 2ND ST # 5B, GRELLFORD OK 73766"),
    SAME("569 W 2nd Street Apt 5B, Grellford OK 73766-0935",
         "569 W Second St Apt. 5B Grellford OK 73766"),
    SAME("2574 3rd Boulevard Ste 400, Brix Springs MO 65236",
         "2574 3RD BLVD SUITE 400, BRIX SPRINGS MO 65236-2537"),
    SAME("2574 3rd Boulevard Ste 400, Brix Springs MO 65236",
         "2574 Third Boul Ste 400, Brix Springs, Missouri 65236"),
    SAME("938 Vumley Avenue Ste 200, Neskcrest NY 12498",
         "938 VUMLEY AV STE 200 NESKCREST NY 12498"),
    SAME("1725 Tusby St SE, Liskmore RI 02850", "1725 TUSBY STREET S.E. LISKMORE RI 02850"),
    DIFF("1725 Tusby St SE, Liskmore RI 02850", "1725 Tusby St SW, Liskmore RI 02850"),
    DIFF("1725 Tusby St SE, Liskmore RI 02850", "1725 SE Tusby St, Liskmore RI 02850"),
    DIFF("569 W 2nd Street Apt 5B, Grellford OK 73766",
         "569 W 2nd Street Apt 5C, Grellford OK 73766"),
    DIFF("569 W 2nd Street Apt 5B, Grellford OK 73766",
         "571 W 2nd Street Apt 5B, Grellford OK 73766"),
    DIFF("569 W 2nd Street Apt 5B, Grellford OK 73766",
         "569 W 3rd Street Apt 5B, Grellford OK 73766"),
    DIFF("938 Vumley Avenue Ste 200, Neskcrest NY 12498",
         "938 Vumley Avenue Ste 210, Neskcrest NY 12498"),
    DIFF("938 Vumley Avenue Ste 200, Neskcrest NY 12498",
         "938 Vumley Avenue Ste 200, Neskcrest NY 12499"),
    DIFF("444 Cackett Parkway, Mardwick IL 61697", "444 Cackett Place, Mardwick IL 61697"),
    /* version 3: Puerto Rico urbanizations (Pub 28 §29) */
    SAME("URB Las Gladiolas, 150 Calle A, San Juan PR 00926",
         "URB LAS GLADIOLAS 150 CALLE A, SAN JUAN PR 00926"),
    SAME("URB Las Gladiolas, 150 Calle A, San Juan PR 00926",
         "Urb. Las Gladiolas, 150 Calle A, San Juan, PR 00926-3232"),
    SAME("URB Las Gladiolas, 150 Calle A, San Juan PR 00926",
         "Urbanizacion Las Gladiolas, 150 Calle A, San Juan PR 00926"),
    SAME("URB Las Gladiolas, 150 Calle A, San Juan PR 00926",
         "URBANIZACIÓN LAS GLADIOLAS, 150 CALLE A, SAN JUAN, PUERTO RICO 00926"),
    SAME("URB Las Gladiolas, 150 Calle A, San Juan PR 00926",
         "150 Calle A, Urb Las Gladiolas, San Juan PR 00926"),
    SAME("URB Las Gladiolas, 150 Calle A, San Juan PR 00926",
         "urb las gladiolas, 150 calle a, san juan 00926"),
    SAME("URB Villa Carolina, 12 Calle 5 Apt 2, Carolina PR 00985",
         "URB VILLA CAROLINA, 12 CALLE 5 # 2, CAROLINA PR 00985"),
    SAME("URB Las Gladiolas, 150 Main St, San Juan PR 00926",
         "150 Main St Urb Las Gladiolas PR 00926"),
    DIFF("URB Las Gladiolas, 150 Calle A, San Juan PR 00926",
         "URB Villa Nevarez, 150 Calle A, San Juan PR 00926"),
    DIFF("URB Las Gladiolas, 150 Calle A, San Juan PR 00926", "150 Calle A, San Juan PR 00926"),
    DIFF("URB Las Gladiolas, 150 Calle A, San Juan PR 00926",
         "URB Las Gladiolas, 150 Calle B, San Juan PR 00926"),
    DIFF("URB Las Gladiolas, 150 Calle A, San Juan PR 00926",
         "URB Las Gladiolas, 152 Calle A, San Juan PR 00926"),
    DIFF("URB Villa Carolina, 12 Calle 5 Apt 2, Carolina PR 00985",
         "URB Villa Carolina, 12 Calle 5 Apt 3, Carolina PR 00985"),
    /* Calle and Avenida before the name, Spanish unit words */
    SAME("1 Calle Luna, Ponce PR 00730", "1 CALLE LUNA, PONCE, PUERTO RICO 00730"),
    SAME("1 Calle 1, Ponce PR 00730", "1 calle 1, ponce 00730"),
    SAME("1 Avenida Ponce de Leon, San Juan PR 00907", "1 Ave Ponce de Leon, San Juan PR 00907"),
    SAME("1 Avenida Ponce de Leon, San Juan PR 00907", "1 AVDA PONCE DE LEON, SAN JUAN PR 00907"),
    SAME("25 Calle Sol Apt 4, Ponce PR 00730", "25 Calle Sol Apartamento 4, Ponce PR 00730"),
    SAME("25 Calle Sol Apt 4, Ponce PR 00730", "25 Calle Sol Apto. 4, Ponce PR 00730"),
    SAME("25 Calle Sol Bldg 2 Apt 4, Ponce PR 00730", "25 Calle Sol Edif 2 Apto 4, Ponce PR 00730"),
    DIFF("1 Calle Luna, Ponce PR 00730", "1 Calle Sol, Ponce PR 00730"),
    DIFF("1 Calle 1, Ponce PR 00730", "1 Calle 2, Ponce PR 00730"),
    DIFF("1 Calle E, Ponce PR 00730", "1 Calle W, Ponce PR 00730"),
    DIFF("1 Avenida Ponce de Leon, San Juan PR 00907", "1 Calle Ponce de Leon, San Juan PR 00907"),
    DIFF("25 Calle Sol Edif 2 Apto 4, Ponce PR 00730",
         "25 Calle Sol Edif 3 Apto 4, Ponce PR 00730"),
    /* highways (Pub 28 §232) */
    SAME("100 State Route 9, Albany NY 12207", "100 State Rte 9, Albany NY 12207"),
    SAME("100 State Route 9, Albany NY 12207", "100 SR 9, Albany NY 12207"),
    SAME("100 State Route 9, Albany NY 12207", "100 SR-9 Albany NY 12207"),
    SAME("100 State Route 9, Albany NY 12207", "100 State Highway 9, Albany NY 12207"),
    SAME("100 State Route 9, Albany NY 12207", "100 State Hwy 9 Albany NY 12207"),
    SAME("100 State Route 9, Albany NY 12207", "100 STATE ROAD 009, ALBANY NY 12207"),
    SAME("100 State Route 9 Apt 3, Albany NY 12207", "100 SR 9 # 3 Albany NY 12207"),
    SAME("100 US Highway 1, Trenton NJ 08601", "100 US Hwy 1, Trenton NJ 08601"),
    SAME("100 US Highway 1, Trenton NJ 08601", "100 U S Highway 1, Trenton NJ 08601"),
    SAME("100 US Highway 1, Trenton NJ 08601", "100 U.S. Hwy. 1 Trenton NJ 08601"),
    SAME("100 US Highway 1, Trenton NJ 08601", "100 US Route 1, Trenton NJ 08601"),
    SAME("100 US Highway 1 N, Trenton NJ 08601", "100 US Hwy 1 North, Trenton NJ 08601"),
    SAME("100 County Road 12, Ames IA 50010", "100 Co Rd 12, Ames IA 50010"),
    SAME("100 County Road 12, Ames IA 50010", "100 County Rd 12 Ames IA 50010"),
    SAME("100 County Road 12, Ames IA 50010", "100 CR 12, Ames, Iowa 50010"),
    SAME("100 Interstate 95, Miami FL 33101", "100 IH 95, Miami FL 33101"),
    SAME("100 Interstate 95, Miami FL 33101", "100 I-95, Miami FL 33101"),
    SAME("100 Interstate 95, Miami FL 33101", "100 I 95 Miami FL 33101"),
    SAME("10000 FM 1960 W, Houston TX 77070", "10000 Farm to Market Road 1960 W, Houston TX 77070"),
    SAME("10000 FM 1960 W, Houston TX 77070", "10000 FM 1960 Rd W, Houston TX 77070"),
    SAME("10000 FM 1960 W, Houston TX 77070", "10000 Farm to Market 1960 W Houston TX 77070"),
    SAME("100 Ranch Road 620, Austin TX 78734", "100 Ranch Rd 620, Austin TX 78734"),
    SAME("100 Ranch Road 620, Austin TX 78734", "100 RM 620, Austin TX 78734"),
    DIFF("100 State Route 9, Albany NY 12207", "100 State Route 90, Albany NY 12207"),
    DIFF("100 State Route 9, Albany NY 12207", "100 US Highway 9, Albany NY 12207"),
    DIFF("100 State Route 9, Albany NY 12207", "100 County Road 9, Albany NY 12207"),
    DIFF("100 State Route 9, Albany NY 12207", "100 Interstate 9, Albany NY 12207"),
    DIFF("100 State Route 9, Albany NY 12207", "102 State Route 9, Albany NY 12207"),
    DIFF("100 State Route 9 Apt 3, Albany NY 12207", "100 State Route 9 Apt 4, Albany NY 12207"),
    DIFF("100 US Highway 1, Trenton NJ 08601", "100 US Highway 1 N, Trenton NJ 08601"),
    DIFF("100 US Highway 1, Trenton NJ 08601", "100 N US Highway 1, Trenton NJ 08601"),
    DIFF("100 US Highway 1, Trenton NJ 08601", "100 US Highway 1 Byp, Trenton NJ 08601"),
    DIFF("100 US Highway 1, Trenton NJ 08601", "100 US Highway 11, Trenton NJ 08601"),
    DIFF("100 County Road 12, Ames IA 50010", "100 County Highway 12, Ames IA 50010"),
    DIFF("100 County Road 12, Ames IA 50010", "100 County Road 21, Ames IA 50010"),
    DIFF("100 County Road J, Wausau WI 54401", "100 County Road K, Wausau WI 54401"),
    DIFF("10000 FM 1960 W, Houston TX 77070", "10000 FM 1960 E, Houston TX 77070"),
    DIFF("10000 FM 1960 W, Houston TX 77070", "10000 FM 1906 W, Houston TX 77070"),
    DIFF("100 Ranch Road 620, Austin TX 78734", "100 FM 620, Austin TX 78734"),
    DIFF("100 Interstate 95, Miami FL 33101", "100 Interstate 595, Miami FL 33101"),
    /* a highway word that is not a highway name stays a street */
    DIFF("100 State St, Albany NY 12207", "100 State Route 9, Albany NY 12207"),
    SAME("100 I St NW, Washington DC 20001", "100 I Street Northwest, Washington DC 20001"),
    /* unit numbers with a space before one letter (Pub 28 §213) */
    SAME("9 Main St Apt 3B, Dover DE 19901", "9 Main St Apt 3 B, Dover DE 19901"),
    SAME("9 Main St Apt 3B, Dover DE 19901", "9 Main St # 3 B Dover DE 19901"),
    SAME("9 Main St Apt 3B, Dover DE 19901", "9 Main St Unit 3 b, Dover DE 19901"),
    DIFF("9 Main St Apt 3B, Dover DE 19901", "9 Main St Apt 3 C, Dover DE 19901"),
    DIFF("9 Main St Apt 3, Dover DE 19901", "9 Main St Apt 3 B, Dover DE 19901"),
    /* number words as primary numbers (Pub 28 §231) */
    SAME("1 Main St, Dover DE 19901", "One Main St, Dover DE 19901"),
    SAME("1 Main St, Dover DE 19901", "ONE MAIN STREET DOVER DE 19901"),
    SAME("12 Main St, Dover DE 19901", "Twelve Main St, Dover DE 19901"),
    SAME("21 Main St, Dover DE 19901", "Twenty One Main St, Dover DE 19901"),
    SAME("20 Main St Ste 5, Dover DE 19901", "Twenty Main St Suite 5, Dover DE 19901"),
    DIFF("1 Main St, Dover DE 19901", "Two Main St, Dover DE 19901"),
    DIFF("12 Main St, Dover DE 19901", "Twelve Main St, Dover DE 19902"),
    DIFF("12 One Tree Hill Rd, Dover DE 19901", "12 1 Tree Hill Rd, Dover DE 19901"),
};

static void test_normalize(void **state)
{
    (void) state;
    seal_buf out;
    seal_buf_init(&out);
    for (size_t i = 0; i < sizeof(normalize_cases) / sizeof(normalize_cases[0]); i++) {
        const io_case *c = &normalize_cases[i];
        seal_error err;
        seal_error_init(&err);
        seal_status st = seal_address_normalize(c->in, strlen(c->in), &out, &err);
        if (st != SEAL_OK || strcmp(seal_buf_str(&out), c->want) != 0) {
            print_error("normalize case %zu: got '%s' (%s), want '%s'\n", i, seal_buf_str(&out),
                        err.msg, c->want);
            fail();
        }
    }
    seal_buf_cleanup(&out);
}

static void test_keys(void **state)
{
    (void) state;
    seal_buf out;
    seal_buf_init(&out);
    for (size_t i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
        const io_case *c = &key_cases[i];
        seal_error err;
        seal_error_init(&err);
        seal_status st = seal_address_key(c->in, strlen(c->in), &out, &err);
        if (st != SEAL_OK || strcmp(seal_buf_str(&out), c->want) != 0) {
            print_error("key case %zu: got '%s' (%s), want '%s'\n", i, seal_buf_str(&out), err.msg,
                        c->want);
            fail();
        }
    }
    seal_buf_cleanup(&out);
}

/* Version 2 changed keys (unit and primary numbers, military addresses),
 * version 3 again (urbanizations, highways, APT 3 B, number words): the
 * store stamps index rows with a version derived from this one
 * (src/store/std.c), so `sealctl reindex` rebuilds rows of older versions. */
static void test_version(void **state)
{
    (void) state;
    assert_int_equal(SEAL_ADDRESS_STD_VERSION, 3);
    seal_buf k;
    seal_buf_init(&k);
    seal_error e;
    assert_int_equal(seal_address_key("9 Main St Apt 3-B, Dover DE 19901", 33, &k, &e), SEAL_OK);
    assert_string_equal(seal_buf_str(&k), "19901|9|MAIN ST|3B");
    assert_int_equal(seal_address_key("PSC 1234 Box 5678, APO AE 09204", 31, &k, &e), SEAL_OK);
    assert_string_equal(seal_buf_str(&k), "09204|5678|PSC 1234|");
    assert_int_equal(seal_address_normalize("psc 1234 box 5678 apo ae 09204", 30, &k, &e), SEAL_OK);
    assert_string_equal(seal_buf_str(&k), "PSC 1234 BOX 5678, APO AE 09204");
    assert_int_equal(seal_address_key("100 SR 9, Albany NY 12207", 25, &k, &e), SEAL_OK);
    assert_string_equal(seal_buf_str(&k), "12207|100|STATE ROUTE 9|");
    seal_buf_cleanup(&k);
}

static void test_pairs(void **state)
{
    (void) state;
    size_t n = sizeof(pairs) / sizeof(pairs[0]);
    assert_true(n >= 100);
    seal_buf ka;
    seal_buf kb;
    seal_buf_init(&ka);
    seal_buf_init(&kb);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        const pair_case *p = &pairs[i];
        seal_error ea;
        seal_error eb;
        seal_error_init(&ea);
        seal_error_init(&eb);
        seal_status sa = seal_address_key(p->a, strlen(p->a), &ka, &ea);
        seal_status sb = seal_address_key(p->b, strlen(p->b), &kb, &eb);
        bool eq = strcmp(seal_buf_str(&ka), seal_buf_str(&kb)) == 0;
        if (sa != SEAL_OK || sb != SEAL_OK || eq != p->same) {
            print_error("pair %zu (%s): '%s' -> '%s' %s / '%s' -> '%s' %s\n", i,
                        p->same ? "same" : "different", p->a, seal_buf_str(&ka), ea.msg, p->b,
                        seal_buf_str(&kb), eb.msg);
            bad++;
        }
    }
    seal_buf_cleanup(&ka);
    seal_buf_cleanup(&kb);
    assert_int_equal(bad, 0);
}

typedef struct {
    const char *in;
    const char *msg; /* substring of err.msg */
} err_case;

static const err_case errors[] = {
    {"", "empty"},
    {"   ,,  ", "empty"},
    {"Main Street, Denver CO 80204", "no primary address number"},
    {"1400, Denver CO 80204", "no street name"},
    {"1400 Colfax Ave Apt, Denver CO 80204", "APT without a unit number"},
    {"1400 Colfax Ave Apt", "APT without a unit number"},
    {"1400 Colfax Ave #, Denver CO 80204", "'#' without a unit number"},
    {"PO Box, Springfield IL 62704", "PO Box without a box number"},
    {"RR 2, Tupelo MS 38801", "route without a box number"},
    {"1400 Colfax Ave, Denver, CO 8020", "ZIP Code must have 5 or 9 digits"},
    {"1400 Colfax Ave \x01 Denver", "control character"},
    {"1400 Colfax \xff Ave", "invalid UTF-8"},
    {"1400 Colfax \xc3", "invalid UTF-8"},
    {"1400 \xd0\x9a\xd0\xbe\xd0\xbb\xd1\x84\xd0\xb0\xd0\xba\xd1\x81 Ave", "Latin script"},
    /* runs of number words other than tens and a digit are not read */
    {"One Hundred Main St, Dover DE 19901", "no primary address number"},
    {"1400 Colfaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx Ave",
     "longer than 64"},
};

static void test_errors(void **state)
{
    (void) state;
    seal_buf out;
    seal_buf_init(&out);
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        seal_error err;
        seal_error_init(&err);
        seal_status st = seal_address_normalize(errors[i].in, strlen(errors[i].in), &out, &err);
        if (st != SEAL_INVALID || strstr(err.msg, errors[i].msg) == NULL || out.len != 0 ||
            strstr(err.msg, "Colfax") != NULL || strstr(err.msg, "COLFAX") != NULL) {
            print_error("error case %zu: status %s, msg '%s', want '%s'\n", i, seal_status_name(st),
                        err.msg, errors[i].msg);
            fail();
        }
    }
    /* no ZIP and no city/state: a line can be normalised but has no key */
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_address_key("1 Main St", 9, &out, &err), SEAL_INVALID);
    assert_non_null(strstr(err.msg, "neither a ZIP Code nor a city and state"));
    assert_int_equal(out.len, 0);
    /* limits: input length and word count */
    char big[SEAL_ADDRESS_MAX_INPUT + 2];
    memset(big, 'A', sizeof(big));
    assert_int_equal(seal_address_normalize(big, sizeof(big), &out, &err), SEAL_INVALID);
    assert_non_null(strstr(err.msg, "longer than"));
    char many[400];
    size_t m = 0;
    for (int i = 0; i < 60; i++) {
        many[m++] = '1';
        many[m++] = ' ';
    }
    assert_int_equal(seal_address_normalize(many, m, &out, &err), SEAL_INVALID);
    assert_non_null(strstr(err.msg, "more than"));
    /* NULL with n == 0 is an empty address; err may be NULL */
    assert_int_equal(seal_address_normalize(NULL, 0, &out, NULL), SEAL_INVALID);
    seal_buf_cleanup(&out);
}

static void test_parse_fields(void **state)
{
    (void) state;
    seal_address a;
    const char *in = "1400 W Colfax Ave Apt 3, Denver CO 80204-1234";
    assert_int_equal(seal_address_parse(in, strlen(in), &a, NULL), SEAL_OK);
    assert_int_equal(a.kind, SEAL_ADDRESS_STREET);
    assert_string_equal(a.number, "1400");
    assert_string_equal(a.predir, "W");
    assert_string_equal(a.street, "COLFAX");
    assert_string_equal(a.suffix, "AVE");
    assert_string_equal(a.postdir, "");
    assert_string_equal(a.unit_type, "APT");
    assert_string_equal(a.unit, "3");
    assert_string_equal(a.city, "DENVER");
    assert_string_equal(a.state, "CO");
    assert_string_equal(a.zip5, "80204");
    assert_string_equal(a.zip4, "1234");
    in = "HC 68 Box 23, Big Sandy MT 59520";
    assert_int_equal(seal_address_parse(in, strlen(in), &a, NULL), SEAL_OK);
    assert_int_equal(a.kind, SEAL_ADDRESS_HIGHWAY_ROUTE);
    assert_string_equal(a.route, "68");
    assert_string_equal(a.number, "23");
    /* input need not be NUL-terminated: only n bytes are read */
    const char raw[] = {'9', ' ', 'E', 'l', 'm', ' ', 'S', 't', 'X'};
    assert_int_equal(seal_address_parse(raw, 8, &a, NULL), SEAL_OK);
    assert_string_equal(a.street, "ELM");
    assert_string_equal(a.suffix, "ST");
}

/* Every spelling in schema/pub28 data files reaches its role through the
 * generated lexicon, so the C tables mirror the data files. */
static void check_tsv(const char *name, int role)
{
    char path[1024];
    const char *src = getenv("SEAL_SOURCE_DIR");
    snprintf(path, sizeof(path), "%s/schema/pub28/%s", src != NULL ? src : "..", name);
    char *text = tu_read_file(path, NULL);
    assert_non_null(text);
    size_t rows = 0;
    for (char *line = text; *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        if (line[0] != '#' && line[0] != '\0') {
            char *f[3] = {line, NULL, NULL};
            for (int k = 1; k < 3; k++) {
                char *tab = f[k - 1] != NULL ? strchr(f[k - 1], '\t') : NULL;
                if (tab != NULL) {
                    *tab = '\0';
                    f[k] = tab + 1;
                }
            }
            const char *std = f[0];
            const char *spellings = (role == 0 || role == 2) ? f[2] : f[1];
            assert_non_null(spellings);
            if (role == 3) {
                const seal__lex *l = seal__lex_find(std, strlen(std));
                assert_non_null(l);
                assert_true(l->state >= 0);
                assert_string_equal(seal__states[l->state], std);
            }
            char buf[256];
            snprintf(buf, sizeof(buf), "%s", spellings);
            char *save = buf;
            while (*save != '\0') {
                char *sp = strchr(save, ' ');
                size_t n = sp != NULL ? (size_t) (sp - save) : strlen(save);
                if (role == 3) {
                    n = strlen(save); /* state names hold spaces */
                }
                const seal__lex *l = seal__lex_find(save, n);
                if (l == NULL) {
                    print_error("%s: '%.*s' not in the lexicon\n", name, (int) n, save);
                    fail();
                }
                const char *got = role == 0 ? (l->suffix >= 0 ? seal__suffixes[l->suffix].abbr : "")
                                  : role == 1 ? (l->dir >= 0 ? seal__dirs[l->dir] : "")
                                  : role == 2 ? (l->unit >= 0 ? seal__units[l->unit].abbr : "")
                                  : role == 3 ? (l->state >= 0 ? seal__states[l->state] : "")
                                  : role == 5 ? (l->pretype >= 0 ? seal__pretypes[l->pretype] : "")
                                  : role == 6 ? (l->num != NULL ? l->num : "")
                                              : (l->canon != NULL ? l->canon : "");
                if (strcmp(got, std) != 0) {
                    print_error("%s: '%.*s' maps to '%s', want '%s'\n", name, (int) n, save, got,
                                std);
                    fail();
                }
                save += n;
                while (*save == ' ') {
                    save++;
                }
            }
            rows++;
        }
        if (nl == NULL) {
            break;
        }
        line = nl + 1;
    }
    assert_true(rows > 0);
    free(text);
}

/* highways.tsv: every spelling is in the generated table with its family's
 * key and standard forms, and its first word is flagged in the lexicon. */
static void check_highways(void)
{
    char path[1024];
    const char *src = getenv("SEAL_SOURCE_DIR");
    snprintf(path, sizeof(path), "%s/schema/pub28/highways.tsv", src != NULL ? src : "..");
    char *text = tu_read_file(path, NULL);
    assert_non_null(text);
    size_t n = 0;
    for (char *line = text; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        if (line[0] != '#' && line[0] != '\0') {
            char *std = strchr(line, '\t');
            assert_non_null(std);
            *std++ = '\0';
            char *sp = strchr(std, '\t');
            assert_non_null(sp);
            *sp++ = '\0';
            for (char *w = sp; w != NULL;) {
                char *comma = strchr(w, ',');
                if (comma != NULL) {
                    *comma = '\0';
                }
                bool found = false;
                for (size_t k = 0; k < seal__n_hwys; k++) {
                    const seal__hwy *h = &seal__hwys[k];
                    if (strcmp(h->words, w) == 0 &&
                        strcmp(seal__hwy_families[h->family].key, line) == 0 &&
                        strcmp(seal__hwy_families[h->family].std, std) == 0) {
                        found = true;
                    }
                }
                if (!found) {
                    print_error("highways.tsv: '%s' not in the generated table\n", w);
                    fail();
                }
                size_t fw = strcspn(w, " ");
                const seal__lex *l = seal__lex_find(w, fw);
                assert_non_null(l);
                assert_int_equal(l->hwy, 1);
                n++;
                w = comma != NULL ? comma + 1 : NULL;
            }
        }
        line = nl != NULL ? nl + 1 : NULL;
    }
    assert_int_equal(n, seal__n_hwys);
    free(text);
}

static void test_tables_mirror_data(void **state)
{
    (void) state;
    check_tsv("suffixes.tsv", 0);
    check_tsv("directionals.tsv", 1);
    check_tsv("units.tsv", 2);
    check_tsv("states.tsv", 3);
    check_tsv("words.tsv", 4);
    check_tsv("prefix_types.tsv", 5);
    check_tsv("numbers.tsv", 6);
    check_highways();
    assert_true(seal__n_suffixes >= 190);
    assert_int_equal(seal__n_units, 24);
    assert_null(seal__lex_find("NOTAWORD", 8));
}

static void test_alloc_fail(void **state)
{
    (void) state;
    seal_buf out;
    seal_buf_init(&out);
    seal_error err;
    seal_error_init(&err);
    const char *in = "1400 W Colfax Ave Apt 3, Denver CO 80204";
    seal_alloc_fail_after(1);
    seal_status a = seal_address_normalize(in, strlen(in), &out, &err);
    seal_status b = seal_address_key(in, strlen(in), &out, &err);
    seal_alloc_fail_after(0);
    assert_int_equal(a, SEAL_NOMEM);
    assert_int_equal(b, SEAL_NOMEM);
    assert_int_equal(out.len, 0);
    /* with a buffer already large enough, no allocation happens at all */
    assert_int_equal(seal_buf_reserve(&out, 256), SEAL_OK);
    seal_alloc_fail_after(1);
    a = seal_address_normalize(in, strlen(in), &out, &err);
    b = seal_address_key(in, strlen(in), &out, &err);
    seal_alloc_fail_after(0);
    assert_int_equal(a, SEAL_OK);
    assert_int_equal(b, SEAL_OK);
    assert_string_equal(seal_buf_str(&out), "80204|1400|W COLFAX AVE|3");
    seal_buf_cleanup(&out);
}

/* Normalising is idempotent: the standard line normalises to itself and
 * keeps its key. */
static void test_idempotent(void **state)
{
    (void) state;
    seal_buf once;
    seal_buf twice;
    seal_buf k1;
    seal_buf k2;
    seal_buf_init(&once);
    seal_buf_init(&twice);
    seal_buf_init(&k1);
    seal_buf_init(&k2);
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        const char *in = pairs[i].b;
        assert_int_equal(seal_address_normalize(in, strlen(in), &once, NULL), SEAL_OK);
        assert_int_equal(seal_address_normalize((const char *) once.data, once.len, &twice, NULL),
                         SEAL_OK);
        if (strcmp(seal_buf_str(&once), seal_buf_str(&twice)) != 0) {
            print_error("not idempotent: '%s' -> '%s' -> '%s'\n", in, seal_buf_str(&once),
                        seal_buf_str(&twice));
            fail();
        }
        if (seal_address_key(in, strlen(in), &k1, NULL) == SEAL_OK) {
            assert_int_equal(seal_address_key((const char *) once.data, once.len, &k2, NULL),
                             SEAL_OK);
            if (strcmp(seal_buf_str(&k1), seal_buf_str(&k2)) != 0) {
                print_error("key changed by normalising: '%s': '%s' vs '%s'\n", in,
                            seal_buf_str(&k1), seal_buf_str(&k2));
                fail();
            }
        }
    }
    seal_buf_cleanup(&once);
    seal_buf_cleanup(&twice);
    seal_buf_cleanup(&k1);
    seal_buf_cleanup(&k2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_parse_fields),
        cmocka_unit_test(test_tables_mirror_data),
        cmocka_unit_test(test_alloc_fail),
        cmocka_unit_test(test_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
