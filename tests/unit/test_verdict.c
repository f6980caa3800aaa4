/* Unit tests for verdict/: hand-computed scores, category caps, negative
** floors, status weights, Bayes logit clamping, levels and settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "verdict/verdict.h"

#include <math.h>
#include <string.h>

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void sums_and_caps_per_category(void **state)
{
  wsp_verdict_config cfg;
  wsp_verdict v;
  const wsp_verdict_hit hits[] = {
      {"recruitment_fee", 3.0, 1.0},  {"recruitment_fee", 2.5, 1.0},
      {"recruitment_fee", 4.0, 1.0}, /* 9.5, capped at 6 */
      {"destination_risk", 1.5, 1.0}, {"contact_offplatform", 2.0, 0.5},
  };
  (void)state;
  wsp_verdict_config_defaults(&cfg);
  wsp_verdict_compute(&cfg, hits, 5, -1, &v);
  NEAR(v.rules_score, 6.0 + 1.5 + 1.0);
  NEAR(v.score, 8.5);
  assert_int_equal(v.bayes_score, 0);
  assert_true(v.bayes < 0);
  assert_int_equal(v.level, WSP_LEVEL_HIGH);
  assert_true(v.flagged);
  assert_int_equal(v.n_cats, 3);
  assert_string_equal(v.cats[0].name, "recruitment_fee");
  NEAR(v.cats[0].sum, 9.5);
  NEAR(v.cats[0].counted, 6.0);
  assert_string_equal(v.cats[1].name, "destination_risk");
}

static void news_cues_pull_down_to_the_floor(void **state)
{
  wsp_verdict_config cfg;
  wsp_verdict v;
  const wsp_verdict_hit hits[] = {
      {"recruitment_fee", 4.0, 1.0},
      {"warning_or_news", -5.0, 1.0},
      {"warning_or_news", -5.0, 1.0}, /* -10, floored at -8 */
  };
  (void)state;
  wsp_verdict_config_defaults(&cfg);
  wsp_verdict_compute(&cfg, hits, 3, -1, &v);
  NEAR(v.score, 4.0 - 8.0);
  assert_int_equal(v.level, WSP_LEVEL_NONE);
  assert_false(v.flagged);
}

static void bayes_logit_is_weighted_and_clamped(void **state)
{
  wsp_verdict_config cfg;
  wsp_verdict v;
  const wsp_verdict_hit hit = {"task_scam", 2.0, 1.0};
  (void)state;
  wsp_verdict_config_defaults(&cfg);
  wsp_verdict_compute(&cfg, &hit, 1, 0.75, &v); /* logit = ln 3 */
  NEAR(v.bayes_score, 0.8 * log(3.0));
  NEAR(v.score, 2.0 + 0.8 * log(3.0));
  assert_int_equal(v.level, WSP_LEVEL_LOW);
  wsp_verdict_compute(&cfg, &hit, 1, 1.0, &v); /* clamped at 4 */
  NEAR(v.bayes_score, 0.8 * 4.0);
  assert_int_equal(v.level, WSP_LEVEL_MEDIUM);
  assert_true(v.flagged);
  wsp_verdict_compute(&cfg, NULL, 0, 0.0, &v);
  NEAR(v.score, -3.2);
  assert_int_equal(v.n_cats, 0);
  wsp_verdict_compute(&cfg, NULL, 0, NAN, &v); /* garbage: no model */
  NEAR(v.score, 0);
  assert_true(v.bayes < 0);
}

static void status_weights(void **state)
{
  wsp_verdict_config cfg;
  (void)state;
  wsp_verdict_config_defaults(&cfg);
  NEAR(wsp_verdict_status_weight(&cfg, "stable"), 1.0);
  NEAR(wsp_verdict_status_weight(&cfg, "test"), 0.5);
  NEAR(wsp_verdict_status_weight(&cfg, "experimental"), 0.0);
  NEAR(wsp_verdict_status_weight(&cfg, "deprecated"), 0.0);
  NEAR(wsp_verdict_status_weight(&cfg, "bogus"), 0.0);
}

static void settings_override_defaults(void **state)
{
  static const char text[] = "[verdict]\n"
                             "medium = 3\n"
                             "flag_level = low\n"
                             "cap.task_scam = 2\n"
                             "[scan]\n"
                             "jobs = 4\n";
  wsp_config *conf;
  wsp_verdict_config cfg;
  wsp_verdict v;
  wsp_err err;
  const wsp_verdict_hit hits[] = {{"task_scam", 5.0, 1.0}};
  (void)state;
  assert_int_equal(wsp_config_parse("w.conf", text, strlen(text), &conf, &err),
                   WSP_OK);
  assert_int_equal(wsp_verdict_config_load(&cfg, conf, &err), WSP_OK);
  NEAR(cfg.medium, 3.0);
  assert_int_equal(cfg.flag_level, WSP_LEVEL_LOW);
  wsp_verdict_compute(&cfg, hits, 1, -1, &v);
  NEAR(v.score, 2.0);
  assert_int_equal(v.level, WSP_LEVEL_LOW);
  assert_true(v.flagged);
  wsp_config_free(conf);

  static const char bad[] = "[verdict]\nflag_levle = low\n";
  assert_int_equal(wsp_config_parse("w.conf", bad, strlen(bad), &conf, &err),
                   WSP_OK);
  assert_int_equal(wsp_verdict_config_load(&cfg, conf, &err), WSP_PARSE);
  assert_string_equal(err.msg,
                      "w.conf:2: unknown setting 'verdict.flag_levle'");
  wsp_config_free(conf);

  static const char order[] = "[verdict]\nlow = 5\nmedium = 4\n";
  assert_int_equal(
      wsp_config_parse("w.conf", order, strlen(order), &conf, &err), WSP_OK);
  assert_int_equal(wsp_verdict_config_load(&cfg, conf, &err), WSP_PARSE);
  wsp_config_free(conf);
}

static void levels_by_name(void **state)
{
  wsp_level l;
  (void)state;
  assert_int_equal(wsp_level_parse("high", &l), WSP_OK);
  assert_int_equal(l, WSP_LEVEL_HIGH);
  assert_int_equal(wsp_level_parse("severe", &l), WSP_INVAL);
  assert_string_equal(wsp_level_name(WSP_LEVEL_MEDIUM), "medium");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sums_and_caps_per_category),
      cmocka_unit_test(news_cues_pull_down_to_the_floor),
      cmocka_unit_test(bayes_logit_is_weighted_and_clamped),
      cmocka_unit_test(status_weights),
      cmocka_unit_test(settings_override_defaults),
      cmocka_unit_test(levels_by_name),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
