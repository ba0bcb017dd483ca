/* The console's escaping and decoding (compiler/serve/console_html.c): HTML text and
 * attributes, URL parts, JSON inside <script>, re-indented JSON, ISO times and form fields.
 * Every string a console page shows from a definition or an execution goes through these. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

static cn_page page;

static void setup(void)
{
	cn_page_init(&page, NULL, NULL, NULL);
}

static void teardown(void)
{
	cn_page_free(&page);
}

/* What the page holds so far, NUL-terminated. */
static const char *text(void)
{
	asl_buffer_putc(&page.out, 0);
	page.out.len--;
	return page.out.data ? page.out.data : "";
}

START_TEST(html_escapes_the_five_and_nul)
{
	static const char s[] = "<a href=\"x\" title='y'>&</a>\0z";
	cn_escn(&page, s, sizeof s - 1);
	ck_assert_str_eq(text(), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
				 "\xef\xbf\xbdz");
}
END_TEST

START_TEST(html_leaves_plain_text_and_utf8)
{
	cn_esc(&page, "State \xe2\x9c\x93 one");
	cn_esc(&page, NULL);
	ck_assert_str_eq(text(), "State \xe2\x9c\x93 one");
}
END_TEST

START_TEST(url_encodes_all_but_unreserved)
{
	cn_url(&page, "arn:aws:states:x:1:execution:M:it's(1)=!@+ /&?#%\"<");
	ck_assert_str_eq(text(),
			 "arn%3Aaws%3Astates%3Ax%3A1%3Aexecution%3AM%3Ait%27s%281%29%3D%21%40%2B"
			 "%20%2F%26%3F%23%25%22%3C");
}
END_TEST

START_TEST(script_json_cannot_close_its_script)
{
	const char *json = "{\"x\":\"</script><script>alert(1)</script><!--\"}";
	cn_script_json(&page, "data", json, strlen(json));
	ck_assert_ptr_null(strstr(text(), "</script><"));
	ck_assert_ptr_nonnull(strstr(text(), "\\u003c/script>\\u003cscript>"));
	ck_assert_ptr_nonnull(strstr(text(), "\\u003c!--"));
}
END_TEST

START_TEST(pretty_json_indents_and_escapes)
{
	const char *json = "{\"a\":[1,{}],\"b\":\"x,{y}:\\\"<\",\"c\":[]}";
	cn_pretty_json(&page, json, strlen(json));
	ck_assert_str_eq(text(), "{\n  &quot;a&quot;: [\n    1,\n    {}\n  ],\n"
				 "  &quot;b&quot;: &quot;x,{y}:\\&quot;&lt;&quot;,\n"
				 "  &quot;c&quot;: []\n}");
}
END_TEST

START_TEST(pretty_json_of_deep_nesting_needs_no_stack)
{
	size_t n = 200000;
	char *deep = malloc(2 * n);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	cn_pretty_json(&page, deep, 2 * n);
	ck_assert_uint_gt(page.out.len, 2 * n);
	ck_assert_uint_lt(page.out.len, 2 * n * 40); /* indentation stops growing */
	free(deep);
}
END_TEST

START_TEST(iso_time_in_utc_with_milliseconds)
{
	asl_value *t = asl_number(&page.arena, 1796164156.0315);
	cn_iso_time(&page, t);
	ck_assert_str_eq(text(), "2026-12-01T22:29:16.032Z");
	page.out.len = 0;
	cn_iso_time(&page, asl_cstring(&page.arena, "not a time"));
	ck_assert_str_eq(text(), "");
}
END_TEST

START_TEST(form_values_decoded)
{
	const char *body =
		"stateMachineArn=arn%3Aaws%3Ax&name=&input=%7B%22a%22%3A+1%7D&bad=%zz%4&flag";
	size_t len = strlen(body);
	ck_assert_str_eq(cn_form_value(&page.arena, body, len, "stateMachineArn"), "arn:aws:x");
	ck_assert_str_eq(cn_form_value(&page.arena, body, len, "name"), "");
	ck_assert_str_eq(cn_form_value(&page.arena, body, len, "input"), "{\"a\": 1}");
	ck_assert_str_eq(cn_form_value(&page.arena, body, len, "bad"), "%zz%4");
	ck_assert_str_eq(cn_form_value(&page.arena, body, len, "flag"), "");
	ck_assert_ptr_null(cn_form_value(&page.arena, body, len, "missing"));
	ck_assert_ptr_null(cn_form_value(&page.arena, body, len, "stateMachine"));
	ck_assert_ptr_null(cn_form_value(&page.arena, "", 0, "name"));
}
END_TEST

START_TEST(message_page_escapes_and_sets_status)
{
	cn_put(&page, "partial output that must go");
	cn_message_page(&page, 404, "No <such> page", "'x' & \"y\"");
	ck_assert_int_eq(page.status, 404);
	ck_assert_ptr_null(strstr(text(), "partial"));
	ck_assert_ptr_nonnull(strstr(text(), "<h1>No &lt;such&gt; page</h1>"));
	ck_assert_ptr_nonnull(strstr(text(), "&#39;x&#39; &amp; &quot;y&quot;"));
	ck_assert_ptr_nonnull(strstr(text(), "<nav><a href=\"/\">Home</a></nav>"));
}
END_TEST

static Suite *console_html_suite(void)
{
	Suite *s = suite_create("console_html");
	TCase *tc = tcase_create("escaping");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, html_escapes_the_five_and_nul);
	tcase_add_test(tc, html_leaves_plain_text_and_utf8);
	tcase_add_test(tc, url_encodes_all_but_unreserved);
	tcase_add_test(tc, script_json_cannot_close_its_script);
	tcase_add_test(tc, pretty_json_indents_and_escapes);
	tcase_add_test(tc, pretty_json_of_deep_nesting_needs_no_stack);
	tcase_add_test(tc, iso_time_in_utc_with_milliseconds);
	tcase_add_test(tc, form_values_decoded);
	tcase_add_test(tc, message_page_escapes_and_sets_status);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(console_html_suite());
	if (!getenv("CK_FORK")) /* fork mode, so a crash fails one test */
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
