// SPDX-License-Identifier: GPL-2.0-only
/*
 * main() for a fuzz target built without libFuzzer (gcc, build/ and
 * build-asan/): runs the target once on every file of the seed corpus
 * directories (or files) it is given, so the unit suite checks the targets
 * and their corpus in every flavour, and a reproducer can be replayed there.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	size_t n;
	FILE *f;

	f = fopen(path, "re");
	if (!f || fstat(fileno(f), &st)) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	/* Exactly as long as the input: AddressSanitizer sees a read past it. */
	buf = malloc(st.st_size ? st.st_size : 1);
	n = buf ? fread(buf, 1, st.st_size, f) : 0;
	fclose(f);
	if (!buf || n != (size_t)st.st_size) {
		fprintf(stderr, "%s: short read\n", path);
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int run_dir(const char *dir, int *count)
{
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);
	int ret = 0;

	if (!d) {
		perror(dir);
		return -1;
	}
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		ret = run_file(path);
		(*count)++;
	}
	closedir(d);
	return ret;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, count = 0, ret = 0;

	for (i = 1; i < argc && !ret; i++) {
		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode)) {
			ret = run_dir(argv[i], &count);
		} else {
			ret = run_file(argv[i]);
			count++;
		}
	}
	printf("%d inputs run\n", count);
	/* No input at all is a broken test, not a pass. */
	return ret || !count ? 99 : 0;
}
