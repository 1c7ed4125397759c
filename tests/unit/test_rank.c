/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_rank.c: unit tests for the ranking formulas of SPEC.md in
 * src/base/rank.c: hot, Wilson lower bound ("best") and controversy.
 *
 * Every expected value is written out: worked by hand where the formula
 * allows it, otherwise computed once outside this file from the formula as
 * SPEC.md states it. Nothing here recomputes the formula under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "base/base.h"

#define EPS 1e-9
#define EPOCH 1134028003 /* SPEC.md: created − 1134028003 s */

static void
near(double got, double want, const char *what)
{
	if (!(fabs(got - want) <= EPS)) {
		print_error("%s: want %.12f, got %.12f\n", what, want, got);
		fail();
	}
}

/* ---- hot -------------------------------------------------------------- */

static void
test_hot_by_hand(void **state)
{
	/* 45000 * 1000 s after the epoch, the time term is exactly 1000. */
	const int64_t t = EPOCH + 45000LL * 1000;

	near(rank_hot(1, t), 1000.0, "hot(1)");     /* log10(1) = 0 */
	near(rank_hot(0, t), 1000.0, "hot(0)");     /* sign(0) = 0 */
	near(rank_hot(-1, t), 1000.0, "hot(-1)");   /* -log10(1) = 0 */
	near(rank_hot(10, t), 1001.0, "hot(10)");   /* +log10(10) */
	near(rank_hot(-100, t), 998.0, "hot(-100)"); /* -log10(100) */
	near(rank_hot(1000, t), 1003.0, "hot(1000)");
	/* At the epoch itself only the score counts; before it, less. */
	near(rank_hot(100, EPOCH), 2.0, "hot(100, epoch)");
	near(rank_hot(1, EPOCH - 45000), -1.0, "hot(1, epoch - 45000)");
}

static void
test_hot_formula(void **state)
{
	/*
	 * A time whose term is not round: 565971997 / 45000. The expected
	 * values were worked out once with a calculator (Python's math module
	 * at double precision) from SPEC.md's formula, not recomputed here.
	 */
	const int64_t t = 1700000000;
	static const struct {
		int64_t score;
		double want;
	} cases[] = {
		{ 1, 12577.155488888890 },
		{ 0, 12577.155488888890 },
		{ -1, 12577.155488888890 },
		{ 10, 12578.155488888890 },
		{ -100, 12575.155488888890 },
		{ 2, 12577.456518884554 },
		{ -7, 12576.310390848876 },
		{ 12345, 12581.246979983158 },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		near(rank_hot(cases[i].score, t), cases[i].want, "hot at 1700000000");
}

static void
test_hot_order(void **state)
{
	const int64_t t = 1700000000;

	/* Never decreasing in score; strictly increasing away from -1..1. */
	for (int64_t s = -2000; s < 2000; s++) {
		double a = rank_hot(s, t), b = rank_hot(s + 1, t);

		assert_true(a <= b);
		if (s >= 1 || s <= -2)
			assert_true(a < b);
	}
	/* Equal score: the newer post wins, by 1/45000 per second. */
	static const int64_t scores[] = { -50, -1, 0, 1, 2, 500 };

	for (size_t i = 0; i < ARRAY_LEN(scores); i++) {
		assert_true(rank_hot(scores[i], t + 1) > rank_hot(scores[i], t));
		assert_true(rank_hot(scores[i], t + 3600) > rank_hot(scores[i], t + 1));
		near(rank_hot(scores[i], t + 45000) - rank_hot(scores[i], t), 1.0,
		    "45000 s is one order of magnitude");
	}
	/* A post 12.5 hours newer (one unit) ties with ten times the score. */
	near(rank_hot(10, t), rank_hot(1, t + 45000), "10 pts vs 1 pt newer");
	assert_true(rank_hot(1, t + 45001) > rank_hot(10, t));
}

/* ---- Wilson ----------------------------------------------------------- */

static void
test_wilson(void **state)
{
	double prev;

	assert_true(rank_wilson(0, 0) == 0.0);

	/* Only upvotes: more of them is more certain, always. */
	prev = rank_wilson(0, 0);
	for (int64_t n = 1; n <= 2000; n++) {
		double w = rank_wilson(n, 0);

		assert_true(w > prev);
		assert_true(w < 1.0);
		prev = w;
	}
	assert_true(rank_wilson(1, 0) < rank_wilson(10, 0));
	assert_true(rank_wilson(10, 0) < rank_wilson(100, 0));

	/*
	 * Worked out once by hand from the Wilson formula with z = 1.28
	 * (double precision), not recomputed here.
	 */
	near(rank_wilson(5, 1), 0.575011445311978, "wilson(5,1)");
	near(rank_wilson(1, 0), 0.379017586416010, "wilson(1,0)");
	near(rank_wilson(37, 12), 0.669058220623410, "wilson(37,12)");
	/* z is 1.28, not the common 1.96 (which gives 0.436490563436354). */
	assert_true(fabs(rank_wilson(5, 1) - 0.436490563436354) > 0.05);

	/* More downvotes at the same ups rank lower. */
	assert_true(rank_wilson(5, 1) > rank_wilson(5, 5));
	assert_true(rank_wilson(5, 5) > rank_wilson(1, 5));
	assert_true(rank_wilson(0, 5) >= 0.0);
	assert_true(rank_wilson(0, 5) < rank_wilson(1, 5));
	/* Same ratio, more votes: more confidence. */
	assert_true(rank_wilson(50, 10) > rank_wilson(5, 1));
}

/* ---- controversy -------------------------------------------------------- */

static void
test_controversy(void **state)
{
	static const int64_t xs[] = { 0, 1, 2, 7, 100 };

	for (size_t i = 0; i < ARRAY_LEN(xs); i++) {
		assert_true(rank_controversy(0, xs[i]) == 0.0);
		assert_true(rank_controversy(xs[i], 0) == 0.0);
	}
	near(rank_controversy(5, 5), 10.0, "controversy(5,5)");
	near(rank_controversy(10, 5), 3.872983346207417, "controversy(10,5)"); /* 15^(1/2) */
	near(rank_controversy(1, 1), 2.0, "controversy(1,1)");
	near(rank_controversy(1, 3), 1.587401051968199, "controversy(1,3)"); /* 4^(1/3) */
	near(rank_controversy(100, 1), 1.047232745989823, "controversy(100,1)"); /* 101^0.01 */

	for (int64_t u = 1; u <= 30; u++)
		for (int64_t d = 1; d <= 30; d++)
			assert_true(rank_controversy(u, d) == rank_controversy(d, u));

	/* Balanced beats lopsided at the same total. */
	assert_true(rank_controversy(10, 10) > rank_controversy(15, 5));
	assert_true(rank_controversy(15, 5) > rank_controversy(19, 1));
	/* Negative counts are not votes. */
	assert_true(rank_controversy(-5, 5) == 0.0);
	assert_true(rank_controversy(5, -5) == 0.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hot_by_hand),
		cmocka_unit_test(test_hot_formula),
		cmocka_unit_test(test_hot_order),
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_controversy),
	};

	return cmocka_run_group_tests_name("rank", tests, NULL, NULL);
}
