// SPDX-License-Identifier: GPL-2.0
#include "progress.h"

#define BAR_WIDTH 40

void progress_start(struct progress *p, FILE *out, bool tty, const char *what, size_t total)
{
	p->out = out;
	p->tty = tty;
	p->what = what;
	p->total = total;
	p->done = 0;
	p->last_shown = -1;
	progress_step(p, 0);
}

static void draw_bar(struct progress *p, int pct)
{
	int fill = pct * BAR_WIDTH / 100;

	fprintf(p->out, "\r%s [", p->what);
	for (int i = 0; i < BAR_WIDTH; i++)
		fputc(i < fill ? '=' : (i == fill ? '>' : ' '), p->out);
	fprintf(p->out, "] %zu/%zu", p->done, p->total);
	fflush(p->out);
}

void progress_step(struct progress *p, size_t n)
{
	int pct;

	p->done += n;
	pct = p->total ? (int)(p->done * 100 / p->total) : 100;
	if (p->tty) {
		if (pct != p->last_shown)
			draw_bar(p, pct);
		p->last_shown = pct;
		return;
	}
	/* Not a terminal: a line at each quarter keeps logs short. */
	if (pct / 25 != p->last_shown) {
		fprintf(p->out, "%s: %zu/%zu\n", p->what, p->done, p->total);
		p->last_shown = pct / 25;
	}
}

void progress_end(struct progress *p)
{
	if (p->tty)
		fputc('\n', p->out);
	else if (p->last_shown != 4)
		fprintf(p->out, "%s: %zu/%zu\n", p->what, p->done, p->total);
}
