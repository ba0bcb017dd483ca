/* RFC3339 timestamps: parsing as AWS accepts them and formatting context times, with a
 * civil-calendar conversion of our own so the core needs no OS time functions. */
#include <string.h>

#include "exec.h"
#include "format.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void asl__format_time(int64_t ms, char out[48])
{
	int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int64_t rem = ms - days * 86400000;
	int64_t y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	asl__fmt(out, 48, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, m, d, (int)(rem / 3600000),
		 (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000));
}

static int digits(const char *s, size_t len, size_t at, int n, int *out)
{
	if (at + (size_t)n > len)
		return -1;
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = s[at + (size_t)i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

int asl__parse_timestamp(const char *s, size_t len, int64_t *ms_out, int *nanos_out)
{
	int y, mo, d, h, mi, sec;
	if (digits(s, len, 0, 4, &y) || len < 20 || s[4] != '-' || digits(s, len, 5, 2, &mo) ||
	    s[7] != '-' || digits(s, len, 8, 2, &d) || s[10] != 'T' || digits(s, len, 11, 2, &h) ||
	    s[13] != ':' || digits(s, len, 14, 2, &mi) || s[16] != ':' ||
	    digits(s, len, 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
		return -1;
	size_t i = 19;
	int nanos = 0;
	if (i < len && s[i] == '.') {
		size_t start = ++i;
		int scale = 100000000;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			nanos += (s[i] - '0') * scale;
			scale /= 10;
			i++;
		}
		if (i == start || i - start > 9)
			return -1;
	}
	int offset_min = 0;
	if (i < len && s[i] == 'Z') {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int oh, om;
		if (digits(s, len, i + 1, 2, &oh) || i + 3 >= len || s[i + 3] != ':' ||
		    digits(s, len, i + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		offset_min = (oh * 60 + om) * (s[i] == '+' ? 1 : -1);
		i += 6;
	} else {
		return -1; /* AWS requires a zone */
	}
	if (i != len)
		return -1;
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
		       (int64_t)offset_min * 60;
	*ms_out = secs * 1000 + nanos / 1000000;
	if (nanos_out)
		*nanos_out = nanos % 1000000;
	return 0;
}

int asl_is_timestamp(const asl_value *v)
{
	int64_t ms;
	return v->type == ASL_STRING &&
	       asl__parse_timestamp(v->u.string.ptr, v->u.string.len, &ms, NULL) == 0;
}
