/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * rank.c: the ranking formulas of SPEC.md. They live in base because the
 * store keeps hot and controversy in indexed columns while the app sorts
 * comments in memory, and neither may include the other.
 */
#include "base.h"

#include <math.h>

#define HOT_EPOCH 1134028003

/* Reddit's hot: sign(s)·log10(max(|s|,1)) + (created − epoch)/45000. */
double
rank_hot(int64_t score, int64_t created)
{
	double order = log10(fmax(fabs((double)score), 1.0));
	double sign = score > 0 ? 1.0 : score < 0 ? -1.0 : 0.0;

	return sign * order + (double)(created - HOT_EPOCH) / 45000.0;
}

/* Reddit's controversy: (ups+downs)^(min/max), 0 unless both are > 0. */
double
rank_controversy(int64_t ups, int64_t downs)
{
	double magnitude, balance;

	if (ups <= 0 || downs <= 0)
		return 0.0;
	magnitude = (double)(ups + downs);
	balance = ups > downs ? (double)downs / (double)ups
			      : (double)ups / (double)downs;
	return pow(magnitude, balance);
}

/* Lower bound of the Wilson score interval with z = 1.28 ("best"). */
double
rank_wilson(int64_t ups, int64_t downs)
{
	const double z = 1.28;
	double n = (double)(ups + downs), p;

	if (ups + downs <= 0)
		return 0.0;
	p = (double)ups / n;
	return (p + z * z / (2 * n) -
	    z * sqrt((p * (1 - p) + z * z / (4 * n)) / n)) / (1 + z * z / n);
}
