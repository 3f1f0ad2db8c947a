/*
 * decode_bench: in-process decode time of JPEG 2000 codestreams with OpenJPEG and JPEG-LS codestreams with
 * CharLS, through the plain library calls, as the reference for Gateway.Dicom's codecs (gateway-bench j2k and
 * gateway-bench jpegls decode the same bytes).
 *
 *   decode_bench j2k|jls [--warmup N] [--warmup-seconds S] [--iterations N] [--threads N] FILE...
 *
 * Each file is read into memory once. One iteration is what a caller of the library must do for one frame:
 *   OpenJPEG: memory stream (read/skip/seek callbacks, as opj has no memory stream of its own), codec,
 *             default parameters, read header, decode, end decompress, destroy everything; then the decoded
 *             int32 components are packed into a native frame (8- or 16-bit samples, colour interleaved) in a
 *             buffer allocated for the iteration. The time without the packing is printed as well.
 *   CharLS:   decoder, source buffer, read header, destination size, allocate the destination, decode to it,
 *             free it, destroy the decoder.
 * Warm-up as gateway-bench (at least N runs and at least S seconds), then N timed iterations; prints the median
 * and minimum in milliseconds, tab-separated. The same file built as a shared library (-DDECODE_BENCH_LIBRARY
 * -shared -fPIC) exports decode_bench_j2k_once and decode_bench_jls_once for gateway-bench --paired-with. --threads N calls opj_codec_set_threads (default: none, which is
 * OpenJPEG's default of one thread unless OPJ_NUM_THREADS is set).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <charls/charls.h>
#include <openjpeg.h>

/* Built with -DDECODE_BENCH_LIBRARY -shared, the two per-frame functions are all there is: gateway-bench loads
 * them to alternate native and managed decodes in one process (--paired-with). */
#define EXPORT __attribute__((visibility("default")))

typedef struct {
    const unsigned char *data;
    size_t length;
    size_t position;
} memory_input;

typedef struct {
    int warmup;
    double warmup_seconds;
    int iterations;
    int threads;
} options;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* ---- OpenJPEG ------------------------------------------------------------------------------------------ */

static OPJ_SIZE_T memory_read(void *buffer, OPJ_SIZE_T count, void *user)
{
    memory_input *input = user;
    if (input->position >= input->length)
        return (OPJ_SIZE_T)-1;
    size_t n = input->length - input->position;
    if (n > count)
        n = count;
    memcpy(buffer, input->data + input->position, n);
    input->position += n;
    return n;
}

static OPJ_OFF_T memory_skip(OPJ_OFF_T count, void *user)
{
    memory_input *input = user;
    OPJ_OFF_T target = (OPJ_OFF_T)input->position + count;
    if (target < 0 || target > (OPJ_OFF_T)input->length) {
        input->position = target < 0 ? 0 : input->length;
        return -1;
    }
    input->position = (size_t)target;
    return count;
}

static OPJ_BOOL memory_seek(OPJ_OFF_T position, void *user)
{
    memory_input *input = user;
    if (position < 0 || position > (OPJ_OFF_T)input->length)
        return OPJ_FALSE;
    input->position = (size_t)position;
    return OPJ_TRUE;
}

static void on_error(const char *message, void *client)
{
    (void)client;
    fprintf(stderr, "OpenJPEG: %s", message);
}

static int is_jp2(const unsigned char *data, size_t length)
{
    static const unsigned char signature[] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20};
    return length >= sizeof signature && memcmp(data, signature, sizeof signature) == 0;
}

