// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "report/report.h"
#include "run/select.h"

void report_init(struct report *rp, FILE *out, const struct run *run)
{
	static const struct report_ops *const ops[] = {
		[FORMAT_TEXT] = &report_text_ops,
		[FORMAT_JSON] = &report_json_ops,
		[FORMAT_TAP] = &report_tap_ops,
		[FORMAT_KTAP] = &report_ktap_ops,
	};

	memset(rp, 0, sizeof(*rp));
	rp->out = out;
	rp->run = run;
	rp->ops = ops[run->opt->format];
}

void report_on_begin(void *arg, const struct run *run)
{
	struct report *rp = arg;

	rp->ops->begin(rp);
	fflush(rp->out);
}

void report_end(struct report *rp)
{
	rp->ops->end(rp);
	fflush(rp->out);
}

void report_unrun(struct report *rp, const char *why)
{
	size_t i;

	for (i = rp->index; i < rp->run->nselected; i++)
		fprintf(rp->out, "not ok %zu%s\n", i + 1, why);
	for (i = 0; i < rp->run->nstuck; i++)
		fprintf(rp->out, "# process group %d is still stuck in the kernel\n",
			rp->run->stuck[i]);
}

void report_on_result(void *arg, const struct run *run, const struct run_result *rr)
{
	struct report *rp = arg;

	rp->index++;
	rp->ops->check(rp, rr);
	fflush(rp->out);
}

static void needs_text(unsigned int needs, char *buf, size_t len)
{
	unsigned int bit;
	size_t off = 0;

	buf[0] = '\0';
	for (bit = 0; bit < 32 && off < len; bit++)
		if (needs & (1U << bit))
			off += snprintf(buf + off, len - off, "%s%s", off ? "," : "",
					need_name(1U << bit));
	if (!off)
		snprintf(buf, len, "-");
}

static const char *kind_name(enum target_kind k)
{
	return k == TARGET_DEVDAX ? "devdax" : k == TARGET_FSDAX ? "fsdax" : "any";
}

json_object *report_json_list(const struct check_table *t, const struct options *o)
{
	json_object *a = json_object_new_array();
	char needs[128];
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct check *c = &t->rows[i];
		json_object *j;

		if (!select_wanted(o, c->name))
			continue;
		j = json_object_new_object();
		needs_text(c->needs, needs, sizeof(needs));
		json_object_object_add(j, "name", json_object_new_string(c->name));
		json_object_object_add(j, "summary", json_object_new_string(c->summary));
		json_object_object_add(j, "target",
				       json_object_new_string(kind_name(c->target)));
		json_object_object_add(j, "needs", json_object_new_string(needs));
		needs_text(c->uses, needs, sizeof(needs));
		json_object_object_add(j, "uses", json_object_new_string(needs));
		json_object_object_add(j, "pin",
				       json_object_new_string(c->pin ? c->pin->name : "none"));
		json_object_object_add(j, "mapping",
				       json_object_new_string(!c->pin		   ? "-" :
							      c->flags & CHECK_PMD ? "pmd" :
										     "pte"));
		json_object_object_add(j, "mutation",
				       json_object_new_string(c->mutation ? c->mutation->name :
									    "none"));
		json_object_object_add(j, "expect", json_object_new_string(c->expect));
		json_object_object_add(j, "timeout_s", json_object_new_int((int)c->timeout_s));
		json_object_object_add(j, "alone",
				       json_object_new_boolean(!!(c->flags & CHECK_ALONE)));
		json_object_object_add(j, "guards", json_object_new_string(c->guards));
		json_object_array_add(a, j);
	}
	return a;
}

void report_list(FILE *out, const struct check_table *t, const struct options *o)
{
	json_object *a = report_json_list(t, o);
	size_t i, n = json_object_array_length(a);

	if (o->format == FORMAT_JSON) {
		fprintf(out, "%s\n",
			json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY));
		json_object_put(a);
		return;
	}
	for (i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(a, i), *v;

#define F(key) (json_object_object_get_ex(c, key, &v) ? json_object_get_string(v) : "")
		fprintf(out, "%-32s %s\n", F("name"), F("summary"));
		if (o->verbose)
			fprintf(out,
				"    needs: %s  uses: %s  pin: %s  mutation: %s  timeout: %ss%s\n"
				"    expect: %s\n    guards: %s\n",
				F("needs"), F("uses"), F("pin"), F("mutation"), F("timeout_s"),
				strcmp(F("alone"), "true") ? "" : "  runs alone", F("expect"),
				F("guards"));
#undef F
	}
	json_object_put(a);
}