/* One decode; returns the decoded image (caller destroys it), or NULL on failure. */
static opj_image_t *opj_decode_once(const unsigned char *data, size_t length, int threads)
{
    memory_input input = {data, length, 0};
    /* The same stream buffer size as Gateway.Dicom: the codestream length, at least 4 KiB, at most 1 MiB. */
    size_t buffer = length < 4096 ? 4096 : length > OPJ_J2K_STREAM_CHUNK_SIZE ? OPJ_J2K_STREAM_CHUNK_SIZE : length;
    opj_stream_t *stream = opj_stream_create(buffer, OPJ_TRUE);
    opj_stream_set_read_function(stream, memory_read);
    opj_stream_set_skip_function(stream, memory_skip);
    opj_stream_set_seek_function(stream, memory_seek);
    opj_stream_set_user_data(stream, &input, NULL);
    opj_stream_set_user_data_length(stream, length);

    opj_codec_t *codec = opj_create_decompress(is_jp2(data, length) ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
    opj_set_error_handler(codec, on_error, NULL);
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    opj_image_t *image = NULL;
    int ok = opj_setup_decoder(codec, &parameters)
        && (threads <= 0 || opj_codec_set_threads(codec, threads))
        && opj_read_header(stream, codec, &image)
        && opj_decode(codec, stream, image)
        && opj_end_decompress(codec, stream);
    opj_destroy_codec(codec);
    opj_stream_destroy(stream);
    if (!ok) {
        opj_image_destroy(image);
        return NULL;
    }
    return image;
}

/* Packs the components into a native frame: 8-bit samples for precision <= 8, else 16-bit, interleaved. */
static void pack(const opj_image_t *image, unsigned char *output)
{
    size_t pixels = (size_t)image->comps[0].w * image->comps[0].h;
    unsigned components = image->numcomps;
    if (image->comps[0].prec <= 8) {
        for (unsigned c = 0; c < components; c++) {
            const OPJ_INT32 *samples = image->comps[c].data;
            for (size_t i = 0; i < pixels; i++)
                output[i * components + c] = (unsigned char)samples[i];
        }
    } else {
        uint16_t *words = (uint16_t *)output;
        for (unsigned c = 0; c < components; c++) {
            const OPJ_INT32 *samples = image->comps[c].data;
            for (size_t i = 0; i < pixels; i++)
                words[i * components + c] = (uint16_t)samples[i];
        }
    }
}

static size_t native_length(const opj_image_t *image)
{
    return (size_t)image->comps[0].w * image->comps[0].h * image->numcomps * (image->comps[0].prec <= 8 ? 1 : 2);
}

/* One frame: decode, then pack into a fresh native buffer. *decode_ms gets the time of the decode alone. */
EXPORT int decode_bench_j2k_once(const unsigned char *data, size_t length, int threads, double *decode_ms, size_t *decoded_bytes)
{
    double start = now_ms();
    opj_image_t *image = opj_decode_once(data, length, threads);
    if (!image)
        return 1;
    *decode_ms = now_ms() - start;
    *decoded_bytes = native_length(image);
    unsigned char *output = malloc(*decoded_bytes);
    pack(image, output);
    free(output);
    opj_image_destroy(image);
    return 0;
}

/* ---- CharLS -------------------------------------------------------------------------------------------- */

/* One frame: decoder, header, destination size, a fresh destination buffer, decode. */
EXPORT int decode_bench_jls_once(const unsigned char *data, size_t length, int threads, double *decode_ms, size_t *decoded_bytes)
{
    (void)threads;
    double start = now_ms();
    charls_jpegls_decoder *decoder = charls_jpegls_decoder_create();
    size_t size = 0;
    unsigned char *output = NULL;
    int error = charls_jpegls_decoder_set_source_buffer(decoder, data, length);
    if (!error)
        error = charls_jpegls_decoder_read_header(decoder);
    if (!error)
        error = charls_jpegls_decoder_get_destination_size(decoder, 0, &size);
    if (!error) {
        output = malloc(size);
        error = charls_jpegls_decoder_decode_to_buffer(decoder, output, size, 0);
    }
    free(output);
    charls_jpegls_decoder_destroy(decoder);
    if (error) {
        fprintf(stderr, "CharLS: %s\n", charls_get_error_message(error));
        return 1;
    }
    *decode_ms = now_ms() - start;
    *decoded_bytes = size;
    return 0;
}

#ifndef DECODE_BENCH_LIBRARY

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count)
{
    qsort(values, count, sizeof *values, compare_doubles);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

static unsigned char *read_file(const char *path, size_t *length)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "decode_bench: cannot open %s: %s\n", path, strerror(errno));
        exit(1);
    }
    fseek(file, 0, SEEK_END);
    *length = (size_t)ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *data = malloc(*length);
    if (!data || fread(data, 1, *length, file) != *length) {
        fprintf(stderr, "decode_bench: cannot read %s\n", path);
        exit(1);
    }
    fclose(file);
    return data;
}

typedef int (*decode_once)(const unsigned char *, size_t, int, double *, size_t *);

/* Warm-up (at least o->warmup runs and o->warmup_seconds), then o->iterations timed runs. */
static int measure(decode_once once, const unsigned char *data, size_t length, const options *o, double *total,
                   double *decode_only, size_t *decoded_bytes)
{
    double ignored;
    double start = now_ms();
    for (int i = 0; i < o->warmup || now_ms() - start < o->warmup_seconds * 1e3; i++) {
        if (once(data, length, o->threads, &ignored, decoded_bytes))
            return 1;
    }
    for (int i = 0; i < o->iterations; i++) {
        double t0 = now_ms();
        if (once(data, length, o->threads, &decode_only[i], decoded_bytes))
            return 1;
        total[i] = now_ms() - t0;
    }
    return 0;
}

static double minimum(const double *values, int count)
{
    double best = values[0];
    for (int i = 1; i < count; i++)
        best = values[i] < best ? values[i] : best;
    return best;
}

/* ---- main ---------------------------------------------------------------------------------------------- */

static const char *case_name(const char *path, char *buffer, size_t size)
{
    const char *slash = strrchr(path, '/');
    snprintf(buffer, size, "%s", slash ? slash + 1 : path);
    char *dot = strrchr(buffer, '.');
    if (dot)
        *dot = '\0';
    return buffer;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "j2k") && strcmp(argv[1], "jls"))) {
        fprintf(stderr, "usage: %s j2k|jls [--warmup N] [--warmup-seconds S] [--iterations N] [--threads N] FILE...\n",
                argv[0]);
        return 2;
    }
    int j2k = strcmp(argv[1], "j2k") == 0;
    options o = {3, 2.0, 20, 0};
    int first = 2;
    for (; first + 1 < argc && strncmp(argv[first], "--", 2) == 0; first += 2) {
        if (!strcmp(argv[first], "--warmup"))
            o.warmup = atoi(argv[first + 1]);
        else if (!strcmp(argv[first], "--warmup-seconds"))
            o.warmup_seconds = atof(argv[first + 1]);
        else if (!strcmp(argv[first], "--iterations"))
            o.iterations = atoi(argv[first + 1]);
        else if (!strcmp(argv[first], "--threads"))
            o.threads = atoi(argv[first + 1]);
        else {
            fprintf(stderr, "decode_bench: unknown option %s\n", argv[first]);
            return 2;
        }
    }
    if (o.iterations < 1) {
        fprintf(stderr, "decode_bench: --iterations must be at least 1\n");
        return 2;
    }

    if (j2k)
        printf("case\tencoded_bytes\tdecoded_bytes\titerations\tmedian_ms\tmin_ms\tdecode_only_median_ms\tdecode_only_min_ms\n");
    else
        printf("case\tencoded_bytes\tdecoded_bytes\titerations\tmedian_ms\tmin_ms\n");
    double *total = calloc(o.iterations, sizeof(double));
    double *decode_only = calloc(o.iterations, sizeof(double));
    for (int f = first; f < argc; f++) {
        size_t length, decoded = 0;
        unsigned char *data = read_file(argv[f], &length);
        int failed = measure(j2k ? decode_bench_j2k_once : decode_bench_jls_once, data, length, &o, total, decode_only, &decoded);
        free(data);
        if (failed) {
            fprintf(stderr, "decode_bench: decoding %s failed\n", argv[f]);
            return 1;
        }
        char name[512];
        double best = minimum(total, o.iterations);
        printf("%s\t%zu\t%zu\t%d\t%.3f\t%.3f", case_name(argv[f], name, sizeof name), length, decoded, o.iterations,
               median(total, o.iterations), best);
        if (j2k) {
            double best_decode = minimum(decode_only, o.iterations);
            printf("\t%.3f\t%.3f", median(decode_only, o.iterations), best_decode);
        }
        printf("\n");
        fflush(stdout);
    }
    free(total);
    free(decode_only);
    return 0;
}

#endif /* DECODE_BENCH_LIBRARY */
